"""Write side of shipping: shipments and their tracking events.

Every signal is sent in `transaction.on_commit`, so a rolled-back write never tells anyone.
"""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Shipment, ShipmentStatus, TrackingEvent
from .selectors import shipment_info_of
from .signals import shipment_delivered
from .types import (
    CarrierEvent,
    CarrierNotificationResult,
    ShipmentInfo,
    ShipmentNotFound,
    TrackingEventResult,
    TrackingNumberInUse,
)

logger = logging.getLogger(__name__)

EVENT_STATUSES = frozenset(TrackingEvent.Status.values)
EVENT_SOURCES = frozenset(TrackingEvent.Source.values)


def carrier_code(carrier: str) -> str:
    """Carriers are compared by a lower-case code ("DHL " and "dhl" are one carrier)."""
    return (carrier or "").strip().lower()


def shipment_create(*, order_id: int, merchant_id: int, carrier: str, tracking_number: str) -> ShipmentInfo:
    """Record that an order left the merchant. Idempotent per order: a second call returns the
    shipment the first one created, unchanged. Raises TrackingNumberInUse when the carrier's
    tracking number already belongs to another order, ValueError on blank carrier or number."""
    code, number = carrier_code(carrier), (tracking_number or "").strip()
    if not code or not number:
        raise ValueError("carrier and tracking number are required")
    existing = Shipment.objects.filter(order_id=order_id).first()
    if existing is not None:
        return shipment_info_of(existing)
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                order_id=order_id,
                merchant_id=merchant_id,
                carrier=code,
                tracking_number=number,
                shipped_at=timezone.now(),
            )
    except IntegrityError:
        # Either a concurrent call for the same order won (return its shipment), or the tracking
        # number is another order's.
        existing = Shipment.objects.filter(order_id=order_id).first()
        if existing is not None:
            return shipment_info_of(existing)
        raise TrackingNumberInUse(f"{code} {number} is used by another shipment") from None
    logger.info("shipment created", extra={"order_id": order_id, "shipment_id": shipment.id, "carrier": code})
    return shipment_info_of(shipment)


def _validate_event(*, status: str, occurred_at: datetime, source: str, external_id: str) -> None:
    if status not in EVENT_STATUSES:
        raise ValueError(f"unknown tracking status {status!r}")
    if source not in EVENT_SOURCES:
        raise ValueError(f"unknown tracking event source {source!r}")
    if not external_id:
        raise ValueError("external_id is required")
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must carry a time zone")


def _shipment_status_follow(*, shipment: Shipment, status: str, occurred_at: datetime) -> bool:
    """Move the shipment to the newest event's status; delivered is final. True when this call
    is the one that made the shipment delivered (so the signal goes out exactly once)."""
    Shipment.objects.filter(pk=shipment.pk).exclude(status=ShipmentStatus.DELIVERED).filter(
        Q(last_event_at__isnull=True) | Q(last_event_at__lte=occurred_at)
    ).update(status=status, last_event_at=occurred_at)
    if status != TrackingEvent.Status.DELIVERED:
        return False
    return bool(
        Shipment.objects.filter(pk=shipment.pk, delivered_at__isnull=True).update(
            status=ShipmentStatus.DELIVERED, delivered_at=occurred_at
        )
    )


@transaction.atomic
def tracking_event_record(
    *,
    carrier: str,
    tracking_number: str,
    external_id: str,
    status: str,
    location: str,
    description: str,
    occurred_at: datetime,
    source: str,
) -> TrackingEventResult:
    """Record one tracking event, once per `external_id`. On the first delivered event, sends
    `shipment_delivered(order_id=...)` after commit. Raises ShipmentNotFound for an unknown
    (carrier, tracking number), ValueError for a bad status, source or naive time."""
    _validate_event(status=status, occurred_at=occurred_at, source=source, external_id=external_id)
    shipment = Shipment.objects.filter(
        carrier=carrier_code(carrier), tracking_number=(tracking_number or "").strip()
    ).first()
    if shipment is None:
        raise ShipmentNotFound(carrier, tracking_number)
    duplicate = TrackingEventResult(shipment_id=shipment.id, order_id=shipment.order_id, created=False)
    if TrackingEvent.objects.filter(external_id=external_id).exists():
        return duplicate
    try:
        with transaction.atomic():
            TrackingEvent.objects.create(
                shipment=shipment,
                external_id=external_id,
                status=status,
                location=(location or "")[:120],
                description=(description or "")[:255],
                occurred_at=occurred_at,
                source=source,
            )
    except IntegrityError:
        return duplicate  # the same event recorded concurrently
    if _shipment_status_follow(shipment=shipment, status=status, occurred_at=occurred_at):
        order_id, shipment_id = shipment.order_id, shipment.id
        transaction.on_commit(
            lambda: shipment_delivered.send(sender=Shipment, order_id=order_id, shipment_id=shipment_id)
        )
    logger.info(
        "tracking event recorded",
        extra={"shipment_id": shipment.id, "order_id": shipment.order_id, "status": status, "source": source},
    )
    return TrackingEventResult(shipment_id=shipment.id, order_id=shipment.order_id, created=True)


@transaction.atomic
def carrier_notification_handle(
    *, carrier: str, tracking_number: str, events: list[CarrierEvent]
) -> CarrierNotificationResult:
    """Record a verified carrier notification's events in one transaction (all or none)."""
    shipment = Shipment.objects.filter(
        carrier=carrier_code(carrier), tracking_number=(tracking_number or "").strip()
    ).first()
    if shipment is None:
        raise ShipmentNotFound(carrier, tracking_number)
    recorded = 0
    for event in sorted(events, key=lambda e: e.occurred_at):
        result = tracking_event_record(
            carrier=carrier,
            tracking_number=tracking_number,
            external_id=event.external_id,
            status=event.status,
            location=event.location,
            description=event.description,
            occurred_at=event.occurred_at,
            source=TrackingEvent.Source.CARRIER,
        )
        recorded += result.created
    return CarrierNotificationResult(
        order_id=shipment.order_id, recorded=recorded, duplicates=len(events) - recorded
    )
