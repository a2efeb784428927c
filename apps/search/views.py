"""The search page and the autocomplete endpoint: parse, call the selector, render.

The search page is the same for every visitor (the header's name and cart count come from
/live/session/, like a published page's), so it reads neither the session nor the CSRF token:
public for a minute (a CDN keeps a popular query), gzipped, with an ETag of its content and a 304
for a client that already has it.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from apps.catalog.selectors import category_tree_get
from shop.publishing.http import public_page

from .forms import SORT_LABELS, SearchForm, clean_params
from .selectors import search_autocomplete, search_products
from .types import Facet


@require_safe
@public_page()
def search_page(request: HttpRequest) -> HttpResponse:
    language = get_language()
    parsed = SearchForm(request.GET).search_request()
    result = search_products(
        query=parsed.query, filters=parsed.filters, sort=parsed.sort, page=parsed.page, language=language
    )
    params = clean_params(parsed)
    tree = category_tree_get(language=language)
    labels = {(facet.key, value.key): value.label for facet in result.facets for value in facet.values}
    labels.update({("category", node.slug): node.name for node in tree.nodes})
    return render(
        request,
        "search/results.html",
        {
            "page_is_public": True,
            "nav_categories": tree.roots(),
            "result": result,
            "query": parsed.query,
            "clean_params": params,
            "facets": [_facet_links(facet, params) for facet in result.facets],
            "active_filters": _active_filters(params, labels),
            "sorts": [(key, label, key == parsed.sort) for key, label in SORT_LABELS.items()],
            "current_sort": parsed.sort,
            "page_missing": result.page != parsed.page and result.total > 0,
            "suggestion_url": _with(params, q=result.suggestion) if result.suggestion else "",
        },
    )


def autocomplete(request: HttpRequest) -> JsonResponse:
    items = search_autocomplete(prefix=request.GET.get("q", ""), language=get_language())
    response = JsonResponse(
        {
            "suggestions": [
                {
                    "id": item.product_id,
                    "name": item.name,
                    "url": reverse("catalog:product", kwargs={"pk": item.product_id, "slug": item.slug}),
                }
                for item in items
            ]
        }
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


def _with(params, **changes) -> str:
    updated = params.copy()
    updated.pop("page", None)
    for key, value in changes.items():
        if value is None:
            updated.pop(key, None)
        elif isinstance(value, list):
            updated.setlist(key, value)
        else:
            updated[key] = value
    return "?" + updated.urlencode()


def _facet_links(facet: Facet, params) -> dict:
    """Each facet value with the URL that toggles it (brands and attributes add up, a category
    or a price band replaces the current one)."""
    multi = facet.key in ("brand", "attr")
    values = []
    for value in facet.values:
        if multi:
            current = params.getlist(facet.key)
            chosen = [v for v in current if v != value.key] if value.selected else [*current, value.key]
            url = _with(params, **{facet.key: chosen})
        else:
            url = _with(params, **{facet.key: None if value.selected else value.key})
        values.append({"value": value, "url": url})
    return {"facet": facet, "values": values, "multi": multi}


def _active_filters(params, labels: dict[tuple[str, str], str]) -> list[dict]:
    found = []
    for key in ("category", "brand", "price", "attr", "in_stock"):
        for value in params.getlist(key):
            remaining = [v for v in params.getlist(key) if v != value]
            label = labels.get((key, value), value.partition(":")[2] or value)
            found.append({"key": key, "label": label, "url": _with(params, **{key: remaining or None})})
    return found
