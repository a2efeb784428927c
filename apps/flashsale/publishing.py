"""Flash-sale pages for shop.publishing: the sales page (/flash/, every current sale) and the page of
every sale that is upcoming, armed, live or paused, in every language, published as a static file that changes only when the sale changes
(its live state and the buyer's token come from JSON: api.state, api.token).

Named in settings.PUBLISHING_PAGE_SOURCES. The services and the receivers call
`sale_pages_publish_on_commit` after each change of a sale (arm, start, pause, resume, extend, end,
an admin edit or deletion); the Celery task re-renders its pages and the sales page, or removes the
sale's pages once it is over or gone (the dynamic page still answers then: "the sale is over").
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from shop.publishing.registry import PageSet

from .selectors import sales_current

KIND = "flash_sale"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def sale_paths(sale_id: int) -> list[str]:
    """ "/flash/5/" and "/zh-hans/flash/5/"."""
    paths = []
    for language in _languages():
        with translation.override(language):
            paths.append(reverse("flashsale:sale", args=[sale_id]))
    return paths


def index_paths() -> list[str]:
    """ "/flash/" and "/zh-hans/flash/": the sales page, published again with every sale change."""
    paths = []
    for language in _languages():
        with translation.override(language):
            paths.append(reverse("flashsale:index"))
    return paths


def sale_page_set(*, sale_id: int) -> PageSet:
    """The sale's pages, or their removal when it is over or gone.

    Removal works by path prefix ("/flash/5" also matches "/flash/50/"), and the publisher keeps
    every page it is asked to publish: the pages of the other published sales whose ids start with
    the same digits are published again (unchanged, so not rewritten) to keep them."""
    if sales_current().filter(pk=sale_id).exists():
        return PageSet(publish=(*sale_paths(sale_id), *index_paths()))
    siblings = sales_current().filter(pk__gt=sale_id).order_by("pk").values_list("pk", flat=True).iterator()
    keep = [path for pk in siblings if str(pk).startswith(str(sale_id)) for path in sale_paths(pk)]
    return PageSet(
        publish=(*keep, *index_paths()), remove=tuple(path.rstrip("/") for path in sale_paths(sale_id))
    )


def sale_pages_publish_enqueue(sale_id: int) -> None:
    from shop.publishing.tasks import pages_publish_for_task

    pages_publish_for_task.delay(kind=KIND, object_id=sale_id)


def sale_pages_publish_on_commit(*, sale_id: int) -> None:
    """Re-publish (or remove) the sale's pages through Celery once the change is committed. Robust:
    a broker hiccup must not fail the sale's own change (publish_pages --all repairs it)."""
    if not getattr(settings, "PUBLISHING_ENABLED", False):
        return
    transaction.on_commit(lambda: sale_pages_publish_enqueue(sale_id), robust=True)


class FlashSalePages:
    """The page source (shop.publishing.registry.PageSource)."""

    def pages_all(self) -> Iterable[str]:
        paths = index_paths()
        for sale_id in sales_current().order_by("pk").values_list("pk", flat=True):
            paths += sale_paths(sale_id)
        return paths

    def pages_for(self, *, kind: str, object_id: int) -> PageSet | None:
        if kind != KIND:
            return None
        return sale_page_set(sale_id=object_id)
