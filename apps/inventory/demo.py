"""Demo stock: every demo variant gets units on hand through the ordinary service (so the ledger
explains every unit). Idempotent: variants that already have stock are left alone."""

import random

from django.db import transaction

from apps.catalog.selectors import variant_ids_list, variant_snapshots_get
from apps.inventory.models import StockItem
from apps.inventory.services import stock_adjust


def inventory_seed_demo(*, products: int) -> list[str]:
    stocked = set(StockItem.objects.values_list("variant_id", flat=True))
    missing = [variant_id for variant_id in variant_ids_list() if variant_id not in stocked]
    rng = random.Random(20261203)
    # One outer transaction: a commit per variant costs an fsync each on SQLite.
    with transaction.atomic():
        _stock_items_create(missing)
        _stock(missing, rng)
    return [f"stock: {len(missing)} variants stocked, {len(stocked)} already had stock"]


def _stock_items_create(variant_ids: list[int]) -> None:
    # Rows first, in bulk, from one catalog read; the adjustments below then only update them.
    snapshots = variant_snapshots_get(variant_ids=variant_ids)
    StockItem.objects.bulk_create(
        [
            StockItem(variant_id=s.variant_id, merchant_id=s.merchant_id, sku=s.sku)
            for s in snapshots.values()
        ],
        batch_size=500,
    )


def _stock(variant_ids: list[int], rng: random.Random) -> None:
    for variant_id in variant_ids:
        # A few variants start low so the low-stock filter and "only N left" have something to show.
        units = rng.choice((3, 8, 25, 40, 60, 120))
        stock_adjust(variant_id=variant_id, delta=units, actor_id=None, reason="demo stock")
