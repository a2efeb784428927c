"""Parses the search page's query string; anything unknown or malformed is dropped, never an error."""

import re
from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .backends.facets import price_ranges
from .text import query_normalize
from .types import SORTS, SearchFilters

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,140}$")
MAX_FACET_VALUES = 20
MAX_PAGE = 10_000


@dataclass(frozen=True)
class SearchRequest:
    query: str
    filters: SearchFilters
    sort: str
    page: int


SORT_LABELS = {
    "relevance": _("Relevance"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "newest": _("Newest"),
}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)

    def search_request(self) -> SearchRequest:
        data = self.data
        query = query_normalize(data.get("q", "") if isinstance(data.get("q", ""), str) else "")
        sort = data.get("sort", "relevance")
        return SearchRequest(
            query=query,
            filters=SearchFilters(
                category_slug=_slug(data.get("category", "")),
                brand_slugs=tuple(dict.fromkeys(s for s in map(_slug, _list(data, "brand")) if s)),
                price_range=_price(data.get("price", "")),
                attributes=tuple(
                    dict.fromkeys(pair for pair in map(_attribute, _list(data, "attr")) if pair)
                ),
                in_stock=data.get("in_stock") == "1",
            ),
            sort=sort if sort in SORTS else "relevance",
            page=_page(data.get("page", "1")),
        )


def _list(data, key: str) -> list[str]:
    values = data.getlist(key) if isinstance(data, QueryDict) else [data.get(key, "")]
    return [value for value in values if value][:MAX_FACET_VALUES]


def _slug(value: str) -> str:
    return value if isinstance(value, str) and SLUG.match(value) else ""


def _price(value: str) -> str:
    return value if value in {band.key for band in price_ranges()} else ""


def _attribute(value: str) -> tuple[str, str] | None:
    attribute, _sep, slug = (value or "").partition(":")
    return (attribute, slug) if _slug(attribute) and _slug(slug) else None


def _page(value: str) -> int:
    try:
        return max(1, min(int(value), MAX_PAGE))
    except (TypeError, ValueError):
        return 1


def clean_params(request: SearchRequest) -> QueryDict:
    """The query string of this request holding only what was understood (for links)."""
    params = QueryDict(mutable=True)
    if request.query:
        params["q"] = request.query
    filters = request.filters
    if filters.category_slug:
        params["category"] = filters.category_slug
    params.setlist("brand", list(filters.brand_slugs))
    if filters.price_range:
        params["price"] = filters.price_range
    params.setlist("attr", [f"{attribute}:{value}" for attribute, value in filters.attributes])
    if filters.in_stock:
        params["in_stock"] = "1"
    if request.sort != "relevance":
        params["sort"] = request.sort
    return params
