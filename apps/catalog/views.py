"""Shopper-facing catalog pages: thin views that parse input, call selectors and render."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language, gettext

from shop.publishing.http import public_page

from . import selectors
from .forms import ProductFilterForm

# The buy form posts to the cart app's "add to cart" view (a URL, not an import of the cart app).
ADD_TO_CART_URL = reverse_lazy("cart:add")


# Catalog pages are the same for every visitor (page_is_public: the nav's user links, the cart count
# and the CSRF token come from /live/session/), so they are published as files, answer 304s and
# may be kept by a CDN; see shop/publishing/README.md.


@public_page(tags=lambda request: selectors.cache_tags_home_page())
def home(request: HttpRequest) -> HttpResponse:
    language = get_language()
    tree = selectors.category_tree_get(language=language)
    return render(
        request,
        "catalog/home.html",
        {
            "nav_categories": tree.roots(),
            "featured": selectors.product_list_featured(language=language),
            "newest": selectors.product_list_newest(language=language),
            "page_is_public": True,
        },
    )


@public_page(tags=lambda request, slug: selectors.cache_tags_home_page())
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    language = get_language()
    tree = selectors.category_tree_get(language=language)
    category = tree.by_slug(slug)
    if category is None:
        raise Http404(gettext("No such category."))
    category_ids = tree.descendant_ids(category.id)
    brands = selectors.brand_list_for_categories(category_ids=category_ids)
    facets = selectors.attribute_facet_list_for_categories(category_ids=category_ids, language=language)
    form = ProductFilterForm(request.GET, brands=brands, facets=facets)
    query = form.listing_query()
    page = selectors.product_page_for_categories(category_ids=category_ids, query=query, language=language)
    notices = list(form.notices)
    if page.requested_page_missing and query.page > 1:
        notices.append(
            gettext("There is no page %(requested)s; showing page %(shown)s of %(total)s.")
            % {"requested": query.page, "shown": page.number, "total": page.num_pages}
        )
    return render(
        request,
        "catalog/category.html",
        {
            "nav_categories": tree.roots(),
            "category": category,
            "breadcrumbs": tree.path_to(category.id),
            "subcategories": tree.children_of(category.id),
            "page": page,
            "notices": notices,
            "filter_form": ProductFilterForm(form.clean_params, brands=brands, facets=facets),
            "clean_params": form.clean_params,
            "current_sort": query.sort,
            "page_is_public": True,
        },
    )


@public_page(tags=lambda request, pk, slug: selectors.cache_tags_product_page(pk))
def product_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    language = get_language()
    tree = selectors.category_tree_get(language=language)
    product = selectors.product_get(product_id=pk, language=language, tree=tree)
    if product is None:
        raise Http404(gettext("No such product."))
    if product.slug != slug:
        return redirect("catalog:product", pk=product.id, slug=product.slug, permanent=True)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "nav_categories": tree.roots(),
            "product": product,
            "breadcrumbs": product.breadcrumbs,
            "add_to_cart_url": ADD_TO_CART_URL,
            "page_is_public": True,
        },
    )
