"""The shipping admin for merchant staff: their own methods, shipments and tracking events only;
events entered by hand go through tracking_event_record."""

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from apps.shipping.models import Shipment, ShippingMethod, TrackingEvent
from shop.accounts.selectors import MERCHANT_STAFF_GROUP
from tests.apps.shipping.factories import ShipmentFactory, ShippingMethodFactory
from tests.shop.accounts.factories import MerchantFactory, MerchantMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SELECT_VALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def staff_a(client):
    call_command("ensure_groups", stdout=io.StringIO())
    merchant_a = MerchantFactory(name="Alpha")
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=MERCHANT_STAFF_GROUP))
    MerchantMembershipFactory(user=user, merchant=merchant_a)
    client.force_login(user)
    return merchant_a


def test_merchant_staff_list_only_their_own_methods_and_shipments(client, staff_a):
    # given one method and shipment each for merchant A and merchant B
    merchant_b = MerchantFactory(name="Beta")
    ShippingMethodFactory(merchant=staff_a, name="Alpha express")
    ShippingMethodFactory(merchant=merchant_b, name="Beta express")
    ShipmentFactory(merchant=staff_a, tracking_number="ALPHA1")
    ShipmentFactory(merchant=merchant_b, tracking_number="BETA1")

    # when
    methods = client.get(reverse("admin:shipping_shippingmethod_changelist"))
    shipments = client.get(reverse("admin:shipping_shipment_changelist"))

    # then
    assert methods.status_code == shipments.status_code == 200
    assert "Alpha express" in methods.text
    assert "Beta express" not in methods.text
    assert "ALPHA1" in shipments.text
    assert "BETA1" not in shipments.text


def test_another_merchants_shipment_does_not_exist_for_them(client, staff_a):
    shipment_b = ShipmentFactory(merchant=MerchantFactory(name="Beta"))

    response = client.get(reverse("admin:shipping_shipment_change", args=[shipment_b.id]))

    assert response.status_code == 404


def test_merchant_staff_add_a_shipping_method_for_their_merchant(client, staff_a):
    # when
    response = client.post(
        reverse("admin:shipping_shippingmethod_add"),
        {
            "merchant": staff_a.id,
            "name": "Heavy goods",
            "kind": "weight",
            "flat_price": "0",
            "price_per_kg": "3.20",
            "free_over_amount": "",
            "currency": "USD",
            "is_active": "on",
        },
    )

    # then
    assert response.status_code == 302
    method = ShippingMethod.objects.get()
    assert (method.merchant_id, method.kind, method.price_per_kg) == (staff_a.id, "weight", Decimal("3.20"))


def test_merchant_staff_record_a_delivered_event_by_hand(client, staff_a, django_capture_on_commit_callbacks):
    # given a shipment of merchant A
    shipment = ShipmentFactory(merchant=staff_a, order_id=321)

    # when staff enter a delivered event
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("admin:shipping_trackingevent_add"),
            {
                "shipment": shipment.id,
                "status": "delivered",
                "location": "Front desk",
                "description": "Signed by reception",
                "occurred_at_0": "2025-03-04",
                "occurred_at_1": "15:30:00",
            },
        )

    # then the event went through the service (source admin, shipment delivered, signal queued)
    assert response.status_code == 302
    event = TrackingEvent.objects.get()
    assert (event.shipment_id, event.status, event.source, event.location) == (
        shipment.id,
        "delivered",
        "admin",
        "Front desk",
    )
    assert event.external_id.startswith("admin-")
    shipment.refresh_from_db()
    assert (shipment.status, shipment.delivered_at) == ("delivered", datetime(2025, 3, 4, 15, 30, tzinfo=UTC))
    assert len(callbacks) == 1


def test_merchant_staff_cannot_add_an_event_to_another_merchants_shipment(client, staff_a):
    # given a shipment of merchant B
    shipment_b = ShipmentFactory(merchant=MerchantFactory(name="Beta"))

    # when a forged POST names it
    response = client.post(
        reverse("admin:shipping_trackingevent_add"),
        {
            "shipment": shipment_b.id,
            "status": "delivered",
            "location": "",
            "description": "",
            "occurred_at_0": "2025-03-04",
            "occurred_at_1": "15:30:00",
        },
    )

    # then it is a form error, and nothing changed
    assert response.status_code == 200
    assert SELECT_VALID_CHOICE in response.text
    assert TrackingEvent.objects.count() == 0
    assert Shipment.objects.get().status == "shipped"
