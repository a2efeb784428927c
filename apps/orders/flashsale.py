"""Orders made from flash-sale reservations (exposed through apps.orders.services).

The flash-sale worker calls `order_create_for_reservations` with a batch of reservations inside its
own transaction. Each reservation gets a Checkout (so the ordinary payment flow and
`checkout_payment_succeeded` work unchanged) and one pending-payment Order whose unique
`reservation_id` makes a second delivery of the same reservation return the first order instead
of creating another. Stock is not reserved here: the sale set its units aside in inventory when
it was armed (ref `flashsale:<id>`); payment commits the unit (reserved → sold) as for any order.

Everything is written with a handful of bulk INSERTs per batch, whatever its size.
"""

import secrets
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.payments.services import payment_create
from apps.payments.types import PaymentStart
from shop.accounts.models import Address
from shop.observability import metrics

from .models import Checkout, Order, OrderEvent, OrderLine, OrderStatus
from .services.checkout import ADDRESS_FIELDS
from .signals import order_placed
from .types import CheckoutResult
from .types_flashsale import ReservationOrder, ReservationOrderRequest

IDEMPOTENCY_PREFIX = "fs-"


def _flash_order_number() -> str:
    # 20 characters; 12 random hex digits make a collision within a day negligible (a collision
    # fails the batch's transaction, which the worker retries with new numbers).
    return f"{timezone.now():%y%m%d}-F{secrets.token_hex(6).upper()}"


def _default_addresses(user_ids: set[int]) -> dict[int, dict]:
    rows = Address.objects.filter(user_id__in=user_ids).order_by("user_id", "-is_default", "-id")
    addresses: dict[int, dict] = {}
    for address in rows:
        addresses.setdefault(address.user_id, {field: getattr(address, field) for field in ADDRESS_FIELDS})
    return addresses


def order_create_for_reservations(*, items: Sequence[ReservationOrderRequest]) -> list[ReservationOrder]:
    """One pending-payment order per reservation, in the order given; idempotent per reservation id.

    Runs in the caller's transaction when there is one (the worker's batch transaction)."""
    if not items:
        return []
    with transaction.atomic():
        wanted = {item.reservation_id: item for item in items}
        found = {
            row["reservation_id"]: ReservationOrder(
                reservation_id=row["reservation_id"],
                order_id=row["pk"],
                number=row["number"],
                checkout_id=row["checkout_id"],
                created=False,
            )
            for row in Order.objects.filter(reservation_id__in=list(wanted)).values(
                "pk", "number", "checkout_id", "reservation_id"
            )
        }
        todo = [item for rid, item in wanted.items() if rid not in found]
        if todo:
            found.update({made.reservation_id: made for made in _orders_create(todo)})
    return [found[item.reservation_id] for item in items if item.reservation_id in found]


def _orders_create(items: list[ReservationOrderRequest]) -> list[ReservationOrder]:
    addresses = _default_addresses({item.user_id for item in items})
    checkouts = Checkout.objects.bulk_create(
        Checkout(
            user_id=item.user_id,
            idempotency_key=f"{IDEMPOTENCY_PREFIX}{item.reservation_id}"[:64],
            total=item.unit_price * item.quantity,
            currency=item.currency,
        )
        for item in items
    )
    orders = Order.objects.bulk_create(
        Order(
            number=_flash_order_number(),
            checkout_id=checkout.pk,
            user_id=item.user_id,
            merchant_id=item.merchant_id,
            status=OrderStatus.PENDING_PAYMENT,
            subtotal=item.unit_price * item.quantity,
            shipping_total=0,
            total=item.unit_price * item.quantity,
            currency=item.currency,
            shipping_address=addresses.get(item.user_id, {}),
            shipping_method_name="",
            reservation_id=item.reservation_id,
            expires_at=item.expires_at,
        )
        for item, checkout in zip(items, checkouts, strict=True)
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order_id=order.pk,
            variant_id=item.variant_id,
            product_id=item.product_id,
            name=item.name,
            sku=item.sku,
            unit_price=item.unit_price,
            quantity=item.quantity,
            weight_grams=item.weight_grams,
        )
        for item, order in zip(items, orders, strict=True)
    )
    OrderEvent.objects.bulk_create(
        OrderEvent(
            order_id=order.pk, from_status="", to_status=OrderStatus.PENDING_PAYMENT, note="flash sale"
        )
        for order in orders
    )
    placed = [(order.pk, checkout.pk) for order, checkout in zip(orders, checkouts, strict=True)]

    def _after_commit() -> None:
        # One event for the batch (checkout_id None: one checkout per order), so receivers can
        # batch their own work instead of paying a message per order inside the drain.
        for _order in placed:
            metrics.order_placed_record(channel="flash_sale")
        order_placed.send(sender="orders", order_ids=[order_id for order_id, _ in placed], checkout_id=None)

    transaction.on_commit(_after_commit)
    return [
        ReservationOrder(
            reservation_id=item.reservation_id,
            order_id=order.pk,
            number=order.number,
            checkout_id=checkout.pk,
            created=True,
        )
        for item, order, checkout in zip(items, orders, checkouts, strict=True)
    ]


class FlashOrderNotPayable(Exception):  # noqa: N818
    """The order is not the user's, not a flash-sale order, or no longer awaiting payment."""


def order_flash_payment_start(*, order_id: int, user_id: int, provider: str = "sandbox") -> PaymentStart:
    """Open (once) the payment of a flash-sale order and return where to send the buyer.

    A second call (a double click, a return to the page) answers the payment opened first, so the
    checkout never has two payments that could both be captured."""
    with transaction.atomic():
        order = (
            Order.objects.filter(
                pk=order_id, user_id=user_id, reservation_id__isnull=False, status=OrderStatus.PENDING_PAYMENT
            )
            .values("checkout_id", "number", "total", "currency")
            .first()
        )
        if order is None or order["checkout_id"] is None:
            raise FlashOrderNotPayable(order_id)
        # The row lock serialises two clicks: the second sees the first's payment.
        checkout = Checkout.objects.select_for_update().get(pk=order["checkout_id"])
        if checkout.payment_id and checkout.result:
            stored = CheckoutResult.from_json(checkout.result, replayed=True)
            return PaymentStart(payment_id=stored.payment_id, redirect_url=stored.redirect_url)
        return_url = settings.SHOP_SITE_URL.rstrip("/") + reverse("orders:checkout_done", args=[checkout.pk])
        start = payment_create(
            checkout_id=checkout.pk,
            user_id=user_id,
            amount=order["total"],
            currency=order["currency"],
            provider=provider,
            return_url=return_url,
        )
        result = CheckoutResult(
            checkout_id=checkout.pk,
            order_numbers=(order["number"],),
            payment_id=start.payment_id,
            redirect_url=start.redirect_url,
            total=order["total"],
            currency=order["currency"],
        )
        Checkout.objects.filter(pk=checkout.pk).update(payment_id=start.payment_id, result=result.as_json())
    return start
