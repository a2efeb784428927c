import json
import time

import pytest
from django.urls import reverse

from apps.shipping.models import Shipment, TrackingEvent
from apps.shipping.selectors import shipment_timeline_get
from shop.core.signing import sign
from tests.apps.shipping.factories import ShipmentFactory

pytestmark = pytest.mark.django_db

SECRET = "carrier-test-secret"
URL = "/shipping/carrier/notify/"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.SHOP_CARRIER_WEBHOOK_SECRET = SECRET


def _body(shipment, events) -> bytes:
    payload = {
        "carrier": shipment.carrier.upper(),
        "tracking_number": shipment.tracking_number,
        "events": events,
    }
    return json.dumps(payload).encode()


def _event(external_id, status, occurred_at, location="Hamburg"):
    return {
        "id": external_id,
        "status": status,
        "location": location,
        "description": f"{status} in {location}",
        "occurred_at": occurred_at,
    }


def _post(client, body: bytes, *, secret=SECRET, timestamp=None):
    header = sign(secret, int(time.time()) if timestamp is None else timestamp, body)
    return client.post(URL, data=body, content_type="application/json", headers={"Carrier-Signature": header})


def test_url_is_the_documented_one():
    assert reverse("shipping:carrier-notify") == URL


def test_valid_notification_records_events_and_the_timeline_is_in_time_order(client):
    # given a shipment and a notification whose events arrive out of order
    shipment = ShipmentFactory(order_id=501)
    body = _body(
        shipment,
        [
            _event("dhl-2", "out_for_delivery", "2025-03-02T07:30:00Z", "Berlin"),
            _event("dhl-1", "in_transit", "2025-03-01T18:00:00+00:00", "Hamburg"),
        ],
    )

    # when
    response = _post(client, body)

    # then
    assert response.status_code == 200
    assert response.json() == {"ok": True, "order_id": 501, "recorded": 2, "duplicates": 0}
    timeline = shipment_timeline_get(order_id=501)
    assert [(e.status, e.location, e.occurred_at.isoformat()) for e in timeline.events] == [
        ("in_transit", "Hamburg", "2025-03-01T18:00:00+00:00"),
        ("out_for_delivery", "Berlin", "2025-03-02T07:30:00+00:00"),
    ]
    assert timeline.shipment.status == "out_for_delivery"
    assert set(TrackingEvent.objects.values_list("source", flat=True)) == {"carrier"}


def test_the_same_notification_twice_records_each_event_once(client):
    # given
    shipment = ShipmentFactory()
    body = _body(shipment, [_event("dhl-1", "in_transit", "2025-03-01T18:00:00Z")])
    _post(client, body)

    # when the carrier retries
    response = _post(client, body)

    # then
    assert response.status_code == 200
    assert response.json()["recorded"] == 0
    assert response.json()["duplicates"] == 1
    assert TrackingEvent.objects.count() == 1


def test_delivered_notification_sends_shipment_delivered_once(
    client, django_capture_on_commit_callbacks, delivered_calls
):
    # given
    shipment = ShipmentFactory(order_id=502)
    body = _body(shipment, [_event("dhl-9", "delivered", "2025-03-03T10:00:00Z")])

    # when the notification arrives twice
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, body)
        _post(client, body)

    # then
    assert [call["order_id"] for call in delivered_calls] == [502]
    assert Shipment.objects.get().status == "delivered"


def _assert_refused(response, message_part):
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert message_part in response.json()["error"]
    assert TrackingEvent.objects.count() == 0


def test_a_flipped_byte_is_refused(client):
    # given a correctly signed body changed in transit
    shipment = ShipmentFactory()
    body = _body(shipment, [_event("dhl-1", "in_transit", "2025-03-01T18:00:00Z")])
    header = sign(SECRET, int(time.time()), body)
    tampered = body.replace(b"Hamburg", b"Hamburh")

    # when
    response = client.post(
        URL, data=tampered, content_type="application/json", headers={"Carrier-Signature": header}
    )

    # then
    _assert_refused(response, "does not match")


def test_a_wrong_secret_is_refused(client):
    shipment = ShipmentFactory()
    body = _body(shipment, [_event("dhl-1", "in_transit", "2025-03-01T18:00:00Z")])

    _assert_refused(_post(client, body, secret="guessed"), "does not match")


def test_an_old_timestamp_is_refused(client):
    shipment = ShipmentFactory()
    body = _body(shipment, [_event("dhl-1", "in_transit", "2025-03-01T18:00:00Z")])

    _assert_refused(_post(client, body, timestamp=int(time.time()) - 301), "too old")


def test_a_future_timestamp_is_refused(client):
    shipment = ShipmentFactory()
    body = _body(shipment, [_event("dhl-1", "in_transit", "2025-03-01T18:00:00Z")])

    _assert_refused(_post(client, body, timestamp=int(time.time()) + 120), "future")


def test_a_missing_signature_is_refused(client):
    shipment = ShipmentFactory()
    body = _body(shipment, [_event("dhl-1", "in_transit", "2025-03-01T18:00:00Z")])

    response = client.post(URL, data=body, content_type="application/json")

    _assert_refused(response, "t=<timestamp>")


@pytest.mark.parametrize(
    ("body", "message_part"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"carrier": "dhl", "tracking_number": "JD1", "events": []}', "events must be a list"),
        (
            b'{"carrier": "dhl", "tracking_number": "JD1", "events": [{"id": "e", "status": "teleported", "occurred_at": "2025-03-01T18:00:00Z"}]}',
            "Unknown event status",
        ),
        (
            b'{"carrier": "dhl", "tracking_number": "JD1", "events": [{"id": "e", "status": "delivered", "occurred_at": "yesterday"}]}',
            "occurred_at",
        ),
    ],
)
def test_a_signed_but_bad_body_is_a_400_with_a_message(client, body, message_part):
    ShipmentFactory(tracking_number="JD1")

    _assert_refused(_post(client, body), message_part)


def test_an_unknown_tracking_number_is_a_404_json(client):
    # given no shipment with that number
    body = json.dumps(
        {
            "carrier": "dhl",
            "tracking_number": "UNKNOWN",
            "events": [_event("e1", "in_transit", "2025-03-01T18:00:00Z")],
        }
    ).encode()

    # when
    response = _post(client, body)

    # then
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error": "Unknown tracking number."}


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405
