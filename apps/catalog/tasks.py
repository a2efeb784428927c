"""Celery tasks of the catalog: re-publish the static pages a change touches. Thin, take ids,
idempotent (publishing the same state twice writes nothing: unchanged pages are skipped)."""

import logging

from celery import shared_task
from django.core.cache import cache

from shop.core.cache import local_cache_clear
from shop.publishing.render import PageNotPublishableError
from shop.publishing.services import pages_publish, pages_publish_all

from .publishing import product_page_set

logger = logging.getLogger(__name__)

PUBLISH_ALL_PENDING = "catalog:publish-all:pending"
PUBLISH_ALL_DELAY_SECONDS = 5


@shared_task(bind=True, max_retries=3, default_retry_delay=10, acks_late=True, ignore_result=True)
def catalog_product_pages_publish(self, product_id: int, category_ids: list[int]) -> dict:
    """The product's pages, its categories' listings (`category_ids`: old and new), home if it shows
    there; a product that is gone or hidden has its pages removed."""
    local_cache_clear()  # this worker's level-1 cache may predate the write
    pages = product_page_set(product_id=product_id, category_ids=category_ids)
    try:
        report = pages_publish(paths=pages.publish, remove=pages.remove)
    except PageNotPublishableError:
        logger.exception("a catalog page is not publishable", extra={"product_id": product_id})
        raise
    except OSError as exc:
        raise self.retry(exc=exc) from exc
    return {"written": len(report.written), "removed": len(report.removed)}


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True, ignore_result=True)
def catalog_pages_publish_all(self) -> dict:
    cache.delete(PUBLISH_ALL_PENDING)  # a change from now on enqueues a new run
    try:
        report = pages_publish_all()
    except OSError as exc:
        raise self.retry(exc=exc) from exc
    return {"written": len(report.written), "removed": len(report.removed)}


def catalog_product_pages_publish_enqueue(product_id: int, category_ids: list[int]) -> None:
    catalog_product_pages_publish.delay(product_id=product_id, category_ids=list(category_ids))


def catalog_pages_publish_all_enqueue() -> None:
    """Debounced: a burst of category or brand edits (or seed_demo) runs one full re-publish."""
    try:
        first = cache.add(PUBLISH_ALL_PENDING, 1, timeout=300)
    except Exception:  # Redis down: publish anyway, a duplicate run only costs time
        first = True
    if first:
        catalog_pages_publish_all.apply_async(countdown=PUBLISH_ALL_DELAY_SECONDS)
