"""Read side of orders: what a shopper may see of their own orders, and the checkout summary."""

from collections.abc import Mapping

from django.conf import settings
from django.db.models import Count, Prefetch, Sum
from django.urls import reverse

from apps.cart.selectors import cart_get
from apps.shipping.selectors import shipment_get_for_order, shipment_timeline_get
from shop.accounts.models import Address

from .models import Order, OrderEvent, OrderLine
from .pricing import checkout_summary_build
from .types import CheckoutSummary, OrderDetail, OrderEventInfo, OrderLineInfo, OrderSummary


def checkout_summary_get(
    *, cart_id: int | None, shipping_method_ids: Mapping[int, int | None], language: str | None = None
) -> CheckoutSummary:
    """What checkout would charge now (raises pricing.ShippingChoiceInvalid for a bad choice)."""
    return checkout_summary_build(
        cart=cart_get(cart_id=cart_id, language=language), shipping_method_ids=shipping_method_ids
    )


def address_list_for_user(*, user_id: int) -> list[Address]:
    return list(Address.objects.filter(user_id=user_id))


def _summary(order: Order) -> OrderSummary:
    return OrderSummary(
        id=order.pk,
        number=order.number,
        status=order.status,
        status_label=str(order.get_status_display()),
        merchant_name=order.merchant.name,
        total=order.total,
        currency=order.currency,
        created_at=order.created_at,
        item_count=order.item_count or 0,
    )


def order_list_for_user(*, user_id: int, checkout_id: int | None = None) -> list[OrderSummary]:
    orders = (
        Order.objects.filter(user_id=user_id)
        .select_related("merchant")
        .annotate(item_count=Sum("lines__quantity"))
    )
    if checkout_id is not None:
        orders = orders.filter(checkout_id=checkout_id)
    return [_summary(order) for order in orders.order_by("-created_at", "-id")]


def order_count_for_user(*, user_id: int) -> int:
    return Order.objects.filter(user_id=user_id).aggregate(n=Count("pk"))["n"]


def order_get_for_user(*, user_id: int, number: str) -> OrderDetail | None:
    """The user's order by number, or None (another user's number looks exactly like a missing one)."""
    order = (
        Order.objects.filter(user_id=user_id, number=number)
        .select_related("merchant")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
        )
        .first()
    )
    if order is None:
        return None
    return OrderDetail(
        id=order.pk,
        number=order.number,
        checkout_id=order.checkout_id,
        status=order.status,
        status_label=str(order.get_status_display()),
        merchant_id=order.merchant_id,
        merchant_name=order.merchant.name,
        subtotal=order.subtotal,
        shipping_total=order.shipping_total,
        total=order.total,
        refunded_total=order.refunded_total,
        currency=order.currency,
        shipping_address=dict(order.shipping_address),
        shipping_method_name=order.shipping_method_name,
        created_at=order.created_at,
        paid_at=order.paid_at,
        expires_at=order.expires_at,
        lines=tuple(
            OrderLineInfo(
                variant_id=line.variant_id,
                product_id=line.product_id,
                name=line.name,
                sku=line.sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
            )
            for line in order.lines.all()
        ),
        events=tuple(
            OrderEventInfo(
                from_status=event.from_status,
                to_status=event.to_status,
                to_status_label=str(Order.Status(event.to_status).label),
                note=event.note,
                created_at=event.created_at,
            )
            for event in order.events.all()
        ),
        timeline=shipment_timeline_get(order_id=order.pk),
    )


def order_notification_context(*, order_id: int) -> dict | None:
    """Plain values the order e-mails render (docs/buying.md, notifications), plus recipients."""
    order = Order.objects.select_related("user", "merchant").filter(pk=order_id).first()
    if order is None:
        return None
    site = settings.SHOP_SITE_URL.rstrip("/")
    shipment = shipment_get_for_order(order_id=order.pk)
    return {
        "order_number": order.number,
        "shopper_name": order.user.get_full_name(),
        "shopper_email": order.user.email,
        "merchant_name": order.merchant.name,
        "merchant_email": order.merchant.email,
        "lines": [
            {
                "name": line.name,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "line_total": str(line.line_total),
            }
            for line in order.lines.order_by("id")
        ],
        "subtotal": str(order.subtotal),
        "shipping_total": str(order.shipping_total),
        "total": str(order.total),
        "refunded_total": str(order.refunded_total),
        "currency": order.currency,
        "order_url": site + reverse("orders:detail", args=[order.number]),
        "admin_order_url": site + reverse("admin:orders_order_change", args=[order.pk]),
        "carrier": shipment.carrier if shipment else "",
        "tracking_number": shipment.tracking_number if shipment else "",
    }
