"""Read side of shipping: methods offered at checkout, quotes, and the shopper's shipment timeline."""

import math
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext

from shop.core.money import quantize

from .models import Shipment, ShippingMethod
from .types import (
    ShipmentInfo,
    ShipmentTimeline,
    ShippingMethodInfo,
    ShippingMethodUnavailable,
    TrackingEventInfo,
)

GRAMS_PER_KG = 1000


def _method_description(method: ShippingMethod) -> str:
    money = {"currency": method.currency}
    if method.kind == ShippingMethod.Kind.WEIGHT:
        return gettext("%(price)s %(currency)s per started kg") % {
            "price": quantize(method.price_per_kg),
            **money,
        }
    if method.kind == ShippingMethod.Kind.FREE_OVER:
        return gettext("Free from %(threshold)s %(currency)s, otherwise %(price)s %(currency)s") % {
            "threshold": quantize(method.free_over_amount or Decimal(0)),
            "price": quantize(method.flat_price),
            **money,
        }
    return gettext("Flat rate %(price)s %(currency)s") % {"price": quantize(method.flat_price), **money}


def shipping_methods_for_merchants(*, merchant_ids: Iterable[int]) -> dict[int, list[ShippingMethodInfo]]:
    """Active methods per merchant, in one query. A merchant without any maps to an empty list."""
    ids = sorted(set(merchant_ids))
    found: dict[int, list[ShippingMethodInfo]] = {merchant_id: [] for merchant_id in ids}
    methods = ShippingMethod.objects.filter(merchant_id__in=ids, is_active=True).order_by(
        "merchant_id", "name", "id"
    )
    for method in methods:
        found[method.merchant_id].append(
            ShippingMethodInfo(
                id=method.id,
                merchant_id=method.merchant_id,
                name=method.name,
                kind=method.kind,
                description=_method_description(method),
                currency=method.currency,
            )
        )
    return found


def _price_for(method: ShippingMethod, *, weight_grams: int, subtotal: Decimal) -> Decimal:
    if method.kind == ShippingMethod.Kind.WEIGHT:
        started_kg = math.ceil(weight_grams / GRAMS_PER_KG)
        return method.price_per_kg * started_kg
    if method.kind == ShippingMethod.Kind.FREE_OVER:
        threshold = method.free_over_amount
        if threshold is not None and subtotal >= threshold:
            return Decimal(0)
        return method.flat_price
    return method.flat_price


def shipping_quote(*, method_id: int, merchant_id: int, weight_grams: int, subtotal: Decimal) -> Decimal:
    """The shipping price of one merchant's parcel, in the method's currency, quantized to cents.

    Raises ShippingMethodUnavailable when the method is unknown, inactive or another merchant's.
    """
    if weight_grams < 0:
        raise ValueError("weight_grams must not be negative")
    if not isinstance(subtotal, Decimal):
        raise TypeError("subtotal must be a Decimal")
    method = ShippingMethod.objects.filter(id=method_id, merchant_id=merchant_id, is_active=True).first()
    if method is None:
        raise ShippingMethodUnavailable(method_id, merchant_id)
    return quantize(_price_for(method, weight_grams=weight_grams, subtotal=subtotal))


def shipment_info_of(shipment: Shipment) -> ShipmentInfo:
    return ShipmentInfo(
        id=shipment.id,
        order_id=shipment.order_id,
        merchant_id=shipment.merchant_id,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        status=shipment.status,
        status_label=str(shipment.get_status_display()),
        shipped_at=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
    )


def shipment_get_for_order(*, order_id: int) -> ShipmentInfo | None:
    shipment = Shipment.objects.filter(order_id=order_id).first()
    return shipment_info_of(shipment) if shipment else None


def shipment_timeline_get(*, order_id: int) -> ShipmentTimeline | None:
    """The order's shipment and its tracking events, oldest first; None when not shipped yet."""
    shipment = Shipment.objects.filter(order_id=order_id).first()
    if shipment is None:
        return None
    events = tuple(
        TrackingEventInfo(
            status=event.status,
            status_label=str(event.get_status_display()),
            location=event.location,
            description=event.description,
            occurred_at=event.occurred_at,
        )
        for event in shipment.events.order_by("occurred_at", "id")
    )
    return ShipmentTimeline(shipment=shipment_info_of(shipment), events=events)
