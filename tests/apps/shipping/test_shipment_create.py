import pytest

from apps.shipping.models import Shipment
from apps.shipping.services import shipment_create
from apps.shipping.types import TrackingNumberInUse
from tests.shop.accounts.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def test_shipment_create_records_the_normalised_carrier_and_number():
    # given
    merchant = MerchantFactory()

    # when
    info = shipment_create(order_id=41, merchant_id=merchant.id, carrier=" DHL ", tracking_number=" JD0001 ")

    # then
    shipment = Shipment.objects.get()
    assert (shipment.order_id, shipment.merchant_id, shipment.carrier, shipment.tracking_number) == (
        41,
        merchant.id,
        "dhl",
        "JD0001",
    )
    assert (info.id, info.order_id, info.status, info.delivered_at) == (shipment.id, 41, "shipped", None)


def test_shipment_create_is_idempotent_per_order():
    # given an order already shipped
    merchant = MerchantFactory()
    first = shipment_create(order_id=42, merchant_id=merchant.id, carrier="dhl", tracking_number="JD0002")

    # when the merchant ships it again (double click, retried request)
    second = shipment_create(order_id=42, merchant_id=merchant.id, carrier="ups", tracking_number="1Z999")

    # then the first shipment stands, unchanged
    assert second == first
    assert list(Shipment.objects.values_list("carrier", "tracking_number")) == [("dhl", "JD0002")]


def test_a_tracking_number_of_another_order_is_refused():
    # given
    merchant = MerchantFactory()
    shipment_create(order_id=43, merchant_id=merchant.id, carrier="dhl", tracking_number="JD0003")

    # when / then
    with pytest.raises(TrackingNumberInUse):
        shipment_create(order_id=44, merchant_id=merchant.id, carrier="DHL", tracking_number="JD0003")
    assert Shipment.objects.count() == 1


def test_blank_tracking_number_is_refused():
    merchant = MerchantFactory()

    with pytest.raises(ValueError, match="required"):
        shipment_create(order_id=45, merchant_id=merchant.id, carrier="dhl", tracking_number="  ")
    assert Shipment.objects.count() == 0
