"""The stock ledger invariant, checked after every scenario (see conftest.py in this folder)."""

from django.db.models import Sum

from apps.inventory.models import StockItem, StockMovement


def assert_stock_ledger_consistent() -> None:
    """For every stock item: what the merchants put in (sum of adjustments) equals what is still
    available plus reserved plus sold; no counter is negative; the last ledger row shows the
    counters as they are."""
    for item in StockItem.objects.all():
        movements = StockMovement.objects.filter(stock_item=item)
        adjusted = movements.filter(kind=StockMovement.Kind.ADJUST).aggregate(s=Sum("quantity"))["s"] or 0
        assert min(item.available, item.reserved, item.sold) >= 0, item
        assert adjusted == item.available + item.reserved + item.sold, (
            f"{item}: adjustments {adjusted} != {item.available} + {item.reserved} + {item.sold}"
        )
        last = movements.order_by("-id").first()
        if last is not None:
            assert (last.available_after, last.reserved_after, last.sold_after) == (
                item.available,
                item.reserved,
                item.sold,
            ), f"{item}: last movement does not match the counters"
