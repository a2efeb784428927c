"""Query parsing, synonyms, Chinese n-grams and highlighting, shared by every backend.

A query is cut to `MAX_QUERY_LENGTH` characters and split into word tokens: runs of Chinese
characters, or runs of other letters and digits (lower-cased). Anything else (quotes, `<`, `;`,
`--`) is a separator, so no user character ever reaches SQL or a query DSL as syntax.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
TOKEN = re.compile(f"[{CJK_CHARS}]+|(?:(?![{CJK_CHARS}])[^\\W_])+")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

DEFAULT_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("tee", "t-shirt", "tshirt"),
    ("phone", "mobile", "smartphone"),
    ("headphones", "headset", "earphones"),
    ("laptop", "notebook"),
    ("sneakers", "trainers"),
    ("sofa", "couch"),
    ("手机", "电话"),
    ("耳机", "耳麦"),
    ("笔记本", "笔电"),
)


def query_normalize(raw: str | None) -> str:
    """The query as searched and shown back: control characters removed, whitespace collapsed,
    at most `MAX_QUERY_LENGTH` characters."""
    text = CONTROL.sub(" ", (raw or "")[: MAX_QUERY_LENGTH * 4])
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def is_cjk(token: str) -> bool:
    return bool(CJK_RUN.fullmatch(token))


def tokenize(text: str) -> list[str]:
    return [token.lower() for token in TOKEN.findall(text)]


@dataclass(frozen=True)
class TermGroup:
    """One word (or synonym phrase) of the query: a document must match one of `alternatives`,
    each a phrase of tokens. The first alternative is what the shopper typed."""

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def typed(self) -> tuple[str, ...]:
        return self.alternatives[0]

    def with_alternatives(self, extra: Iterable[tuple[str, ...]]) -> "TermGroup":
        merged = list(self.alternatives)
        merged.extend(phrase for phrase in extra if phrase not in merged)
        return TermGroup(alternatives=tuple(merged))


def synonym_groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Each synonym set from `settings.SEARCH_SYNONYMS`, every phrase tokenized."""
    configured = getattr(settings, "SEARCH_SYNONYMS", DEFAULT_SYNONYMS)
    return tuple(tuple(tuple(tokenize(phrase)) for phrase in group) for group in configured)


def query_terms(query: str) -> list[TermGroup]:
    """The query's term groups with synonyms applied, at most `MAX_TERMS` of them."""
    tokens = tokenize(query)
    groups: list[TermGroup] = []
    position = 0
    synonyms = synonym_groups()
    while position < len(tokens) and len(groups) < MAX_TERMS:
        group, used = _synonym_at(tokens, position, synonyms)
        groups.append(group)
        position += used
    return groups


def _synonym_at(tokens: Sequence[str], position: int, synonyms) -> tuple[TermGroup, int]:
    token = tokens[position]
    if is_cjk(token):
        alternatives = [(token,)]
        for group in synonyms:
            for phrase in group:
                if len(phrase) == 1 and is_cjk(phrase[0]) and phrase[0] in token:
                    alternatives.extend((token.replace(phrase[0], other[0]),) for other in group if other)
        return TermGroup(alternatives=tuple(dict.fromkeys(alternatives))), 1
    best: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] | None = None
    for group in synonyms:
        for phrase in group:
            matches = phrase and tuple(tokens[position : position + len(phrase)]) == phrase
            if matches and (best is None or len(phrase) > len(best[0])):
                best = (phrase, group)
    if best is None:
        return TermGroup(alternatives=((token,),)), 1
    phrase, group = best
    others = tuple(other for other in group if other and other != phrase)
    return TermGroup(alternatives=(phrase, *others)), len(phrase)


# --- Chinese n-grams for the PostgreSQL tsvector -------------------------------------------------


def cjk_bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for run in CJK_RUN.findall(text or ""):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def cjk_unigrams(text: str) -> list[str]:
    return list(dict.fromkeys("".join(CJK_RUN.findall(text or ""))))


def indexable_text(*texts: str, unigrams: bool = False) -> str:
    """The texts with every Chinese run replaced by its bigrams (consecutive, so a phrase query
    `蓝牙 <-> 牙耳` finds "蓝牙耳"), then, when asked, each Chinese character once."""
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        parts.append(CJK_RUN.sub(lambda match: " " + " ".join(cjk_bigrams(match.group())) + " ", text))
    if unigrams:
        parts.append(" ".join(cjk_unigrams(" ".join(texts))))
    return " ".join(" ".join(parts).split())


# --- highlighting ------------------------------------------------------------------------------


def highlight_needles(groups: Iterable[TermGroup]) -> tuple[str, ...]:
    needles = {token for group in groups for phrase in group.alternatives for token in phrase}
    return tuple(sorted(needles, key=lambda needle: (-len(needle), needle)))


@lru_cache(maxsize=512)
def _highlight_pattern(needles: tuple[str, ...]) -> re.Pattern | None:
    patterns = [
        re.escape(needle) if is_cjk(needle) else rf"(?<![^\W_]){re.escape(needle)}[^\W_]*"
        for needle in needles
        if needle
    ]
    return re.compile("|".join(patterns), flags=re.IGNORECASE) if patterns else None


def highlight(text: str, needles: Sequence[str]) -> SafeString:
    """`text` HTML-escaped, with the words starting with a Latin needle and every occurrence of a
    Chinese needle wrapped in <mark>: the only markup, so it is safe to render as is."""
    pattern = _highlight_pattern(tuple(needles))
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above
