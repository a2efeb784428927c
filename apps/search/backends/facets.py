"""Facet labels and price bands, shared by every backend so each shows the same facets."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext

from apps.catalog.types import CategoryNode, CategoryTree

from ..models import SearchFacetLabel
from ..types import Facet, FacetValue, PriceRange, SearchFilters

BRAND_FACET_LIMIT = 20
# (low, high) in the shop's currency, high exclusive; None is open-ended.
DEFAULT_PRICE_RANGES = ((None, 25), (25, 50), (50, 100), (100, 250), (250, None))


def price_ranges() -> tuple[PriceRange, ...]:
    bands = getattr(settings, "SEARCH_PRICE_RANGES", DEFAULT_PRICE_RANGES)
    return tuple(
        PriceRange(
            key=f"{'' if low is None else low}-{'' if high is None else high}",
            low=None if low is None else Decimal(low),
            high=None if high is None else Decimal(high),
        )
        for low, high in bands
    )


def price_band(amount: Decimal | None) -> PriceRange | None:
    """The band a lowest price falls in (None: no price, or outside every band)."""
    if amount is None:
        return None
    for band in price_ranges():
        if (band.low is None or amount >= band.low) and (band.high is None or amount < band.high):
            return band
    return None


def price_label(band: PriceRange) -> str:
    if band.low is None:
        return gettext("Under %(high)s") % {"high": band.high}
    if band.high is None:
        return gettext("%(low)s and above") % {"low": band.low}
    return gettext("%(low)s to %(high)s") % {"low": band.low, "high": band.high}


def facets_from_key_counts(
    *, counts: dict[str, int], filters: SearchFilters, tree: CategoryTree, language: str
) -> tuple[Facet, ...]:
    """The facets from the number of matched products per facet key (c:, b:, a:, p:)."""
    selected = tree.by_slug(filters.category_slug) if filters.category_slug else None
    keys = [key for key in counts if key[:2] in ("b:", "a:")]
    labels = {label.key: label for label in SearchFacetLabel.objects.filter(key__in=keys)}
    attributes = []
    for key in sorted(key for key in keys if key.startswith("a:") and key in labels):
        _, attribute_slug, value_slug = key.split(":", 2)
        label = labels[key]
        zh = language.lower().startswith("zh")
        attributes.append(
            (
                attribute_slug,
                (zh and label.group_label_zh) or label.group_label,
                value_slug,
                (zh and label.label_zh) or label.label,
                counts[key],
            )
        )
    brands = sorted(
        (
            (key[2:], labels[key].label, count)
            for key, count in counts.items()
            if key.startswith("b:") and key in labels
        ),
        key=lambda brand: (-brand[2], brand[1]),
    )[:BRAND_FACET_LIMIT]
    return facet_labels(
        filters=filters,
        categories=[
            (node, counts.get(f"c:{node.id}", 0))
            for node in tree.children_of(selected.id if selected else None)
        ],
        brands=brands,
        prices=[(band, counts.get(f"p:{band.key}", 0)) for band in price_ranges()],
        attributes=attributes,
    )


def facet_labels(
    *,
    filters: SearchFilters,
    categories: list[tuple[CategoryNode, int]],
    brands: list[tuple[str, str, int]],
    prices: list[tuple[PriceRange, int]],
    attributes: list[tuple[str, str, str, str, int]],
) -> tuple[Facet, ...]:
    """The facets in display order, values without a match left out."""
    facets = [
        Facet(
            key="category",
            label=gettext("Category"),
            values=tuple(
                FacetValue(key=node.slug, label=node.name, count=count) for node, count in categories if count
            ),
        ),
        Facet(
            key="brand",
            label=gettext("Brand"),
            values=tuple(
                FacetValue(key=slug, label=name, count=count, selected=slug in filters.brand_slugs)
                for slug, name, count in brands
                if count
            ),
        ),
        Facet(
            key="price",
            label=gettext("Price"),
            values=tuple(
                FacetValue(
                    key=band.key,
                    label=price_label(band),
                    count=count,
                    selected=band.key == filters.price_range,
                )
                for band, count in prices
                if count
            ),
        ),
    ]
    by_attribute: dict[str, tuple[str, list[FacetValue]]] = {}
    chosen = set(filters.attributes)
    for attribute_slug, attribute_name, value_slug, value, count in attributes:
        if not count:
            continue
        by_attribute.setdefault(attribute_slug, (attribute_name, []))[1].append(
            FacetValue(
                key=f"{attribute_slug}:{value_slug}",
                label=value,
                count=count,
                selected=(attribute_slug, value_slug) in chosen,
            )
        )
    facets.extend(
        Facet(key="attr", label=name, values=tuple(values), attribute_slug=slug)
        for slug, (name, values) in sorted(by_attribute.items())
    )
    return tuple(facet for facet in facets if facet.values)
