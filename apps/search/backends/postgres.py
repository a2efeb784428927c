"""PostgreSQL full-text search over `SearchEntry.search_vector` (GIN-indexed, weights A-D),
ranked by ts_rank, with pg_trgm for typos (nearest words of the vocabulary, GIN trigram index)
and Chinese matched through the bigrams stored in the vector.

The tsquery is built here from tokens that hold only letters and digits (see `text.tokenize`),
each quoted as a lexeme, so user input never becomes tsquery syntax; PostgreSQL stems them
with the same `english` configuration the vector was built with.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Expression, F, Func, OrderBy, QuerySet, TextField, Value, Window
from django.db.models.functions import RowNumber

from ..models import SearchEntry
from ..text import TermGroup, cjk_bigrams, is_cjk
from .database import CORRECTIONS_PER_WORD, HIT_FIELDS, TOTAL, DatabaseBackend, closest

SEARCH_CONFIG = "english"
TYPO_SIMILARITY = 0.3


def _lexeme(token: str, *, prefix: bool = False) -> str:
    return f"'{token}'" + (":*" if prefix else "")


def _phrase(tokens: tuple[str, ...], *, prefix_last: bool = False) -> str:
    parts: list[str] = []
    for index, token in enumerate(tokens):
        last = index == len(tokens) - 1
        if is_cjk(token):
            # A run of two or more characters is the phrase of its bigrams; one is its unigram.
            parts.append(" <-> ".join(_lexeme(gram) for gram in cjk_bigrams(token)))
        else:
            parts.append(_lexeme(token, prefix=prefix_last and last))
    return " <-> ".join(f"({part})" for part in parts)


def tsquery_text(groups: list[TermGroup], *, prefix_last: bool = False) -> str:
    """`(alt1 | alt2) & (alt3)`: every group must match, any of its alternatives will do."""
    clauses = []
    for index, group in enumerate(groups):
        last = prefix_last and index == len(groups) - 1
        alternatives = [
            _phrase(phrase, prefix_last=last and position == 0)
            for position, phrase in enumerate(group.alternatives)
            if phrase
        ]
        clauses.append("(" + " | ".join(f"({alternative})" for alternative in alternatives) + ")")
    return " & ".join(clauses)


def _order_expression(field: str) -> OrderBy:
    descending = field.startswith("-")
    return OrderBy(F(field.lstrip("-")), descending=descending)


class PostgresBackend(DatabaseBackend):
    name = "postgres"

    def _query(self, groups: list[TermGroup], *, prefix_last: bool = False) -> SearchQuery:
        return SearchQuery(
            tsquery_text(groups, prefix_last=prefix_last), search_type="raw", config=SEARCH_CONFIG
        )

    def _match(self, entries: QuerySet, groups: list[TermGroup]) -> QuerySet:
        return entries.filter(search_vector=self._query(groups))

    def _autocomplete_match(self, entries: QuerySet, groups: list[TermGroup]) -> QuerySet:
        return entries.filter(search_vector=self._query(groups, prefix_last=True))

    def _rank(self, groups: list[TermGroup]) -> Expression | None:
        return SearchRank(F("search_vector"), self._query(groups))

    def _with_keys(self, entries: QuerySet, keys: list[str], *, any_of: bool = False) -> QuerySet:
        # string_to_array(facet_keys, E'\n') is the expression migration 0002 indexes (GIN).
        entries = entries.alias(
            facet_key_array=Func(
                F("facet_keys"), Value("\n"), function="string_to_array", output_field=ArrayField(TextField())
            )
        )
        lookup = "facet_key_array__overlap" if any_of else "facet_key_array__contains"
        return entries.filter(**{lookup: keys})

    def _counts_and_page(
        self, matched: QuerySet, groups: list[TermGroup], sort: str, page: int, page_size: int
    ) -> tuple[dict[str, int], list[SearchEntry] | None]:
        # One pass over the matched rows (MATERIALIZED: matched and ranked once) answers every
        # facet count, the total and the ids of the page; then the page's rows by primary key.
        rank, order = self._order(groups, sort)
        ordered = matched.annotate(rank=rank) if rank is not None else matched
        ordered = ordered.annotate(
            position=Window(RowNumber(), order_by=[_order_expression(field) for field in order])
        )
        sql, params = ordered.order_by().values("id", "facet_keys", "position").query.sql_with_params()
        start = (page - 1) * page_size
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH matched AS MATERIALIZED ({sql}) "  # noqa: S608 - Django's SQL, parameters apart
                "SELECT key, count(*) FROM matched, unnest(string_to_array(matched.facet_keys, E'\\n')) AS key "
                "WHERE key <> '' GROUP BY key "
                "UNION ALL SELECT %s, count(*) FROM matched "
                "UNION ALL SELECT '#' || position, id FROM matched WHERE position > %s AND position <= %s",
                [*params, TOTAL, start, start + page_size],
            )
            counts: dict[str, int] = {}
            positions: dict[int, int] = {}
            for key, value in cursor.fetchall():
                if key.startswith("#") and key != TOTAL:
                    positions[value] = int(key[1:])
                else:
                    counts[key] = value
        if not positions:
            return counts, None
        entries = SearchEntry.objects.filter(id__in=positions).only(*HIT_FIELDS)
        return counts, sorted(entries, key=lambda entry: positions[entry.pk])

    def _nearest_terms(self, word: str) -> list[str]:
        # `%` uses the GIN trigram index on the vocabulary; similarity() orders what it found.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term, similarity(term, %s) AS score FROM search_searchterm "
                "WHERE term %% %s AND similarity(term, %s) >= %s ORDER BY score DESC, term LIMIT %s",
                [word, word, word, TYPO_SIMILARITY, CORRECTIONS_PER_WORD],
            )
            return closest(cursor.fetchall())
