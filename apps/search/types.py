"""Frozen dataclasses the search app takes and returns, whatever the backend."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString

from shop.core.money import Money

SORTS = ("relevance", "price_asc", "price_desc", "newest")


@dataclass(frozen=True)
class PriceRange:
    key: str
    low: Decimal | None
    high: Decimal | None  # exclusive


@dataclass(frozen=True)
class SearchFilters:
    """Facet selections, already parsed (unknown keys dropped by the form)."""

    category_slug: str = ""
    brand_slugs: tuple[str, ...] = ()
    price_range: str = ""
    attributes: tuple[tuple[str, str], ...] = ()  # (attribute slug, value slug)
    in_stock: bool = False

    def attribute_groups(self) -> dict[str, tuple[str, ...]]:
        groups: dict[str, list[str]] = {}
        for attribute, value in self.attributes:
            groups.setdefault(attribute, []).append(value)
        return {attribute: tuple(values) for attribute, values in groups.items()}


@dataclass(frozen=True)
class SearchHit:
    product_id: int
    slug: str
    name: str
    name_html: SafeString  # escaped, the matches in <mark>
    brand_name: str
    price: Money | None
    in_stock: bool
    thumbnail_url: str


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    """`key` is the query parameter a value is sent in (category, brand, price, attr)."""

    key: str
    label: str
    values: tuple[FacetValue, ...]
    attribute_slug: str = ""


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...]
    total: int
    page: int
    num_pages: int
    facets: tuple[Facet, ...] = ()
    suggestion: str = ""  # "did you mean", only when nothing was found
    backend: str = ""
    page_range: tuple[int | None, ...] = field(default=())

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


@dataclass(frozen=True)
class AutocompleteItem:
    product_id: int
    slug: str
    name: str
