"""The demo's flash sale: a sale of one demo variant that starts a few minutes after seeding, so
`make demo` shows the whole path (the beat arms it ahead of the start, the page counts down, buyers
queue, orders appear). Idempotent: an existing demo sale that has not started yet is moved to start
again a few minutes from now; one that already ran is left as it is."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.catalog.selectors import variant_ids_list, variant_snapshots_get
from apps.flashsale.models import FlashSale
from apps.inventory.selectors import stock_levels_get

DEMO_TITLE = "Demo flash sale"
STARTS_IN = timedelta(minutes=6)
LASTS = timedelta(hours=2)
UNITS = 50


def _variant_for_sale() -> tuple[int, int, Decimal, str] | None:
    ids = variant_ids_list()[:200]
    levels = stock_levels_get(variant_ids=ids)
    snapshots = variant_snapshots_get(variant_ids=ids)
    for variant_id in ids:
        level, snapshot = levels.get(variant_id), snapshots.get(variant_id)
        if level and snapshot and snapshot.is_available and level.available >= UNITS:
            return variant_id, snapshot.merchant_id, snapshot.price, snapshot.currency
    return None


def flashsale_seed_demo(*, products: int) -> list[str]:
    now = timezone.now()
    sale = FlashSale.objects.filter(title=DEMO_TITLE).first()
    if sale is not None:
        if sale.state == FlashSale.State.DRAFT:
            sale.starts_at, sale.ends_at = now + STARTS_IN, now + STARTS_IN + LASTS
            sale.save(update_fields=["starts_at", "ends_at", "updated_at"])
            return [f"flash sale: '{DEMO_TITLE}' (#{sale.pk}) moved to start at {sale.starts_at:%H:%M} UTC"]
        return [f"flash sale: '{DEMO_TITLE}' (#{sale.pk}) is {sale.state}; left as it is"]
    chosen = _variant_for_sale()
    if chosen is None:
        return ["flash sale: no variant with enough stock for the demo sale"]
    variant_id, merchant_id, price, currency = chosen
    sale = FlashSale.objects.create(
        merchant_id=merchant_id,
        title=DEMO_TITLE,
        variant_id=variant_id,
        sale_price=max(Decimal("0.01"), (price / 2).quantize(Decimal("0.01"))),
        currency=currency,
        units=UNITS,
        starts_at=now + STARTS_IN,
        ends_at=now + STARTS_IN + LASTS,
        per_buyer_limit=2,
    )
    return [f"flash sale: '{DEMO_TITLE}' (#{sale.pk}), {UNITS} units, starts at {sale.starts_at:%H:%M} UTC"]
