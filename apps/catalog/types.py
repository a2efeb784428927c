"""Frozen dataclasses the catalog hands to views, templates and other apps.

Selectors build them from querysets that already hold everything needed, so nothing that reads
them can trigger a lazy query. Names are already localised (English or Chinese) by the selector.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from shop.core.money import Money


@dataclass(frozen=True)
class CategoryNode:
    id: int
    parent_id: int | None
    slug: str
    name: str
    position: int


@dataclass(frozen=True)
class CategoryTree:
    """The whole category tree, read in one query and walked in Python (it is small)."""

    nodes: tuple[CategoryNode, ...]

    def by_slug(self, slug: str) -> CategoryNode | None:
        return next((node for node in self.nodes if node.slug == slug), None)

    def by_id(self, category_id: int) -> CategoryNode | None:
        return next((node for node in self.nodes if node.id == category_id), None)

    def roots(self) -> tuple[CategoryNode, ...]:
        return self.children_of(None)

    def children_of(self, category_id: int | None) -> tuple[CategoryNode, ...]:
        return tuple(node for node in self.nodes if node.parent_id == category_id)

    def path_to(self, category_id: int) -> tuple[CategoryNode, ...]:
        """Root first, the category itself last; a cycle in bad data stops the walk."""
        path: list[CategoryNode] = []
        seen: set[int] = set()
        node = self.by_id(category_id)
        while node is not None and node.id not in seen:
            seen.add(node.id)
            path.append(node)
            node = self.by_id(node.parent_id) if node.parent_id is not None else None
        return tuple(reversed(path))

    def descendant_ids(self, category_id: int) -> tuple[int, ...]:
        """The category and every category below it."""
        found: list[int] = [category_id]
        index = 0
        while index < len(found):
            found.extend(child.id for child in self.children_of(found[index]) if child.id not in found)
            index += 1
        return tuple(found)


@dataclass(frozen=True)
class ProductCard:
    """What a product grid shows: `price` is the lowest active variant price (None: none on sale)."""

    id: int
    slug: str
    name: str
    brand_name: str
    price: Money | None
    thumbnail_url: str
    thumbnail_alt: str


@dataclass(frozen=True)
class ImageInfo:
    url: str
    thumbnail_url: str
    alt: str


@dataclass(frozen=True)
class AttributeValueInfo:
    attribute_slug: str
    attribute_name: str
    slug: str
    value: str


@dataclass(frozen=True)
class VariantInfo:
    id: int
    sku: str
    name: str
    price: Money
    attribute_values: tuple[AttributeValueInfo, ...]

    @property
    def label(self) -> str:
        """The variant's name, else its attribute values ("Red / M"), else its SKU."""
        if self.name:
            return self.name
        if self.attribute_values:
            return " / ".join(value.value for value in self.attribute_values)
        return self.sku


@dataclass(frozen=True)
class ProductDetail:
    id: int
    slug: str
    name: str
    description: str
    brand_name: str
    merchant_id: int
    merchant_name: str
    category_id: int
    breadcrumbs: tuple[CategoryNode, ...]
    images: tuple[ImageInfo, ...]
    variants: tuple[VariantInfo, ...]
    max_per_order: int

    @property
    def price_from(self) -> Money | None:
        return min((variant.price for variant in self.variants), key=lambda m: m.amount, default=None)

    @property
    def main_image(self) -> ImageInfo | None:
        return self.images[0] if self.images else None


@dataclass(frozen=True)
class VariantSnapshot:
    """A variant as another app (cart, orders, inventory) needs it: ids and copied values only.
    `is_available`: the variant, its product and its merchant are all active."""

    variant_id: int
    product_id: int
    merchant_id: int
    merchant_name: str
    product_name: str
    variant_name: str
    sku: str
    price: Decimal
    currency: str
    weight_grams: int
    max_per_order: int
    is_available: bool
    thumbnail_url: str
    product_url: str


@dataclass(frozen=True)
class BrandOption:
    slug: str
    name: str


@dataclass(frozen=True)
class AttributeFacet:
    """A filterable attribute and the values it takes among a listing's products."""

    slug: str
    name: str
    values: tuple[tuple[int, str, str], ...]  # (attribute value id, slug, value)


@dataclass(frozen=True)
class ListingQuery:
    """A category listing's filters and order, already validated by the form."""

    sort: str = "newest"
    page: int = 1
    brand_slug: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    attribute_value_ids: tuple[tuple[int, ...], ...] = ()  # one tuple per attribute: any of them


@dataclass(frozen=True)
class ProductPage:
    cards: tuple[ProductCard, ...]
    number: int
    num_pages: int
    count: int
    requested_page_missing: bool = False
    page_range: tuple[int | None, ...] = field(default=())

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


# The name another helper reached for; the same contract as `VariantSnapshot` (docs/buying.md).
VariantPurchaseSnapshot = VariantSnapshot


# --- for the search index (apps.search) -----------------------------------------------------------

from datetime import datetime  # noqa: E402 - kept with the only dataclass that needs it


@dataclass(frozen=True)
class SearchAttributeValue:
    """One attribute value carried by an active variant of a product, with both names."""

    id: int
    attribute_slug: str
    attribute_name: str
    attribute_name_zh: str
    is_filterable: bool
    slug: str
    value: str
    value_zh: str


@dataclass(frozen=True)
class ProductSearchRow:
    """What the search index needs of one visible product (active, of an active merchant).
    `price_min` is the lowest active variant price (None: no active variant)."""

    product_id: int
    merchant_id: int
    slug: str
    name: str
    name_zh: str
    description: str
    description_zh: str
    brand_slug: str
    brand_name: str
    category_id: int
    created_at: datetime
    price_min: Decimal | None
    currency: str
    thumbnail_url: str
    variant_ids: tuple[int, ...]
    attribute_values: tuple[SearchAttributeValue, ...]
