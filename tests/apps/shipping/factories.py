"""factory-boy factories for shipping: methods, shipments and tracking events."""

from datetime import UTC, datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.shipping.models import Shipment, ShippingMethod, TrackingEvent
from tests.shop.accounts.factories import MerchantFactory


class ShippingMethodFactory(DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"Method {n}")
    kind = ShippingMethod.Kind.FLAT
    flat_price = Decimal("5.00")
    price_per_kg = Decimal("0.00")
    free_over_amount = None
    currency = "USD"
    is_active = True


class ShipmentFactory(DjangoModelFactory):
    class Meta:
        model = Shipment

    order_id = factory.Sequence(lambda n: 1000 + n)
    merchant = factory.SubFactory(MerchantFactory)
    carrier = "dhl"
    tracking_number = factory.Sequence(lambda n: f"JD{n:08d}")
    shipped_at = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class TrackingEventFactory(DjangoModelFactory):
    class Meta:
        model = TrackingEvent

    shipment = factory.SubFactory(ShipmentFactory)
    external_id = factory.Sequence(lambda n: f"evt-{n}")
    status = TrackingEvent.Status.IN_TRANSIT
    location = "Leipzig"
    description = "Parcel sorted"
    occurred_at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
