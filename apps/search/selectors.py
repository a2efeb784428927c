"""Read side of search: the one interface the views (and other apps) call, whatever the backend."""

import hashlib

from django.conf import settings

from shop.core.cache import cache_get_or_build

from .backends import backend_get, backend_name
from .text import MAX_QUERY_LENGTH, query_normalize
from .types import SORTS, AutocompleteItem, SearchFilters, SearchResult

PAGE_SIZE = 24
AUTOCOMPLETE_MAX = 20
# Every write to the index bumps this tag (after commit), so no cached answer outlives a change.
CACHE_TAG = "search:index"


def search_products(
    *,
    query: str,
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    page: int = 1,
    language: str | None = None,
    page_size: int = PAGE_SIZE,
) -> SearchResult:
    """One page of products matching `query` (any length, any characters: it is normalized and
    cut to MAX_QUERY_LENGTH) and `filters`, with facets; a page past the end answers the last.

    Answers are cached for SEARCH_CACHE_SECONDS (0: never) through the two-level cache: during a
    sale the same few queries arrive thousands of times a minute."""
    arguments = {
        "query": query_normalize(query),
        "filters": filters or SearchFilters(),
        "sort": sort if sort in SORTS else "relevance",
        "page": max(1, int(page)),
        "page_size": max(1, min(int(page_size), 100)),
        "language": language or settings.LANGUAGE_CODE,
    }
    seconds = getattr(settings, "SEARCH_CACHE_SECONDS", 0)
    if seconds <= 0:
        return backend_get().search(**arguments)
    digest = hashlib.sha256(repr(sorted(arguments.items())).encode()).hexdigest()[:32]
    return cache_get_or_build(
        key=f"search:{backend_name()}:{digest}",
        build=lambda: backend_get().search(**arguments),
        tags=(CACHE_TAG,),
        timeout=seconds,
    )


def search_autocomplete(
    *, prefix: str, limit: int = 8, language: str | None = None
) -> tuple[AutocompleteItem, ...]:
    prefix = query_normalize(prefix)[:MAX_QUERY_LENGTH]
    if not prefix:
        return ()
    return backend_get().autocomplete(
        prefix=prefix,
        limit=max(1, min(int(limit), AUTOCOMPLETE_MAX)),
        language=language or settings.LANGUAGE_CODE,
    )
