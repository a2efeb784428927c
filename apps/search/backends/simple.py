"""The embedded default on SQLite: every word must appear (any of its synonyms or near words)
in one of the entry's texts, case-insensitively; no ranking beyond "the name matches first"."""

import difflib
from functools import reduce
from operator import or_

from django.db.models import Case, Expression, IntegerField, Q, QuerySet, Value, When

from ..models import SearchTerm
from ..text import TermGroup
from .database import CORRECTIONS_PER_WORD, DatabaseBackend, closest

TEXT_FIELDS = (
    "name", "name_zh", "brand_name", "category_text", "category_text_zh", "attribute_text",
    "description", "description_zh",
)  # fmt: skip
VOCABULARY_LIMIT = 50_000
TYPO_CUTOFF = 0.75


def _contains(phrase: tuple[str, ...], fields=TEXT_FIELDS) -> Q:
    text = " ".join(phrase)
    return reduce(or_, (Q(**{f"{field}__icontains": text}) for field in fields))


def _group_q(group: TermGroup, fields=TEXT_FIELDS) -> Q:
    return reduce(or_, (_contains(phrase, fields) for phrase in group.alternatives if phrase))


class SimpleBackend(DatabaseBackend):
    name = "simple"

    def _match(self, entries: QuerySet, groups: list[TermGroup]) -> QuerySet:
        for group in groups:
            entries = entries.filter(_group_q(group))
        return entries

    def _rank(self, groups: list[TermGroup]) -> Expression | None:
        in_name = reduce(lambda a, b: a & b, (_group_q(group, ("name", "name_zh")) for group in groups))
        return Case(When(in_name, then=Value(1)), default=Value(0), output_field=IntegerField())

    def _nearest_terms(self, word: str) -> list[str]:
        vocabulary = list(SearchTerm.objects.values_list("term", flat=True)[:VOCABULARY_LIMIT])
        scored = [(term, difflib.SequenceMatcher(None, word, term).ratio()) for term in vocabulary]
        scored = sorted((pair for pair in scored if pair[1] >= TYPO_CUTOFF), key=lambda p: (-p[1], p[0]))
        return closest(scored[:CORRECTIONS_PER_WORD])
