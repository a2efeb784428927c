from datetime import UTC, datetime

import pytest

from apps.shipping.models import Shipment, TrackingEvent
from apps.shipping.selectors import shipment_timeline_get
from apps.shipping.services import tracking_event_record
from apps.shipping.signals import shipment_delivered
from apps.shipping.types import ShipmentNotFound
from tests.apps.shipping.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


def _at(hour: int) -> datetime:
    return datetime(2025, 3, 2, hour, 0, tzinfo=UTC)


def _record(shipment, external_id, status, hour, source="carrier"):
    return tracking_event_record(
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        external_id=external_id,
        status=status,
        location="Shanghai",
        description="",
        occurred_at=_at(hour),
        source=source,
    )


def test_the_same_event_twice_is_recorded_once():
    # given
    shipment = ShipmentFactory()

    # when the carrier sends the same event twice
    first = _record(shipment, "evt-1", "in_transit", 8)
    second = _record(shipment, "evt-1", "in_transit", 8)

    # then
    assert (first.created, second.created) == (True, False)
    assert TrackingEvent.objects.count() == 1


def test_unknown_tracking_number_raises():
    with pytest.raises(ShipmentNotFound):
        tracking_event_record(
            carrier="dhl",
            tracking_number="NOPE",
            external_id="evt-x",
            status="in_transit",
            location="",
            description="",
            occurred_at=_at(8),
            source="carrier",
        )


def test_unknown_status_is_refused():
    shipment = ShipmentFactory()

    with pytest.raises(ValueError, match="unknown tracking status"):
        _record(shipment, "evt-1", "lost_in_space", 8)
    assert TrackingEvent.objects.count() == 0


def test_delivered_sends_the_signal_once_after_commit(django_capture_on_commit_callbacks, delivered_calls):
    # given a shipment in transit
    shipment = ShipmentFactory(order_id=777)
    _record(shipment, "evt-1", "in_transit", 8)

    # when the delivered event arrives twice (once redelivered under a new id by a sloppy carrier)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _record(shipment, "evt-2", "delivered", 12)
        _record(shipment, "evt-3", "delivered", 13)

    # then nothing is sent before commit, and exactly one signal after it
    assert delivered_calls == []
    for callback in callbacks:
        callback()
    assert delivered_calls == [{"order_id": 777, "shipment_id": shipment.id, "signal": shipment_delivered}]
    shipment.refresh_from_db()
    assert (shipment.status, shipment.delivered_at) == ("delivered", _at(12))


def test_late_older_event_does_not_move_the_status_back():
    # given a shipment out for delivery at 10:00
    shipment = ShipmentFactory()
    _record(shipment, "evt-2", "out_for_delivery", 10)

    # when an older in-transit event arrives late
    _record(shipment, "evt-1", "in_transit", 8)

    # then the status follows the newest event and the timeline is in time order
    assert Shipment.objects.get().status == "out_for_delivery"
    timeline = shipment_timeline_get(order_id=shipment.order_id)
    assert [(event.status, event.occurred_at) for event in timeline.events] == [
        ("in_transit", _at(8)),
        ("out_for_delivery", _at(10)),
    ]
    assert timeline.latest.status == "out_for_delivery"


def test_timeline_of_an_unshipped_order_is_none():
    assert shipment_timeline_get(order_id=123456) is None
