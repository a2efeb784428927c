"""Celery tasks of search: thin, take ids, idempotent (a redelivery rewrites the same entries)."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.catalog.selectors import product_ids_changed_since
from apps.inventory.selectors import variant_ids_moved_since

from . import services

logger = logging.getLogger(__name__)

WATERMARK_KEY = "search:refresh:since"
STOCK_WATERMARK_KEY = "search:stock:since"
# Re-read a little of the past each time: a transaction that committed late keeps an older updated_at.
WATERMARK_OVERLAP_SECONDS = 120


@shared_task(bind=True, max_retries=5, default_retry_delay=10)
def search_products_reindex(self, product_ids: list[int]) -> dict:
    try:
        report = services.search_entries_sync(product_ids=product_ids)
    except Exception as exc:
        logger.warning("search re-index failed", extra={"product_ids": product_ids[:20]})
        raise self.retry(exc=exc) from exc
    return {"indexed": report.indexed, "removed": report.removed}


@shared_task(bind=True, max_retries=5, default_retry_delay=10)
def search_reindex_related(self, **ids: list) -> dict:
    """A category, brand, merchant or attribute changed: re-index the products that show it."""
    try:
        report = services.search_entries_sync_related(**ids)
    except Exception as exc:
        logger.warning("search re-index of related products failed", extra={"ids": ids})
        raise self.retry(exc=exc) from exc
    return {"indexed": report.indexed, "removed": report.removed}


@shared_task
def search_refresh_changed() -> int:
    """Catch every change the save signals miss (bulk `update()`s such as status changes from
    the admin): re-index products changed since the last run, by their `updated_at`."""
    now = timezone.now()
    since = parse_datetime(cache.get(WATERMARK_KEY) or "") or now - timezone.timedelta(hours=1)
    product_ids = product_ids_changed_since(
        since=since - timezone.timedelta(seconds=WATERMARK_OVERLAP_SECONDS)
    )
    if product_ids:
        services.search_entries_sync(product_ids=product_ids)
    cache.set(WATERMARK_KEY, now.isoformat(), timeout=None)
    return len(product_ids)


@shared_task
def search_refresh_stock() -> int:
    """Inventory sends no events (its hot path stays one conditional UPDATE): every minute, the
    products whose stock moved since the last run get their in-stock flag recomputed; only the
    flipped entries are written. Returns how many flipped."""
    now = timezone.now()
    since = parse_datetime(cache.get(STOCK_WATERMARK_KEY) or "") or now - timezone.timedelta(hours=1)
    variant_ids = variant_ids_moved_since(since=since - timezone.timedelta(seconds=WATERMARK_OVERLAP_SECONDS))
    flipped = services.search_stock_refresh(variant_ids=variant_ids) if variant_ids else []
    cache.set(STOCK_WATERMARK_KEY, now.isoformat(), timeout=None)
    return len(flipped)
