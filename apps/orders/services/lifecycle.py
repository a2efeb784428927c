"""What happens to an order after checkout: paid, cancelled (or expired), shipped, delivered,
completed, refunded. Each step is one `order_transition` (conditional UPDATE + OrderEvent) and the
inventory / payments / shipping call that goes with it, in one transaction; signals on commit."""

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.inventory.services import stock_commit, stock_release, stock_restock
from apps.inventory.types import StockLine
from apps.payments.services import payment_refund
from apps.shipping.services import shipment_create

from ..models import Checkout, Order, OrderEvent, OrderLine, OrderStatus
from ..signals import order_paid, order_refunded, order_shipped
from ..state import IllegalTransition, order_transition
from .errors import RefundInvalid

logger = logging.getLogger(__name__)
S = OrderStatus
REFUNDABLE = (S.PAID, S.SHIPPED, S.DELIVERED)
EXPIRY_BATCH = 500


def _stock_lines(order_id: int) -> list[StockLine]:
    rows = OrderLine.objects.filter(order_id=order_id).values_list("variant_id", "quantity")
    return [StockLine(variant_id=variant_id, quantity=quantity) for variant_id, quantity in rows]


def _number(order_id: int) -> str:
    return Order.objects.values_list("number", flat=True).get(pk=order_id)


def order_mark_paid(*, order_id: int) -> str:
    """pending_payment → paid and its stock reserved → sold. Returns "paid", "already_paid" (a
    redelivered notification: nothing done) or "cancelled" (too late: the caller refunds)."""
    with transaction.atomic():
        try:
            order_transition(
                order_id=order_id, target=S.PAID, note="payment received", paid_at=timezone.now()
            )
        except IllegalTransition as exc:
            return "cancelled" if exc.current == S.CANCELLED else "already_paid"
        stock_commit(lines=_stock_lines(order_id), order_ref=_number(order_id))
        transaction.on_commit(lambda: order_paid.send(sender="orders", order_id=order_id))
    return "paid"


def order_refund_late_payment(*, order_id: int, payment_id: int) -> Decimal:
    """A payment arrived for an order already cancelled: give all of it back, once. Returns the
    amount refunded now (0 when it was already refunded)."""
    with transaction.atomic():
        total = Order.objects.values_list("total", flat=True).get(pk=order_id)
        claimed = Order.objects.filter(pk=order_id, status=S.CANCELLED, refunded_total=0).update(
            refunded_total=F("total"), updated_at=timezone.now()
        )
        if not claimed or total <= 0:
            return Decimal("0.00")
        payment_refund(
            payment_id=payment_id,
            amount=total,
            reason="payment arrived after the order was cancelled",
            order_id=order_id,
        )
        OrderEvent.objects.create(
            order_id=order_id,
            from_status=S.CANCELLED,
            to_status=S.CANCELLED,
            note=f"late payment refunded automatically: {total}",
        )
        transaction.on_commit(
            lambda: order_refunded.send(
                sender="orders", order_id=order_id, amount=total, refunded_total=total
            )
        )
    return total


def checkout_payment_succeeded(*, checkout_id: int, payment_id: int) -> dict[int, str]:
    """Marks every order of the checkout paid; refunds those already cancelled."""
    if not Checkout.objects.filter(pk=checkout_id, payment_id=payment_id).exists():
        logger.warning(
            "payment for unknown checkout", extra={"checkout_id": checkout_id, "payment_id": payment_id}
        )
        return {}
    outcomes: dict[int, str] = {}
    for order_id in Order.objects.filter(checkout_id=checkout_id).order_by("pk").values_list("pk", flat=True):
        outcomes[order_id] = order_mark_paid(order_id=order_id)
        if outcomes[order_id] == "cancelled":
            order_refund_late_payment(order_id=order_id, payment_id=payment_id)
    return outcomes


def order_cancel(*, order_id: int, reason: str, actor_id: int | None = None) -> None:
    """pending_payment → cancelled, its reserved stock back to available."""
    with transaction.atomic():
        order_transition(order_id=order_id, target=S.CANCELLED, actor_id=actor_id, note=reason)
        stock_release(lines=_stock_lines(order_id), order_ref=_number(order_id), reason=reason)


def orders_expire_unpaid(*, now: datetime | None = None) -> int:
    """Cancels unpaid checkout orders past their deadline (a batch per run); returns how many.

    Flash-sale orders (those with a reservation id) are left to the flash-sale app's expiry,
    which gives the unit back to the sale rather than to ordinary stock."""
    now = now or timezone.now()
    due = Order.objects.filter(
        status=S.PENDING_PAYMENT, expires_at__lt=now, reservation_id__isnull=True
    ).order_by("expires_at")
    cancelled = 0
    for order_id in due.values_list("pk", flat=True)[:EXPIRY_BATCH]:
        try:
            order_cancel(order_id=order_id, reason="payment timeout")
        except IllegalTransition:
            continue  # paid (or cancelled) meanwhile: the conditional UPDATE decided
        cancelled += 1
    return cancelled


def order_ship(*, order_id: int, actor_id: int | None, carrier: str, tracking_number: str) -> None:
    """paid → shipped and the shipment recorded with the shipping app, together or not at all."""
    with transaction.atomic():
        order_transition(
            order_id=order_id, target=S.SHIPPED, actor_id=actor_id, note=f"{carrier} {tracking_number}"[:255]
        )
        merchant_id = Order.objects.values_list("merchant_id", flat=True).get(pk=order_id)
        shipment_create(
            order_id=order_id, merchant_id=merchant_id, carrier=carrier, tracking_number=tracking_number
        )
        transaction.on_commit(lambda: order_shipped.send(sender="orders", order_id=order_id))


def order_mark_delivered(*, order_id: int, actor_id: int | None = None) -> None:
    order_transition(order_id=order_id, target=S.DELIVERED, actor_id=actor_id, note="delivered")


def order_complete(*, order_id: int, actor_id: int | None = None) -> None:
    order_transition(order_id=order_id, target=S.COMPLETED, actor_id=actor_id)


def _refund_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise RefundInvalid(_("The refund amount must be a number.")) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise RefundInvalid(_("The refund amount must be positive, in cents."))
    return value


def order_refund(*, order_id: int, amount, actor_id: int | None, reason: str) -> Decimal:
    """Refund part or all of a paid order through its payment; returns the order's refunded total.

    The full amount moves the order to refunded (and, if it had not shipped, its stock back to
    available); a part stays a note in the history. Never more than paid minus refunded."""
    amount = _refund_amount(amount)
    with transaction.atomic():
        order = Order.objects.select_related("checkout").filter(pk=order_id).first()
        if order is None or order.status not in REFUNDABLE or order.checkout is None:
            raise RefundInvalid(_("Only a paid, shipped or delivered order can be refunded."))
        taken = Order.objects.filter(
            pk=order_id, status=order.status, refunded_total__lte=F("total") - amount
        ).update(refunded_total=F("refunded_total") + amount, updated_at=timezone.now())
        if not taken:
            raise RefundInvalid(
                _("At most %(left)s can still be refunded.") % {"left": order.total - order.refunded_total}
            )
        refunded_total = order.refunded_total + amount
        payment_refund(payment_id=order.checkout.payment_id, amount=amount, reason=reason, order_id=order_id)
        if refunded_total == order.total:
            order_transition(order_id=order_id, target=S.REFUNDED, actor_id=actor_id, note=reason)
            if order.status == S.PAID:
                stock_restock(
                    lines=_stock_lines(order_id), order_ref=order.number, reason="refunded before shipping"
                )
        else:
            OrderEvent.objects.create(
                order_id=order_id,
                from_status=order.status,
                to_status=order.status,
                actor_id=actor_id,
                note=f"partial refund {amount}: {reason}"[:255],
            )
        transaction.on_commit(
            lambda: order_refunded.send(
                sender="orders", order_id=order_id, amount=amount, refunded_total=refunded_total
            )
        )
    return refunded_total
