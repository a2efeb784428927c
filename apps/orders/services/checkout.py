"""`checkout_place`: the cart becomes orders, reserved stock and one payment, in one transaction.

Idempotency: the first statement inserts the Checkout row, unique per (user, idempotency key).
A second request with the same key blocks on that insert (PostgreSQL waits for the first
transaction to end); if the first committed, the insert fails with IntegrityError, the second
request's transaction rolls back having written nothing, and it answers the stored result. If the
first rolled back, the second simply goes ahead. So a double click gives one set of orders.
"""

import logging
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.cart.selectors import cart_get
from apps.cart.services import cart_clear
from apps.inventory.services import InsufficientStock, stock_reserve
from apps.inventory.types import StockLine
from apps.payments.services import payment_create
from shop.accounts.models import Address

from ..models import Checkout, Order, OrderEvent, OrderLine, OrderStatus
from ..pricing import ShippingChoiceInvalid, checkout_summary_build
from ..signals import order_placed
from ..types import CheckoutResult, MerchantGroup
from .errors import (
    AddressInvalid,
    CartChanged,
    CartEmpty,
    IdempotencyKeyInvalid,
    OutOfStock,
    ShippingMethodInvalid,
    TotalMismatch,
)

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "postal_code", "country", "phone")


def idempotency_key_new() -> str:
    return secrets.token_urlsafe(24)


def order_number_new() -> str:
    return f"{timezone.now():%y%m%d}-{secrets.token_hex(4).upper()}"


def _stored_result(*, user_id: int, idempotency_key: str) -> CheckoutResult | None:
    row = Checkout.objects.filter(user_id=user_id, idempotency_key=idempotency_key).values("result").first()
    if row is None or not row["result"]:
        return None
    return CheckoutResult.from_json(row["result"], replayed=True)


def checkout_place(
    *,
    user_id: int,
    cart_id: int | None,
    idempotency_key: str,
    address_id: int | None,
    shipping_method_ids: Mapping[int, int | None],
    provider: str = "sandbox",
    expected_total: Decimal | None = None,
) -> CheckoutResult:
    """Place the user's cart. Raises a CheckoutError (nothing written) when the key is malformed,
    the cart is empty or changed since it was shown, the address or a shipping method is not the
    user's to choose, `expected_total` differs from the server's total, or stock is short."""
    if not isinstance(idempotency_key, str) or not IDEMPOTENCY_KEY.match(idempotency_key):
        raise IdempotencyKeyInvalid()
    stored = _stored_result(user_id=user_id, idempotency_key=idempotency_key)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            return _place(
                user_id=user_id,
                cart_id=cart_id,
                idempotency_key=idempotency_key,
                address_id=address_id,
                shipping_method_ids=shipping_method_ids,
                provider=provider,
                expected_total=expected_total,
            )
    except IntegrityError:
        # The losing insert of a concurrent request with the same key: the winner has committed.
        stored = _stored_result(user_id=user_id, idempotency_key=idempotency_key)
        if stored is None:
            raise
        return stored


def _address_snapshot(*, user_id: int, address_id: int | None) -> dict:
    address = Address.objects.filter(pk=address_id, user_id=user_id).first() if address_id else None
    if address is None:
        raise AddressInvalid()
    return {field: getattr(address, field) for field in ADDRESS_FIELDS}


def _place(*, user_id, cart_id, idempotency_key, address_id, shipping_method_ids, provider, expected_total):
    checkout = Checkout.objects.create(user_id=user_id, idempotency_key=idempotency_key, currency="")
    cart = cart_get(cart_id=cart_id)
    if cart.notices:
        raise CartChanged(cart.notices)
    if cart.is_empty:
        raise CartEmpty()
    address = _address_snapshot(user_id=user_id, address_id=address_id)
    try:
        summary = checkout_summary_build(cart=cart, shipping_method_ids=shipping_method_ids)
    except ShippingChoiceInvalid as exc:
        raise ShippingMethodInvalid(exc.merchant_name) from None
    if expected_total is not None and expected_total != summary.total:
        raise TotalMismatch(expected=expected_total, actual=summary.total, currency=summary.currency)
    expires_at = timezone.now() + timedelta(minutes=settings.SHOP_PAYMENT_TIMEOUT_MINUTES)
    orders = [
        _order_create(
            checkout=checkout, group=group, address=address, currency=summary.currency, expires_at=expires_at
        )
        for group in summary.groups
    ]
    return_url = settings.SHOP_SITE_URL.rstrip("/") + reverse("orders:checkout_done", args=[checkout.pk])
    start = payment_create(
        checkout_id=checkout.pk,
        user_id=user_id,
        amount=summary.total,
        currency=summary.currency,
        provider=provider,
        return_url=return_url,
    )
    result = CheckoutResult(
        checkout_id=checkout.pk,
        order_numbers=tuple(order.number for order in orders),
        payment_id=start.payment_id,
        redirect_url=start.redirect_url,
        total=summary.total,
        currency=summary.currency,
    )
    Checkout.objects.filter(pk=checkout.pk).update(
        total=summary.total, currency=summary.currency, payment_id=start.payment_id, result=result.as_json()
    )
    cart_clear(cart_id=cart_id)
    order_ids = [order.pk for order in orders]
    transaction.on_commit(
        lambda: order_placed.send(sender="orders", order_ids=order_ids, checkout_id=checkout.pk)
    )
    logger.info("checkout placed", extra={"checkout_id": checkout.pk, "orders": len(orders)})
    return result


def _order_create(
    *, checkout: Checkout, group: MerchantGroup, address: dict, currency: str, expires_at
) -> Order:
    order = Order.objects.create(
        number=order_number_new(),
        checkout=checkout,
        user_id=checkout.user_id,
        merchant_id=group.merchant_id,
        status=OrderStatus.PENDING_PAYMENT,
        subtotal=group.subtotal,
        shipping_total=group.shipping,
        total=group.total,
        currency=currency,
        shipping_address=address,
        shipping_method_id=group.method_id,
        shipping_method_name=group.method_name,
        expires_at=expires_at,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant_id=line.variant_id,
            product_id=line.product_id,
            name=f"{line.product_name} ({line.variant_name})" if line.variant_name else line.product_name,
            sku=line.sku,
            unit_price=line.unit_price,
            quantity=line.quantity,
            weight_grams=line.weight_grams,
        )
        for line in group.lines
    )
    OrderEvent.objects.create(order=order, from_status="", to_status=OrderStatus.PENDING_PAYMENT)
    try:
        stock_reserve(
            lines=[StockLine(variant_id=line.variant_id, quantity=line.quantity) for line in group.lines],
            order_ref=order.number,
            actor_id=checkout.user_id,
        )
    except InsufficientStock as exc:
        short = set(exc.variant_ids)
        raise OutOfStock([line.product_name for line in group.lines if line.variant_id in short]) from None
    return order
