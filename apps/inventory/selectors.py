from collections.abc import Iterable
from datetime import datetime

from .models import StockItem, StockMovement
from .types import StockLevel


def stock_levels_get(*, variant_ids: Iterable[int]) -> dict[int, StockLevel]:
    """Counters per variant in one query; a variant with no stock item is absent (none on hand)."""
    rows = StockItem.objects.filter(variant_id__in=list(variant_ids)).values_list(
        "variant_id", "available", "reserved", "sold"
    )
    return {
        variant_id: StockLevel(variant_id=variant_id, available=available, reserved=reserved, sold=sold)
        for variant_id, available, reserved, sold in rows
    }


def variant_ids_moved_since(*, since: datetime) -> list[int]:
    """Ids of the variants whose counters moved at or after `since` (every change of a counter
    writes a ledger row), for jobs that follow stock without a signal on the hot path."""
    return sorted(
        set(
            StockMovement.objects.filter(created_at__gte=since).values_list(
                "stock_item__variant_id", flat=True
            )
        )
    )
