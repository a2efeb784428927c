"""Elasticsearch through django-elasticsearch-dsl: the query body is built by `search_body`
(pure: tested against the client's `Search.to_dict()` without a server), facets come from
aggregations, "did you mean" from a term suggester, autocomplete from a completion suggester.

A rebuild writes a fresh index named `<alias>-<timestamp>`, then moves the alias onto it in one
call, so searches never see a half-built index.
"""

import time
from decimal import Decimal

from django.core.paginator import Paginator
from django.utils.html import escape
from django.utils.safestring import mark_safe
from elasticsearch.dsl import Q, Search
from elasticsearch.helpers import bulk

from apps.catalog.selectors import category_tree_get
from apps.catalog.types import CategoryTree
from shop.core.money import Money

from ..documents import ProductDocument
from ..text import query_terms
from ..types import AutocompleteItem, SearchFilters, SearchHit, SearchResult
from .database import localized_name
from .facets import BRAND_FACET_LIMIT, facets_from_key_counts, price_ranges

ENGLISH_FIELDS = ["name^4", "brand.name^3", "category_path^2", "attribute_text^2", "description"]
CHINESE_FIELDS = ["name_zh^4", "category_path_zh^2", "attribute_text.zh^2", "description_zh"]
SOURCE_FIELDS = [
    "product_id",
    "slug",
    "name",
    "name_zh",
    "brand",
    "price",
    "currency",
    "in_stock",
    "thumbnail_url",
]
SORTS = {
    "relevance": ["_score", {"created_at": {"order": "desc"}}, {"product_id": {"order": "desc"}}],
    "price_asc": [{"price": {"order": "asc", "missing": "_last"}}, {"product_id": {"order": "desc"}}],
    "price_desc": [{"price": {"order": "desc", "missing": "_last"}}, {"product_id": {"order": "desc"}}],
    "newest": [{"created_at": {"order": "desc"}}, {"product_id": {"order": "desc"}}],
}
MAX_RESULT_WINDOW = 10_000


def _text_query(query: str) -> Q:
    return Q(
        "bool",
        should=[
            Q("multi_match", query=query, fields=ENGLISH_FIELDS, type="best_fields", operator="and",
              fuzziness="AUTO", prefix_length=1),
            Q("multi_match", query=query, fields=CHINESE_FIELDS, type="best_fields", operator="and"),
            Q("match_phrase", **{"name_zh.chars": {"query": query, "boost": 2}}),
        ],
        minimum_should_match=1,
    )  # fmt: skip


def _filters(filters: SearchFilters, tree: CategoryTree) -> list[Q]:
    found: list[Q] = []
    category = tree.by_slug(filters.category_slug) if filters.category_slug else None
    if category is not None:
        found.append(Q("term", category_ids=category.id))
    if filters.brand_slugs:
        found.append(Q("terms", **{"brand.slug": list(filters.brand_slugs)}))
    band = next((band for band in price_ranges() if band.key == filters.price_range), None)
    if band is not None:
        bounds = {}
        if band.low is not None:
            bounds["gte"] = float(band.low)
        if band.high is not None:
            bounds["lt"] = float(band.high)
        found.append(Q("range", price=bounds))
    for attribute, values in filters.attribute_groups().items():
        found.append(Q("terms", attributes=[f"{attribute}:{value}" for value in values]))
    if filters.in_stock:
        found.append(Q("term", in_stock=True))
    return found


def search_body(
    *, query: str, filters: SearchFilters, sort: str, page: int, page_size: int, tree: CategoryTree
) -> Search:
    selected = tree.by_slug(filters.category_slug) if filters.category_slug else None
    shown = [node.id for node in tree.children_of(selected.id if selected else None)]
    search = ProductDocument.search().extra(track_total_hits=True)
    search = search.query(
        Q("bool", must=[_text_query(query) if query else Q("match_all")], filter=_filters(filters, tree))
    )
    search = search.sort(*SORTS.get(sort, SORTS["relevance"])).source(SOURCE_FIELDS)
    start = min((page - 1) * page_size, MAX_RESULT_WINDOW - page_size)
    search = search[start : start + page_size]
    search = search.highlight_options(
        encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"], number_of_fragments=0
    ).highlight("name", "name_zh")
    search.aggs.bucket("categories", "terms", field="category_ids", include=shown, size=max(len(shown), 1))
    search.aggs.bucket("brands", "terms", field="brand.slug", size=BRAND_FACET_LIMIT)
    search.aggs.bucket(
        "prices",
        "range",
        field="price",
        keyed=True,
        ranges=[
            {"key": band.key}
            | ({"from": float(band.low)} if band.low is not None else {})
            | ({"to": float(band.high)} if band.high is not None else {})
            for band in price_ranges()
        ],
    )
    search.aggs.bucket("attributes", "terms", field="attributes", size=200)
    if query:
        search = search.suggest(
            "did_you_mean", query, term={"field": "name.plain", "suggest_mode": "missing"}
        )
    return search


def autocomplete_body(*, prefix: str, limit: int) -> Search:
    search = ProductDocument.search().source(["product_id", "slug", "name", "name_zh"])
    return search.suggest(
        "products", prefix, completion={"field": "suggest", "size": limit, "skip_duplicates": True}
    )


class ElasticsearchBackend:
    name = "elasticsearch"

    def search(
        self, *, query: str, filters: SearchFilters, sort: str, page: int, page_size: int, language: str
    ) -> SearchResult:
        tree = category_tree_get(language=language)
        body = search_body(query=query, filters=filters, sort=sort, page=page, page_size=page_size, tree=tree)
        response = body.execute()
        total = response.hits.total.value
        paginator = Paginator(range(min(total, MAX_RESULT_WINDOW)), page_size)
        number = max(1, min(page, paginator.num_pages))
        if number != page:
            body = search_body(
                query=query, filters=filters, sort=sort, page=number, page_size=page_size, tree=tree
            )
            response = body.execute()
        aggregations = response.aggregations.to_dict() if total else {}
        return SearchResult(
            query=query,
            hits=tuple(_hit(hit, language) for hit in response.hits),
            total=total,
            page=number,
            num_pages=paginator.num_pages,
            facets=facets_from_key_counts(
                counts=_key_counts(aggregations), filters=filters, tree=tree, language=language
            )
            if total
            else (),
            suggestion="" if total or not query else _suggestion(response, query),
            backend=self.name,
            page_range=tuple(
                None if item == Paginator.ELLIPSIS else item
                for item in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
            ),
        )

    def autocomplete(self, *, prefix: str, limit: int, language: str) -> tuple[AutocompleteItem, ...]:
        if not query_terms(prefix):
            return ()
        response = autocomplete_body(prefix=prefix, limit=limit).execute()
        options = response.suggest.products[0].options if response.suggest.products else []
        return tuple(
            AutocompleteItem(
                product_id=option._source.product_id,
                slug=option._source.slug,
                name=localized_name(
                    name=option._source.name, name_zh=option._source.name_zh or "", language=language
                ),
            )
            for option in options
        )

    def entries_changed(self, *, product_ids: list[int], removed_ids: list[int]) -> None:
        document = ProductDocument()
        if product_ids:
            document.update(document.get_queryset().filter(product_id__in=product_ids))
        if removed_ids:
            bulk(
                document._get_connection(),
                (
                    {"_op_type": "delete", "_index": ProductDocument._index._name, "_id": product_id}
                    for product_id in removed_ids
                ),
                raise_on_error=False,
            )

    def rebuild(self) -> None:
        alias = ProductDocument._index._name
        client = ProductDocument._get_connection()
        target = f"{alias}-{int(time.time() * 1000)}"
        index = ProductDocument._index.clone(name=target)
        index.create()
        document = ProductDocument()
        document.update(document.get_indexing_queryset(), index=target, refresh=True)
        previous = list(client.indices.get_alias(name=alias, ignore_unavailable=True).keys())
        if client.indices.exists(index=alias) and alias not in previous and not previous:
            client.indices.delete(index=alias)  # an index (not an alias) of that name from older code
        actions = [{"remove": {"index": name, "alias": alias}} for name in previous]
        actions.append({"add": {"index": target, "alias": alias}})
        client.indices.update_aliases(actions=actions)
        for name in previous:
            client.indices.delete(index=name, ignore_unavailable=True)


def _hit(hit, language: str) -> SearchHit:
    source = hit.to_dict()
    name = localized_name(name=source.get("name", ""), name_zh=source.get("name_zh", ""), language=language)
    field = "name_zh" if name == source.get("name_zh") and name else "name"
    highlighted = getattr(getattr(hit.meta, "highlight", None), field, None)
    price = source.get("price")
    return SearchHit(
        product_id=source["product_id"],
        slug=source.get("slug", ""),
        name=name,
        # The html encoder escaped the text; <mark> is the only markup Elasticsearch added.
        name_html=mark_safe(highlighted[0]) if highlighted else mark_safe(escape(name)),  # noqa: S308
        brand_name=(source.get("brand") or {}).get("name", ""),
        price=Money(Decimal(str(price)), source.get("currency", "USD")) if price is not None else None,
        in_stock=bool(source.get("in_stock")),
        thumbnail_url=source.get("thumbnail_url", ""),
    )


def _key_counts(aggregations: dict) -> dict[str, int]:
    """The aggregations as counts per facet key, the form every backend's facets are built from."""
    counts = {f"c:{b['key']}": b["doc_count"] for b in aggregations["categories"]["buckets"]}
    counts.update({f"b:{b['key']}": b["doc_count"] for b in aggregations["brands"]["buckets"]})
    counts.update({f"a:{b['key']}": b["doc_count"] for b in aggregations["attributes"]["buckets"]})
    counts.update({f"p:{key}": b["doc_count"] for key, b in aggregations["prices"]["buckets"].items()})
    return counts


def _suggestion(response, query: str) -> str:
    words = query.lower().split()
    replaced = {entry.text: entry.options[0].text for entry in response.suggest.did_you_mean if entry.options}
    suggestion = " ".join(replaced.get(word, word) for word in words)
    return suggestion if suggestion != query.lower() else ""
