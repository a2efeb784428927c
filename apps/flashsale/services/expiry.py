"""Unpaid flash-sale orders expire after the sale's payment_timeout_minutes.

One transaction per reservation: the order is cancelled through orders (which releases its unit
reserved → available), the unit is set aside for the sale again (available → reserved, the same
row, locked by the release, so it cannot be taken in between) and counted back in
`units_left_db`; after the commit Redis gets the unit back and the buyer's limit is freed, and the
sold-out flag is cleared in every process. When the sale has ended meanwhile the unit stays in
ordinary stock (`units_returned`). A payment that arrives after the cancel is refunded by orders.

Orders' own expiry beat may cancel the order first (it sees `expires_at` too): the cancel then
already released the unit, and it is set aside again here when still available.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.inventory.services import InsufficientStock, stock_release, stock_reserve
from apps.inventory.types import StockLine
from apps.orders.services import IllegalTransition, OrderNotFound, order_cancel

from .. import redis_store
from ..locks import flash_sale_lock
from ..metrics import ORDERS_EXPIRED
from ..models import FlashSale, FlashSaleState, Reservation, ReservationStatus

logger = logging.getLogger(__name__)
BATCH = 500
CANCELLED = "cancelled"


def flash_sale_orders_expire(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Expire the sale orders past their deadline (a batch per run); returns how many expired."""
    now = now or timezone.now()
    due = (
        Reservation.objects.filter(status=ReservationStatus.ORDERED, paid_at__isnull=True, expires_at__lt=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in list(due) if reservation_expire(reservation_pk=pk))


def reservation_expire(*, reservation_pk: int) -> bool:
    """Expire one reservation's order if it is still unpaid; True when it expired now."""
    row = Reservation.objects.filter(pk=reservation_pk).values("sale_id").first()
    if row is None:
        return False
    with transaction.atomic():
        sale = flash_sale_lock(sale_id=row["sale_id"])
        reservation = Reservation.objects.filter(pk=reservation_pk, status=ReservationStatus.ORDERED).first()
        if reservation is None or reservation.paid_at is not None:
            return False
        released = True  # order_cancel (ours or orders' own expiry) put the unit back to available
        try:
            order_cancel(order_id=reservation.order_id, reason="flash sale: payment timeout")
        except IllegalTransition as exc:
            if exc.current != CANCELLED:
                # Paid (or further) meanwhile: the payment won the race, nothing expires.
                Reservation.objects.filter(pk=reservation_pk).update(
                    expires_at=None, updated_at=timezone.now()
                )
                return False
        except OrderNotFound:
            logger.error("flash sale reservation without its order", extra={"reservation": reservation_pk})
            released = False
        back_to_sale = sale.state != FlashSaleState.ENDED
        if back_to_sale and released:
            back_to_sale = _set_aside_again(sale, reservation.quantity)
        elif not back_to_sale and not released:
            _release(sale, reservation.quantity)
        Reservation.objects.filter(pk=reservation_pk).update(
            status=ReservationStatus.EXPIRED, updated_at=timezone.now()
        )
        counter = "units_left_db" if back_to_sale else "units_returned"
        FlashSale.objects.filter(pk=sale.pk).update(**{counter: F(counter) + reservation.quantity})
        transaction.on_commit(
            lambda: _give_back(sale.pk, reservation.user_id, reservation.quantity, restock=back_to_sale)
        )
    return True


def _set_aside_again(sale: FlashSale, quantity: int) -> bool:
    try:
        stock_reserve(
            lines=[StockLine(variant_id=sale.variant_id, quantity=quantity)], order_ref=sale.order_ref
        )
    except InsufficientStock:
        # Orders' own expiry released it earlier and a shopper bought it: it stays sold there.
        return False
    return True


def _release(sale: FlashSale, quantity: int) -> None:
    stock_release(
        lines=[StockLine(variant_id=sale.variant_id, quantity=quantity)],
        order_ref=sale.order_ref,
        reason="flash sale ended",
    )


def _give_back(sale_id: int, user_id: int, quantity: int, *, restock: bool) -> None:
    ORDERS_EXPIRED.inc()
    try:
        redis_store.units_give_back(sale_id=sale_id, user_id=user_id, quantity=quantity, restock=restock)
    except redis_store.RedisUnavailable:
        # PostgreSQL counts the unit; reconciliation finds the difference and rebuilds Redis.
        logger.warning("flash sale: unit not given back to Redis", extra={"sale_id": sale_id})


def reservation_mark_paid(*, order_id: int) -> bool:
    """The order of a reservation was paid: it no longer expires (receiver of orders' order_paid)."""
    return bool(
        Reservation.objects.filter(order_id=order_id, paid_at__isnull=True).update(
            paid_at=timezone.now(), updated_at=timezone.now()
        )
    )
