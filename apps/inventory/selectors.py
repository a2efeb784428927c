from collections.abc import Iterable

from .models import StockItem
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
