"""The app's one row lock: a sale's row, held while its state or unit counters change in ways a
conditional UPDATE alone cannot express (arming, closing, expiring into an ending sale, the
fallback of a batch that no longer fits)."""

from .models import FlashSale


def flash_sale_lock(*, sale_id: int) -> FlashSale:
    """Must run inside transaction.atomic(); raises FlashSale.DoesNotExist."""
    return FlashSale.objects.select_for_update().get(pk=sale_id)
