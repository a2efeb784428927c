"""Writes of the search app: copy products from the catalog (through its selector) into
`SearchEntry` rows, then let the active backend catch up (Elasticsearch documents).

Every function is idempotent: syncing the same ids twice leaves the same rows, so a redelivered
Celery task or a repeated rebuild does no harm.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.contrib.postgres.search import SearchVectorField
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from apps.catalog.selectors import (
    category_tree_get,
    product_ids_related,
    product_search_rows,
    variant_ids_by_product,
)
from apps.catalog.types import CategoryTree, ProductSearchRow
from apps.inventory.selectors import stock_levels_get
from shop.core.cache import cache_invalidate_on_commit

from .backends import backend_get
from .backends.facets import price_band
from .models import SearchEntry, SearchFacetLabel, SearchTerm
from .text import indexable_text, is_cjk, tokenize

logger = logging.getLogger(__name__)

SEARCH_CACHE_TAG = "search:index"  # the tag selectors.search_products caches answers under

BATCH_SIZE = 1000
DESCRIPTION_LIMIT = 4000
ENTRY_FIELDS = (
    "merchant_id", "slug", "name", "name_zh", "description", "description_zh", "brand_slug",
    "brand_name", "category_id", "category_text", "category_text_zh", "attribute_text", "doc_name",
    "doc_labels", "doc_body", "price_min", "currency", "in_stock", "thumbnail_url", "facet_keys",
    "price_band", "attribute_keys", "product_created_at", "indexed_at",
)  # fmt: skip


@dataclass(frozen=True)
class SyncReport:
    indexed: int
    removed: int


@dataclass(frozen=True)
class _Trees:
    english: CategoryTree
    chinese: CategoryTree

    @classmethod
    def load(cls) -> "_Trees":
        return cls(english=category_tree_get(language="en"), chinese=category_tree_get(language="zh-hans"))

    def path_ids(self, category_id: int) -> list[int]:
        return [node.id for node in self.english.path_to(category_id)]

    def texts(self, category_id: int) -> tuple[str, str]:
        english = [node.name for node in self.english.path_to(category_id)]
        chinese = [node.name for node in self.chinese.path_to(category_id)]
        return " / ".join(english), " / ".join(name for name in chinese if name not in english)


def search_entries_sync(*, product_ids: Iterable[int]) -> SyncReport:
    """Bring the entries of these products up to date: visible ones are written, the others
    (deactivated, deleted, merchant switched off) removed. Then the backend follows."""
    ids = sorted({int(product_id) for product_id in product_ids})
    if not ids:
        return SyncReport(indexed=0, removed=0)
    trees = _Trees.load()
    written: list[int] = []
    for rows in _batches(product_search_rows(product_ids=ids), BATCH_SIZE):
        written.extend(_entries_write(rows, trees))
    removed = sorted(set(ids) - set(written))
    removed_count, _ = SearchEntry.objects.filter(product_id__in=removed).delete()
    backend_get().entries_changed(product_ids=written, removed_ids=removed)
    cache_invalidate_on_commit(tags=(SEARCH_CACHE_TAG,))
    return SyncReport(indexed=len(written), removed=len(removed) if removed_count else 0)


def search_entries_sync_related(
    *,
    category_ids: Iterable[int] = (),
    brand_ids: Iterable[int] = (),
    brand_slugs: Iterable[str] = (),
    merchant_ids: Iterable[int] = (),
    attribute_ids: Iterable[int] = (),
    attribute_value_ids: Iterable[int] = (),
) -> SyncReport:
    """Re-index what shows a category (and every category below it), brand, merchant, attribute or
    attribute value that was renamed, moved, switched off or deleted: the catalog's products that
    still point at it, and the entries that still name it (a deleted brand's products no longer
    point at it; its slug is still on their entries)."""
    tree = category_tree_get(language="en")
    categories = {
        descendant for category_id in category_ids for descendant in tree.descendant_ids(category_id)
    }
    brand_slugs, merchant_ids = list(brand_slugs), list(merchant_ids)
    product_ids = set(
        product_ids_related(
            category_ids=categories,
            brand_ids=brand_ids,
            merchant_ids=merchant_ids,
            attribute_ids=attribute_ids,
            attribute_value_ids=attribute_value_ids,
        )
    )
    named = Q(category_id__in=categories) | Q(brand_slug__in=brand_slugs) | Q(merchant_id__in=merchant_ids)
    product_ids.update(SearchEntry.objects.filter(named).values_list("product_id", flat=True))
    return search_entries_sync(product_ids=product_ids)


def search_stock_refresh(*, variant_ids: Iterable[int]) -> list[int]:
    """Recompute the in-stock flag of the products owning these variants (stock moved) and write
    only the entries whose flag flipped, with a conditional UPDATE: a sale that leaves units on
    the shelf writes nothing. The backend and the answer cache follow the flipped ones only.
    Returns their product ids."""
    variants = variant_ids_by_product(variant_ids=variant_ids)
    if not variants:
        return []
    levels = stock_levels_get(variant_ids=[vid for ids in variants.values() for vid in ids])
    in_stock = {
        product_id: any(levels[vid].available > 0 for vid in ids if vid in levels)
        for product_id, ids in variants.items()
    }
    flipped: list[int] = []
    for flag in (True, False):
        stale = SearchEntry.objects.filter(
            product_id__in=[product_id for product_id, value in in_stock.items() if value is flag]
        ).exclude(in_stock=flag)
        ids = list(stale.values_list("product_id", flat=True))
        if ids:
            stale.filter(product_id__in=ids).update(in_stock=flag)
            flipped.extend(ids)
    if flipped:
        backend_get().entries_changed(product_ids=sorted(flipped), removed_ids=[])
        cache_invalidate_on_commit(tags=(SEARCH_CACHE_TAG,))
    return sorted(flipped)


def search_index_rebuild(*, progress=None) -> SyncReport:
    """Rewrite every entry from the catalog, drop those of products no longer visible, renew the
    vocabulary, then rebuild the backend's own index (Elasticsearch) from the entries."""
    trees = _Trees.load()
    seen: set[int] = set()
    SearchTerm.objects.all().delete()
    for rows in _batches(product_search_rows(), BATCH_SIZE):
        seen.update(_entries_write(rows, trees))
        if progress:
            progress(len(seen))
    stale = [pk for pk in SearchEntry.objects.values_list("product_id", flat=True) if pk not in seen]
    for chunk in _batches(iter(stale), BATCH_SIZE):
        SearchEntry.objects.filter(product_id__in=chunk).delete()
    backend_get().rebuild()
    cache_invalidate_on_commit(tags=(SEARCH_CACHE_TAG,))
    return SyncReport(indexed=len(seen), removed=len(stale))


def _batches(items: Iterator, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@transaction.atomic
def _entries_write(rows: list[ProductSearchRow], trees: _Trees) -> list[int]:
    levels = stock_levels_get(variant_ids=[vid for row in rows for vid in row.variant_ids])
    entries = [_entry(row, trees, levels) for row in rows]
    fields = list(ENTRY_FIELDS)
    if connection.vendor == "postgresql":
        # The vector is computed in the same INSERT ... ON CONFLICT DO UPDATE as the rest of the
        # row, so each entry is written once: a second UPDATE for it left a dead version of every
        # row behind, and a table half dead makes every search read twice the pages.
        for entry in entries:
            entry.search_vector = _vector(entry)
        fields.append("search_vector")
    SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["product_id"], update_fields=fields
    )
    _labels_write(rows)
    _vocabulary_add(entries)
    return [row.product_id for row in rows]


# Names weigh most (A), then brand and category (B), attributes (C), descriptions (D). One RawSQL
# per row, not four SearchVector expressions: Django compiles a value's expression once per row,
# and the composed SearchVector doubled the time of a rebuild.
VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('english'::regconfig, %s), '{weight}')" for weight in ("A", "B", "C", "D")
)


def _vector(entry: SearchEntry) -> RawSQL:
    return RawSQL(  # noqa: S611 - constant SQL, the texts are parameters
        VECTOR_SQL,
        (
            entry.doc_name,
            entry.doc_labels,
            indexable_text(entry.attribute_text, unigrams=True),
            entry.doc_body,
        ),
        output_field=SearchVectorField(),
    )


def _entry(row: ProductSearchRow, trees: _Trees, levels) -> SearchEntry:
    keys = _facet_keys(row, trees)
    category_text, category_text_zh = trees.texts(row.category_id)
    # Both languages' values: "红色" finds a red product as "red" does (the vector cuts the
    # Chinese into n-grams, see _vector).
    attribute_text = " ".join(
        dict.fromkeys(
            text for value in row.attribute_values for text in (value.value, value.value_zh) if text
        )
    )
    description = row.description[:DESCRIPTION_LIMIT]
    description_zh = row.description_zh[:DESCRIPTION_LIMIT]
    return SearchEntry(
        product_id=row.product_id,
        merchant_id=row.merchant_id,
        slug=row.slug,
        name=row.name,
        name_zh=row.name_zh,
        description=description,
        description_zh=description_zh,
        brand_slug=row.brand_slug,
        brand_name=row.brand_name,
        category_id=row.category_id,
        category_text=category_text[:500],
        category_text_zh=category_text_zh[:500],
        attribute_text=attribute_text[:1000],
        doc_name=indexable_text(row.name, row.name_zh, unigrams=True),
        doc_labels=indexable_text(row.brand_name, category_text, category_text_zh, unigrams=True),
        doc_body=indexable_text(description, description_zh),
        price_min=row.price_min,
        currency=row.currency,
        in_stock=any(
            levels[variant_id].available > 0 for variant_id in row.variant_ids if variant_id in levels
        ),
        thumbnail_url=row.thumbnail_url[:500],
        facet_keys=facet_keys_text(keys),
        price_band=next((key[2:] for key in keys if key.startswith("p:")), ""),
        attribute_keys=attribute_keys_text(keys),
        product_created_at=row.created_at,
    )


def _facet_keys(row: ProductSearchRow, trees: _Trees) -> list[str]:
    keys = [f"c:{category_id}" for category_id in trees.path_ids(row.category_id)]
    if row.brand_slug:
        keys.append(f"b:{row.brand_slug}")
    keys.extend(
        f"a:{value.attribute_slug}:{value.slug}" for value in row.attribute_values if value.is_filterable
    )
    band = price_band(row.price_min)
    if band is not None:
        keys.append(f"p:{band.key}")
    return keys


def facet_keys_text(keys: Iterable[str]) -> str:
    return "\n" + "".join(f"{key}\n" for key in dict.fromkeys(keys))


def attribute_keys_text(keys: Iterable[str]) -> str:
    """The `a:` keys, sorted, one a line: products with the same attribute values share the text,
    so facet counting groups a few hundred combinations instead of unnesting every row's keys."""
    return "\n".join(sorted({key for key in keys if key.startswith("a:")}))


def _labels_write(rows: list[ProductSearchRow]) -> None:
    labels: dict[str, SearchFacetLabel] = {}
    for row in rows:
        if row.brand_slug:
            labels[f"b:{row.brand_slug}"] = SearchFacetLabel(key=f"b:{row.brand_slug}", label=row.brand_name)
        for value in row.attribute_values:
            key = f"a:{value.attribute_slug}:{value.slug}"
            labels[key] = SearchFacetLabel(
                key=key,
                label=value.value,
                label_zh=value.value_zh,
                group_label=value.attribute_name,
                group_label_zh=value.attribute_name_zh,
            )
    SearchFacetLabel.objects.bulk_create(
        [labels[key] for key in sorted(labels)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["label", "label_zh", "group_label", "group_label_zh"],
    )


def _vocabulary_add(entries: list[SearchEntry]) -> None:
    words: set[str] = set()
    for entry in entries:
        text = " ".join((entry.name, entry.brand_name, entry.category_text, entry.attribute_text))
        words.update(
            word
            for word in tokenize(text)
            if 3 <= len(word) <= 60 and not word.isdigit() and not is_cjk(word)
        )
    SearchTerm.objects.bulk_create((SearchTerm(term=word) for word in sorted(words)), ignore_conflicts=True)
