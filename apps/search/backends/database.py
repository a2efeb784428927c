"""What the PostgreSQL and the simple backend share: filters, facets from SQL aggregations,
sorting, pagination and hits, all over `SearchEntry`. Subclasses say how text matches."""

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.core.paginator import Paginator
from django.db.models import Expression, Q, QuerySet

from apps.catalog.selectors import category_tree_get
from apps.catalog.types import CategoryTree
from shop.core.money import Money

from ..models import SearchEntry, SearchTerm
from ..text import TermGroup, highlight, highlight_needles, is_cjk, query_terms
from ..types import (
    AutocompleteItem,
    SearchFilters,
    SearchHit,
    SearchResult,
)
from .facets import facets_from_key_counts, price_ranges

MIN_TYPO_LENGTH = 4
CORRECTIONS_PER_WORD = 3
TOTAL = "#total"
HIT_FIELDS = (
    "product_id", "slug", "name", "name_zh", "brand_name", "price_min", "currency", "in_stock", "thumbnail_url",
)  # fmt: skip
# A near word counts only when about as near as the nearest ("wireles": "wireless", not "wired").
CORRECTION_MARGIN = 0.15


def closest(scored: list[tuple[str, float]]) -> list[str]:
    """The words of (word, similarity) pairs, best first, that are within the margin of the best."""
    if not scored:
        return []
    best = max(score for _, score in scored)
    return [word for word, score in scored if score >= best - CORRECTION_MARGIN]


@dataclass
class FacetGroups:
    """Matched entries counted per category, brand, price band and attribute combination (what
    the GROUP BY gives), turned into counts per facet key by `key_counts`."""

    total: int = 0
    categories: Counter = field(default_factory=Counter)
    brands: Counter = field(default_factory=Counter)
    bands: Counter = field(default_factory=Counter)
    attribute_sets: Counter = field(default_factory=Counter)

    def key_counts(self, tree: CategoryTree) -> dict[str, int]:
        counts: Counter[str] = Counter()
        parents = {node.id: node.parent_id for node in tree.nodes}
        for category_id, count in self.categories.items():
            # A product counts for its category and every one above it (a cycle in bad data
            # stops the walk); a category no longer in the tree counts for none.
            seen: set[int] = set()
            node_id = category_id
            while node_id in parents and node_id not in seen:
                seen.add(node_id)
                counts[f"c:{node_id}"] += count
                node_id = parents[node_id]
        counts.update({f"b:{slug}": count for slug, count in self.brands.items() if slug})
        counts.update({f"p:{band}": count for band, count in self.bands.items() if band})
        for text, count in self.attribute_sets.items():
            for key in text.split("\n"):
                if key:
                    counts[key] += count
        return {**counts, TOTAL: self.total}


def localized_name(*, name: str, name_zh: str, language: str) -> str:
    return name_zh if name_zh and (language or "").lower().startswith("zh") else name


class DatabaseBackend:
    name = "database"

    # --- what a subclass provides ---------------------------------------------------------------

    def _match(self, entries: QuerySet, groups: list[TermGroup]) -> QuerySet:
        raise NotImplementedError

    def _rank(self, groups: list[TermGroup]) -> Expression | None:
        return None

    def _nearest_terms(self, word: str) -> list[str]:
        raise NotImplementedError

    def _autocomplete_match(self, entries: QuerySet, groups: list[TermGroup]) -> QuerySet:
        return self._match(entries, groups)

    # --- search ---------------------------------------------------------------------------------

    def search(
        self, *, query: str, filters: SearchFilters, sort: str, page: int, page_size: int, language: str
    ) -> SearchResult:
        tree = category_tree_get(language=language)
        groups = self._with_corrections(query_terms(query))
        matched = self._filtered(SearchEntry.objects.all(), filters, tree)
        if groups:
            matched = self._match(matched, groups)
        counts, rows = self._counts_and_page(matched, groups, sort, page, page_size, tree)
        total = counts.pop(TOTAL, 0)
        paginator = Paginator(range(total), page_size)
        number = max(1, min(page, paginator.num_pages))
        if total and (number != page or rows is None):
            rows = self._ordered(matched, groups, sort)[(number - 1) * page_size : number * page_size]
        needles = highlight_needles(groups)
        hits = tuple(self._hit(entry, needles, language) for entry in rows or ())
        facets = (
            facets_from_key_counts(counts=counts, filters=filters, tree=tree, language=language)
            if total
            else ()
        )
        return SearchResult(
            query=query,
            hits=hits,
            total=total,
            page=number,
            num_pages=paginator.num_pages,
            facets=facets,
            suggestion="" if total or not groups else self._suggestion(query, groups),
            backend=self.name,
            page_range=tuple(
                None if item == Paginator.ELLIPSIS else item
                for item in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
            ),
        )

    def autocomplete(self, *, prefix: str, limit: int, language: str) -> tuple[AutocompleteItem, ...]:
        groups = query_terms(prefix)
        if not groups:
            return ()
        entries = self._autocomplete_match(SearchEntry.objects.all(), groups)
        rank = self._rank(groups)
        order = ("-product_created_at", "-id") if rank is None else ("-rank", "-product_created_at", "-id")
        if rank is not None:
            entries = entries.annotate(rank=rank)
        rows = entries.order_by(*order).values_list("product_id", "slug", "name", "name_zh")[:limit]
        return tuple(
            AutocompleteItem(
                product_id=product_id,
                slug=slug,
                name=localized_name(name=name, name_zh=name_zh, language=language),
            )
            for product_id, slug, name, name_zh in rows
        )

    def entries_changed(self, *, product_ids: list[int], removed_ids: list[int]) -> None:
        """The entries are the index: nothing else to update."""

    def rebuild(self) -> None:
        """The entries are the index: nothing else to rebuild."""

    # --- filters --------------------------------------------------------------------------------

    def _filtered(self, entries: QuerySet, filters: SearchFilters, tree: CategoryTree) -> QuerySet:
        # The tree of now, not of indexing time: a category moved since is filtered where it is.
        category = tree.by_slug(filters.category_slug) if filters.category_slug else None
        if category is not None:
            entries = entries.filter(category_id__in=tree.descendant_ids(category.id))
        if filters.brand_slugs:
            entries = entries.filter(brand_slug__in=filters.brand_slugs)
        band = next((band for band in price_ranges() if band.key == filters.price_range), None)
        if band is not None:
            entries = entries.filter(price_band=band.key)
        for attribute, values in filters.attribute_groups().items():
            entries = self._with_keys(entries, [f"a:{attribute}:{value}" for value in values], any_of=True)
        if filters.in_stock:
            entries = entries.filter(in_stock=True)
        return entries

    def _with_keys(self, entries: QuerySet, keys: list[str], *, any_of: bool = False) -> QuerySet:
        """Entries holding every one of `keys` (or, `any_of`, at least one)."""
        conditions = [Q(facet_keys__contains=f"\n{key}\n") for key in keys]
        return entries.filter(reduce(or_ if any_of else and_, conditions))

    def _key_counts(self, matched: QuerySet, tree: CategoryTree) -> dict[str, int]:
        """How many matched entries hold each facet key, and under TOTAL how many matched."""
        groups = FacetGroups()
        rows = matched.order_by().values_list("category_id", "brand_slug", "price_band", "attribute_keys")
        for category_id, brand_slug, price_band, attribute_keys in rows.iterator(chunk_size=2000):
            groups.total += 1
            groups.categories[category_id] += 1
            groups.brands[brand_slug] += 1
            groups.bands[price_band] += 1
            groups.attribute_sets[attribute_keys] += 1
        return groups.key_counts(tree)

    # --- hits -----------------------------------------------------------------------------------

    def _counts_and_page(
        self,
        matched: QuerySet,
        groups: list[TermGroup],
        sort: str,
        page: int,
        page_size: int,
        tree: CategoryTree,
    ) -> tuple[dict[str, int], list[SearchEntry] | None]:
        """The facet key counts (and TOTAL), and the requested page's entries in order when the
        backend got them in the same pass (None: fetch them separately)."""
        return self._key_counts(matched, tree), None

    def _order(self, groups: list[TermGroup], sort: str) -> tuple[Expression | None, tuple[str, ...]]:
        rank = self._rank(groups) if groups and sort == "relevance" else None
        orders = {
            "relevance": ("-rank", "-product_created_at", "-id") if rank is not None else None,
            "price_asc": ("price_min", "-product_created_at", "-id"),
            "price_desc": ("-price_min", "-product_created_at", "-id"),
            "newest": ("-product_created_at", "-id"),
        }
        return rank, orders.get(sort) or self._default_order(groups)

    def _ordered(self, matched: QuerySet, groups: list[TermGroup], sort: str) -> QuerySet:
        rank, order = self._order(groups, sort)
        ordered = matched.annotate(rank=rank) if rank is not None else matched
        return ordered.order_by(*order).only(*HIT_FIELDS)

    def _default_order(self, groups: list[TermGroup]) -> tuple[str, ...]:
        return ("-product_created_at", "-id")

    def _hit(self, entry: SearchEntry, needles: tuple[str, ...], language: str) -> SearchHit:
        name = localized_name(name=entry.name, name_zh=entry.name_zh, language=language)
        return SearchHit(
            product_id=entry.product_id,
            slug=entry.slug,
            name=name,
            name_html=highlight(name, needles),
            brand_name=entry.brand_name,
            price=Money(entry.price_min, entry.currency) if entry.price_min is not None else None,
            in_stock=entry.in_stock,
            thumbnail_url=entry.thumbnail_url,
        )

    # --- typos and "did you mean" ---------------------------------------------------------------

    def _with_corrections(self, groups: list[TermGroup]) -> list[TermGroup]:
        """Each typed Latin word the index does not know gains its nearest known words."""
        unknown = self._unknown_words(groups)
        return [
            group.with_alternatives((term,) for term in self._nearest_terms(group.typed[0]))
            if len(group.typed) == 1 and group.typed[0] in unknown
            else group
            for group in groups
        ]

    def _unknown_words(self, groups: list[TermGroup]) -> set[str]:
        words = {
            group.typed[0]
            for group in groups
            if len(group.typed) == 1
            and len(group.typed[0]) >= MIN_TYPO_LENGTH
            and not is_cjk(group.typed[0])
            and not group.typed[0].isdigit()
        }
        known = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
        return words - known

    def _suggestion(self, query: str, groups: list[TermGroup]) -> str:
        """The query with each unknown word replaced by its nearest known word, or dropped when
        none is near: offered when the query found nothing."""
        unknown = self._unknown_words(groups)
        words: list[str] = []
        for group in groups:
            typed = group.typed
            if len(typed) == 1 and typed[0] in unknown:
                nearest = self._nearest_terms(typed[0])[:1]
                words.extend(nearest)
            else:
                words.extend(typed)
        suggestion = " ".join(words)
        typed = " ".join(" ".join(group.typed) for group in groups)
        return suggestion if suggestion and suggestion != typed else ""
