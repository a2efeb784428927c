"""The catalog's page source for shop.publishing: home, the first page of every category listing and
every product page, in every language, and which of them a product or category change touches.

Named in settings.PUBLISHING_PAGE_SOURCES; the publisher renders each path through its view.
"""

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shop.publishing.registry import PageSet

from .models import Category, Product
from .selectors import category_tree_get, product_list_newest


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _in_every_language(name: str, **kwargs) -> list[str]:
    paths = []
    for language in _languages():
        with translation.override(language):
            paths.append(reverse(name, kwargs=kwargs or None))
    return paths


def home_paths() -> list[str]:
    return _in_every_language("catalog:home")


def category_paths(slug: str) -> list[str]:
    return _in_every_language("catalog:category", slug=slug)


def product_paths(product_id: int, slug: str) -> list[str]:
    return _in_every_language("catalog:product", pk=product_id, slug=slug)


def product_path_prefixes(product_id: int) -> list[str]:
    """ "/p/12-" and "/zh-hans/p/12-": every published page of product 12 whatever its slug was."""
    return [path[: -len("x/")] for path in _in_every_language("catalog:product", pk=product_id, slug="x")]


def _visible_products():
    return Product.objects.filter(status=Product.Status.ACTIVE, merchant__is_active=True)


def _category_paths_with_ancestors(category_ids: Iterable[int]) -> list[str]:
    # A listing shows its subcategories' products too: the ancestors' first pages change as well.
    tree = category_tree_get(language=None)
    paths: list[str] = []
    for category_id in category_ids:
        for node in tree.path_to(category_id):
            paths += category_paths(node.slug)
    return list(dict.fromkeys(paths))


def product_page_set(*, product_id: int, category_ids: Iterable[int] = ()) -> PageSet:
    """A product changed: its own pages (or their removal when it is gone, drafted or its merchant
    switched off, and under an old slug), its categories' listings and the home page when it shows
    there (or may have shown there)."""
    row = _visible_products().filter(pk=product_id).values_list("slug", "category_id", "is_featured").first()
    categories = set(category_ids)
    publish: list[str] = []
    if row is not None:
        slug, category_id, is_featured = row
        categories.add(category_id)
        publish += product_paths(product_id, slug)
    publish += _category_paths_with_ancestors(sorted(categories))
    newest = {card.id for card in product_list_newest(language=None)}
    if row is None or row[2] or product_id in newest:
        publish += home_paths()
    return PageSet(publish=tuple(publish), remove=tuple(product_path_prefixes(product_id)))


def category_page_set(*, category_id: int) -> PageSet:
    if not Category.objects.filter(pk=category_id).exists():
        return PageSet()
    return PageSet(publish=tuple(_category_paths_with_ancestors([category_id])))


class CatalogPages:
    """The page source (shop.publishing.registry.PageSource)."""

    def pages_all(self) -> Iterable[str]:
        paths = home_paths()
        for slug in Category.objects.order_by("position", "slug").values_list("slug", flat=True):
            paths += category_paths(slug)
        for product_id, slug in _visible_products().order_by("pk").values_list("pk", "slug"):
            paths += product_paths(product_id, slug)
        return paths

    def pages_for(self, *, kind: str, object_id: int) -> PageSet | None:
        if kind == "product":
            return product_page_set(product_id=object_id)
        if kind == "category":
            return category_page_set(category_id=object_id)
        return None
