from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from apps.shipping.selectors import shipment_timeline_get
from tests.apps.shipping.factories import ShipmentFactory, TrackingEventFactory

pytestmark = pytest.mark.django_db


def test_timeline_partial_lists_events_oldest_first():
    # given a shipment with two events created newest first
    shipment = ShipmentFactory(order_id=900, carrier="dhl", tracking_number="JD900")
    TrackingEventFactory(
        shipment=shipment,
        status="out_for_delivery",
        location="Berlin <Mitte>",
        occurred_at=datetime(2025, 3, 2, tzinfo=UTC),
    )
    TrackingEventFactory(
        shipment=shipment,
        status="in_transit",
        location="Hamburg",
        occurred_at=datetime(2025, 3, 1, tzinfo=UTC),
    )

    # when
    html = render_to_string("shipping/_timeline.html", {"timeline": shipment_timeline_get(order_id=900)})

    # then
    assert "DHL" in html
    assert "<code>JD900</code>" in html
    assert html.index("Hamburg") < html.index("Berlin &lt;Mitte&gt;")
    assert 'data-status="in_transit"' in html
    assert "Out for delivery" in html


def test_timeline_partial_without_shipment_says_not_shipped():
    html = render_to_string("shipping/_timeline.html", {"timeline": None})

    assert "This order has not been shipped yet." in html


def test_timeline_partial_in_chinese():
    shipment = ShipmentFactory(order_id=901)
    TrackingEventFactory(shipment=shipment, status="in_transit")

    with translation.override("zh-hans"):
        html = render_to_string("shipping/_timeline.html", {"timeline": shipment_timeline_get(order_id=901)})

    assert "运单号" in html
    assert "运输中" in html
