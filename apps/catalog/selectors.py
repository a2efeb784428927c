"""Read side of the catalog. Every function takes keyword-only arguments and returns frozen
dataclasses from `types.py`, built from querysets that fetch everything up front (a fixed number
of queries whatever the number of products, variants or pictures)."""

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import get_language

from shop.core.cache import cache_get_or_build
from shop.core.money import Money

from .models import AttributeValue, Brand, Category, Product, ProductImage, Variant
from .types import (
    AttributeFacet,
    AttributeValueInfo,
    BrandOption,
    CategoryNode,
    CategoryTree,
    ImageInfo,
    ListingQuery,
    ProductCard,
    ProductDetail,
    ProductPage,
    VariantInfo,
    VariantSnapshot,
)

PAGE_SIZE = 24
SORT_ORDERS = {
    "newest": ("-created_at", "-id"),
    "price_asc": ("min_price", "-created_at", "-id"),
    "price_desc": ("-min_price", "-created_at", "-id"),
}

# Cache tags (shop.core.cache): a write bumps the tags it touches (receivers.py, after commit), and
# every cached value carrying one of them is rebuilt on its next read.
CACHE_TAG_CATALOG = "catalog"  # brands, attributes, merchants: anything any page may show
CACHE_TAG_TREE = "catalog:tree"
CACHE_TAG_LISTINGS = "catalog:listings"  # the home page's product lists, category listings
CACHE_TIMEOUT = 300


def cache_tag_product(product_id: int) -> str:
    return f"catalog:product:{product_id}"


def cache_tags_product_page(product_id: int) -> tuple[str, ...]:
    """What a product page is made of: the product, the category tree, shared catalog data."""
    return (CACHE_TAG_CATALOG, CACHE_TAG_TREE, cache_tag_product(product_id))


def cache_tags_home_page() -> tuple[str, ...]:
    return (CACHE_TAG_CATALOG, CACHE_TAG_TREE, CACHE_TAG_LISTINGS)


def _language_key(language: str | None) -> str:
    return "zh" if (language or "").lower().startswith("zh") else "en"


def localized(*, english: str, chinese: str, language: str | None) -> str:
    """The Chinese text when the shopper reads Chinese and it exists, else the English."""
    if chinese and (language or "").lower().startswith("zh"):
        return chinese
    return english


def _media_url(name: str) -> str:
    return default_storage.url(name) if name else ""


def _visible_products() -> QuerySet[Product]:
    return Product.objects.filter(status=Product.Status.ACTIVE, merchant__is_active=True)


# --- categories ---------------------------------------------------------------------------------


def category_tree_get(*, language: str | None) -> CategoryTree:
    """The whole tree, read through the two-level cache."""
    return cache_get_or_build(
        key=f"catalog:tree:{_language_key(language)}",
        build=lambda: _category_tree_build(language=language),
        tags=(CACHE_TAG_CATALOG, CACHE_TAG_TREE),
        timeout=CACHE_TIMEOUT,
    )


def _category_tree_build(*, language: str | None) -> CategoryTree:
    rows = Category.objects.order_by("position", "name").values_list(
        "id", "parent_id", "slug", "name", "name_zh", "position"
    )
    return CategoryTree(
        nodes=tuple(
            CategoryNode(
                id=pk,
                parent_id=parent_id,
                slug=slug,
                name=localized(english=name, chinese=name_zh, language=language),
                position=position,
            )
            for pk, parent_id, slug, name, name_zh, position in rows
        )
    )


# --- product cards ------------------------------------------------------------------------------


def _card_queryset(products: QuerySet[Product]) -> QuerySet[Product]:
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
    return products.select_related("brand").annotate(
        min_price=Min("variants__price", filter=Q(variants__is_active=True)),
        first_thumbnail=Subquery(first_image.values("thumbnail")[:1]),
        first_image=Subquery(first_image.values("image")[:1]),
        first_alt=Subquery(first_image.values("alt")[:1]),
    )


def _card(product: Product, *, language: str | None) -> ProductCard:
    name = localized(english=product.name, chinese=product.name_zh, language=language)
    return ProductCard(
        id=product.pk,
        slug=product.slug,
        name=name,
        brand_name=product.brand.name if product.brand else "",
        price=Money(product.min_price, settings.SHOP_CURRENCY) if product.min_price is not None else None,
        thumbnail_url=_media_url(product.first_thumbnail or product.first_image or ""),
        thumbnail_alt=product.first_alt or name,
    )


def _cards(products: Iterable[Product], *, language: str | None) -> tuple[ProductCard, ...]:
    return tuple(_card(product, language=language) for product in products)


def product_list_featured(*, language: str | None, limit: int = 8) -> tuple[ProductCard, ...]:
    return cache_get_or_build(
        key=f"catalog:featured:{_language_key(language)}:{limit}",
        build=lambda: _product_list_featured_build(language=language, limit=limit),
        tags=(CACHE_TAG_CATALOG, CACHE_TAG_LISTINGS),
        timeout=CACHE_TIMEOUT,
    )


def product_list_newest(*, language: str | None, limit: int = 12) -> tuple[ProductCard, ...]:
    return cache_get_or_build(
        key=f"catalog:newest:{_language_key(language)}:{limit}",
        build=lambda: _product_list_newest_build(language=language, limit=limit),
        tags=(CACHE_TAG_CATALOG, CACHE_TAG_LISTINGS),
        timeout=CACHE_TIMEOUT,
    )


def _product_list_featured_build(*, language: str | None, limit: int) -> tuple[ProductCard, ...]:
    products = _card_queryset(_visible_products().filter(is_featured=True)).order_by("-created_at", "-id")
    return _cards(products[:limit], language=language)


def _product_list_newest_build(*, language: str | None, limit: int) -> tuple[ProductCard, ...]:
    products = _card_queryset(_visible_products()).order_by("-created_at", "-id")
    return _cards(products[:limit], language=language)


# --- category listing ---------------------------------------------------------------------------


def _in_categories(category_ids: Iterable[int]) -> QuerySet[Product]:
    return _visible_products().filter(category_id__in=list(category_ids))


def _listing_key(kind: str, category_ids: Iterable[int], *parts: object) -> str:
    """A short cache key for a listing's (sorted category ids, parts): the ids of a top category
    and a query's filters would make long keys."""
    text = repr((sorted(category_ids), parts))
    return f"catalog:{kind}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


# A category page's brands, attribute values and product page are read through the two-level
# cache under CACHE_TAG_LISTINGS, which every product, brand, attribute or merchant write bumps
# (receivers.py): the same few listings are asked for thousands of times during a sale.


def brand_list_for_categories(*, category_ids: Iterable[int]) -> tuple[BrandOption, ...]:
    category_ids = tuple(category_ids)
    return cache_get_or_build(
        key=_listing_key("brands", category_ids),
        build=lambda: _brand_list_build(category_ids),
        tags=(CACHE_TAG_CATALOG, CACHE_TAG_LISTINGS),
        timeout=CACHE_TIMEOUT,
    )


def _brand_list_build(category_ids: tuple[int, ...]) -> tuple[BrandOption, ...]:
    brands = Brand.objects.filter(products__in=_in_categories(category_ids)).distinct().order_by("name")
    return tuple(BrandOption(slug=brand.slug, name=brand.name) for brand in brands)


def attribute_facet_list_for_categories(
    *, category_ids: Iterable[int], language: str | None
) -> tuple[AttributeFacet, ...]:
    category_ids = tuple(category_ids)
    return cache_get_or_build(
        key=_listing_key("attributes", category_ids, _language_key(language)),
        build=lambda: _attribute_facet_list_build(category_ids, language),
        tags=(CACHE_TAG_CATALOG, CACHE_TAG_LISTINGS),
        timeout=CACHE_TIMEOUT,
    )


def _attribute_facet_list_build(
    category_ids: tuple[int, ...], language: str | None
) -> tuple[AttributeFacet, ...]:
    values = (
        AttributeValue.objects.filter(
            attribute__is_filterable=True,
            variants__is_active=True,
            variants__product__in=_in_categories(category_ids),
        )
        .select_related("attribute")
        .distinct()
        .order_by("attribute__slug", "value", "id")
    )
    facets: dict[str, tuple[str, list[tuple[int, str, str]]]] = {}
    for value in values:
        attribute = value.attribute
        name = localized(english=attribute.name, chinese=attribute.name_zh, language=language)
        label = localized(english=value.value, chinese=value.value_zh, language=language)
        facets.setdefault(attribute.slug, (name, []))[1].append((value.pk, value.slug, label))
    return tuple(
        AttributeFacet(slug=slug, name=name, values=tuple(entries))
        for slug, (name, entries) in facets.items()
    )


def _apply_listing_query(products: QuerySet[Product], query: ListingQuery) -> QuerySet[Product]:
    if query.brand_slug:
        products = products.filter(brand__slug=query.brand_slug)
    if query.attribute_value_ids:
        # One variant must carry a value of every chosen attribute (red AND size M, not red in
        # one variant and M in another); each .filter() on the M2M adds its own join.
        variants = Variant.objects.filter(is_active=True)
        for value_ids in query.attribute_value_ids:
            variants = variants.filter(attribute_values__in=value_ids)
        products = products.filter(pk__in=variants.values("product_id"))
    products = _card_queryset(products)
    if query.min_price is not None:
        products = products.filter(min_price__gte=query.min_price)
    if query.max_price is not None:
        products = products.filter(min_price__lte=query.max_price)
    return products.order_by(*SORT_ORDERS.get(query.sort, SORT_ORDERS["newest"]))


def product_page_for_categories(
    *, category_ids: Iterable[int], query: ListingQuery, language: str | None, page_size: int = PAGE_SIZE
) -> ProductPage:
    """One page of a listing; a page past the end answers the last page and says so."""
    category_ids = tuple(category_ids)
    return cache_get_or_build(
        key=_listing_key("page", category_ids, query, _language_key(language), page_size),
        build=lambda: _product_page_build(category_ids, query, language, page_size),
        tags=(CACHE_TAG_CATALOG, CACHE_TAG_LISTINGS),
        timeout=CACHE_TIMEOUT,
    )


def _product_page_build(
    category_ids: tuple[int, ...], query: ListingQuery, language: str | None, page_size: int
) -> ProductPage:
    products = _apply_listing_query(_in_categories(category_ids), query)
    paginator = Paginator(products, page_size)
    number = max(1, min(query.page, paginator.num_pages))
    page = paginator.page(number)
    return ProductPage(
        cards=_cards(page.object_list, language=language),
        number=number,
        num_pages=paginator.num_pages,
        count=paginator.count,
        requested_page_missing=number != query.page,
        page_range=tuple(
            None if item == Paginator.ELLIPSIS else item
            for item in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
        ),
    )


# --- product detail -----------------------------------------------------------------------------


def _detail_queryset() -> QuerySet[Product]:
    values = AttributeValue.objects.select_related("attribute").order_by("attribute__name", "value")
    variants = (
        Variant.objects.filter(is_active=True)
        .order_by("price", "id")
        .prefetch_related(Prefetch("attribute_values", queryset=values))
    )
    return (
        _visible_products()
        .select_related("brand", "merchant")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            Prefetch("variants", queryset=variants),
        )
    )


def _variant_info(variant: Variant, *, language: str | None) -> VariantInfo:
    return VariantInfo(
        id=variant.pk,
        sku=variant.sku,
        name=variant.name,
        price=Money(variant.price, variant.currency),
        attribute_values=tuple(
            AttributeValueInfo(
                attribute_slug=value.attribute.slug,
                attribute_name=localized(
                    english=value.attribute.name, chinese=value.attribute.name_zh, language=language
                ),
                slug=value.slug,
                value=localized(english=value.value, chinese=value.value_zh, language=language),
            )
            for value in variant.attribute_values.all()
        ),
    )


def product_get(
    *, product_id: int, language: str | None, tree: CategoryTree | None = None
) -> ProductDetail | None:
    """An active product of an active merchant, or None (drafts and unknown ids look the same),
    read through the two-level cache (a None is cached too: unknown ids cannot hammer the database).
    Pass the category `tree` when the caller already has it, to spare its query on a miss."""
    return cache_get_or_build(
        key=f"catalog:product:{product_id}:{_language_key(language)}",
        build=lambda: _product_build(product_id=product_id, language=language, tree=tree),
        tags=cache_tags_product_page(product_id),
        timeout=CACHE_TIMEOUT,
    )


def _product_build(
    *, product_id: int, language: str | None, tree: CategoryTree | None
) -> ProductDetail | None:
    product = _detail_queryset().filter(pk=product_id).first()
    if product is None:
        return None
    tree = tree if tree is not None else category_tree_get(language=language)
    return ProductDetail(
        id=product.pk,
        slug=product.slug,
        name=localized(english=product.name, chinese=product.name_zh, language=language),
        description=localized(english=product.description, chinese=product.description_zh, language=language),
        brand_name=product.brand.name if product.brand else "",
        merchant_id=product.merchant_id,
        merchant_name=product.merchant.name,
        category_id=product.category_id,
        breadcrumbs=tree.path_to(product.category_id),
        images=tuple(
            ImageInfo(
                url=_media_url(image.image.name),
                thumbnail_url=_media_url(image.thumbnail.name or image.image.name),
                alt=image.alt,
            )
            for image in product.images.all()
        ),
        variants=tuple(_variant_info(variant, language=language) for variant in product.variants.all()),
        max_per_order=product.max_per_order,
    )


# --- for other apps -----------------------------------------------------------------------------


def variant_snapshots_get(
    *, variant_ids: Iterable[int], language: str | None = None
) -> dict[int, VariantSnapshot]:
    """Variants by id in two queries, sellable or not (see `is_available`); unknown ids are absent.
    Names follow `language` (default: the active language); a variant without a name of its own is
    named by its attribute values ("Red / M")."""
    language = language or get_language()
    first_image = ProductImage.objects.filter(product=OuterRef("product_id")).order_by("position", "id")
    variants = (
        Variant.objects.filter(pk__in=list(variant_ids))
        .select_related("product", "product__merchant")
        .prefetch_related(
            Prefetch("attribute_values", queryset=AttributeValue.objects.order_by("attribute__name", "value"))
        )
        .annotate(
            first_thumbnail=Subquery(first_image.values("thumbnail")[:1]),
            first_image=Subquery(first_image.values("image")[:1]),
        )
    )
    return {variant.pk: _variant_snapshot(variant, language=language) for variant in variants}


def _variant_snapshot(variant: Variant, *, language: str | None) -> VariantSnapshot:
    product = variant.product
    merchant = product.merchant
    return VariantSnapshot(
        variant_id=variant.pk,
        product_id=product.pk,
        merchant_id=variant.merchant_id,
        merchant_name=merchant.name,
        product_name=localized(english=product.name, chinese=product.name_zh, language=language),
        variant_name=variant.name
        or " / ".join(
            localized(english=value.value, chinese=value.value_zh, language=language)
            for value in variant.attribute_values.all()
        ),
        sku=variant.sku,
        price=variant.price,
        currency=variant.currency,
        weight_grams=variant.weight_grams,
        max_per_order=product.max_per_order,
        is_available=(variant.is_active and product.status == Product.Status.ACTIVE and merchant.is_active),
        thumbnail_url=_media_url(variant.first_thumbnail or variant.first_image or ""),
        product_url=reverse("catalog:product", kwargs={"pk": product.pk, "slug": product.slug}),
    )


# --- for the search index (apps.search) -----------------------------------------------------------

from collections.abc import Iterator  # noqa: E402 - kept with the search section that needs them
from datetime import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from .types import ProductSearchRow, SearchAttributeValue  # noqa: E402

SEARCH_ROWS_BATCH = 1000


def product_search_rows(
    *, product_ids: Iterable[int] | None = None, batch_size: int = SEARCH_ROWS_BATCH
) -> Iterator[ProductSearchRow]:
    """The visible products (all of them, or those of `product_ids`) as the search index needs
    them, in id order, three queries per batch whatever the number of variants."""
    products = _visible_products().order_by("pk")
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
    products = products.annotate(
        first_thumbnail=Subquery(first_image.values("thumbnail")[:1]),
        first_image=Subquery(first_image.values("image")[:1]),
    )
    last_id = 0
    while True:
        batch = list(
            products.filter(pk__gt=last_id).values(
                "pk", "merchant_id", "slug", "name", "name_zh", "description", "description_zh",
                "brand__slug", "brand__name", "category_id", "created_at", "first_thumbnail", "first_image",
            )[:batch_size]
        )  # fmt: skip
        if not batch:
            return
        last_id = batch[-1]["pk"]
        yield from _search_rows(batch)


def _search_rows(batch: list[dict]) -> Iterator[ProductSearchRow]:
    ids = [row["pk"] for row in batch]
    variants: dict[int, list[tuple[int, Decimal, str]]] = {}
    for product_id, variant_id, price, currency in Variant.objects.filter(
        product_id__in=ids, is_active=True
    ).values_list("product_id", "pk", "price", "currency"):
        variants.setdefault(product_id, []).append((variant_id, price, currency))
    values: dict[int, dict[int, SearchAttributeValue]] = {}
    through = Variant.attribute_values.through.objects.filter(
        variant__product_id__in=ids, variant__is_active=True
    ).values_list(
        "variant__product_id", "attributevalue_id", "attributevalue__attribute__slug",
        "attributevalue__attribute__name", "attributevalue__attribute__name_zh",
        "attributevalue__attribute__is_filterable", "attributevalue__slug", "attributevalue__value",
        "attributevalue__value_zh",
    )  # fmt: skip
    for (
        product_id,
        value_id,
        attr_slug,
        attr_name,
        attr_name_zh,
        filterable,
        slug,
        value,
        value_zh,
    ) in through:
        values.setdefault(product_id, {})[value_id] = SearchAttributeValue(
            id=value_id,
            attribute_slug=attr_slug,
            attribute_name=attr_name,
            attribute_name_zh=attr_name_zh,
            is_filterable=filterable,
            slug=slug,
            value=value,
            value_zh=value_zh,
        )
    for row in batch:
        own = sorted(variants.get(row["pk"], []), key=lambda item: (item[1], item[0]))
        yield ProductSearchRow(
            product_id=row["pk"],
            merchant_id=row["merchant_id"],
            slug=row["slug"],
            name=row["name"],
            name_zh=row["name_zh"],
            description=row["description"],
            description_zh=row["description_zh"],
            brand_slug=row["brand__slug"] or "",
            brand_name=row["brand__name"] or "",
            category_id=row["category_id"],
            created_at=row["created_at"],
            price_min=own[0][1] if own else None,
            currency=own[0][2] if own else settings.SHOP_CURRENCY,
            thumbnail_url=_media_url(row["first_thumbnail"] or row["first_image"] or ""),
            variant_ids=tuple(item[0] for item in own),
            attribute_values=tuple(sorted(values.get(row["pk"], {}).values(), key=lambda v: v.id)),
        )


def product_ids_changed_since(*, since: datetime) -> list[int]:
    """Ids of products whose row or one of whose variants changed at or after `since`, visible or
    not (a product just deactivated must leave the search index too)."""
    changed = set(Product.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    changed.update(Variant.objects.filter(updated_at__gte=since).values_list("product_id", flat=True))
    return sorted(changed)


def variant_ids_list(*, merchant_id: int | None = None) -> list[int]:
    """Ids of every variant (of one merchant), in id order: for seeding and reconciliation jobs."""
    variants = Variant.objects.order_by("pk")
    if merchant_id is not None:
        variants = variants.filter(merchant_id=merchant_id)
    return list(variants.values_list("pk", flat=True))


def variant_ids_by_product(*, variant_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """For every product owning one of `variant_ids`: its id -> the ids of all its active variants
    (what decides whether it is in stock), in one query."""
    owners = Variant.objects.filter(pk__in=list(variant_ids)).values("product_id")
    found: dict[int, list[int]] = {}
    rows = Variant.objects.filter(product_id__in=owners, is_active=True).order_by("product_id", "pk")
    for product_id, variant_id in rows.values_list("product_id", "pk"):
        found.setdefault(product_id, []).append(variant_id)
    return {product_id: tuple(ids) for product_id, ids in found.items()}


def product_ids_related(
    *,
    category_ids: Iterable[int] = (),
    brand_ids: Iterable[int] = (),
    merchant_ids: Iterable[int] = (),
    attribute_ids: Iterable[int] = (),
    attribute_value_ids: Iterable[int] = (),
) -> list[int]:
    """Ids of every product, visible or not, in these categories (not their descendants), of these
    brands or merchants, or with a variant holding one of these values or any value of these
    attributes: what shows a renamed or switched-off thing."""
    wanted = [
        ("category_id__in", list(category_ids)),
        ("brand_id__in", list(brand_ids)),
        ("merchant_id__in", list(merchant_ids)),
        ("variants__attribute_values__attribute_id__in", list(attribute_ids)),
        ("variants__attribute_values__in", list(attribute_value_ids)),
    ]
    conditions = [Q(**{lookup: ids}) for lookup, ids in wanted if ids]
    if not conditions:
        return []
    matching = Q()
    for condition in conditions:
        matching |= condition
    return sorted(set(Product.objects.filter(matching).values_list("pk", flat=True)))
