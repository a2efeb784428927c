"""The carrier's signed tracking notification: POST /shipping/carrier/notify/.

Body (JSON): {"carrier": "dhl", "tracking_number": "JD0123", "events": [{"id": "evt-1",
"status": "in_transit" | "out_for_delivery" | "delivered" | "exception", "location": "...",
"description": "...", "occurred_at": "2025-01-01T10:00:00Z"}, ...]}
Header: `Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of f"{t}." + raw body>` keyed with
SHOP_CARRIER_WEBHOOK_SECRET (shop.core.signing). Answers: 200 with counts; 400 JSON for a bad
signature or body (nothing written); 404 JSON for an unknown tracking number.
"""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.core import signing

from .models import TrackingEvent
from .services import carrier_notification_handle
from .types import CarrierEvent, ShipmentNotFound

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Carrier-Signature"
MAX_EVENTS = 100


class BadNotificationError(ValueError):
    pass


def _text(item: dict, key: str, *, required: bool = False, limit: int = 255) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadNotificationError(_("Field %(field)s must be a non-empty string.") % {"field": key})
    return value.strip()[:limit]


def _event(item) -> CarrierEvent:
    if not isinstance(item, dict):
        raise BadNotificationError(_("Each event must be an object."))
    status = _text(item, "status", required=True)
    if status not in TrackingEvent.Status.values:
        raise BadNotificationError(_("Unknown event status %(status)s.") % {"status": status})
    occurred_at = parse_datetime(_text(item, "occurred_at", required=True))
    if occurred_at is None or occurred_at.tzinfo is None:
        raise BadNotificationError(_("occurred_at must be an ISO 8601 time with a time zone."))
    return CarrierEvent(
        external_id=_text(item, "id", required=True, limit=100),
        status=status,
        location=_text(item, "location", limit=120),
        description=_text(item, "description"),
        occurred_at=occurred_at,
    )


def _parse(raw_body: bytes) -> tuple[str, str, list[CarrierEvent]]:
    try:
        payload = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError):
        raise BadNotificationError(_("The body is not valid JSON.")) from None
    if not isinstance(payload, dict):
        raise BadNotificationError(_("The body must be a JSON object."))
    carrier = _text(payload, "carrier", required=True, limit=40)
    tracking_number = _text(payload, "tracking_number", required=True, limit=64)
    items = payload.get("events")
    if not isinstance(items, list) or not items or len(items) > MAX_EVENTS:
        raise BadNotificationError(_("events must be a list of 1 to %(max)d events.") % {"max": MAX_EVENTS})
    return carrier, tracking_number, [_event(item) for item in items]


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@csrf_exempt
@require_POST
def carrier_notify(request: HttpRequest) -> JsonResponse:
    raw_body = request.body
    try:
        signing.verify(
            settings.SHOP_CARRIER_WEBHOOK_SECRET, request.headers.get(SIGNATURE_HEADER, ""), raw_body
        )
    except signing.SignatureError as exc:
        logger.warning("carrier notification refused", extra={"reason": type(exc).__name__})
        return _error(_("Invalid signature: %(reason)s.") % {"reason": exc}, 400)
    try:
        carrier, tracking_number, events = _parse(raw_body)
    except BadNotificationError as exc:
        return _error(str(exc), 400)
    try:
        result = carrier_notification_handle(carrier=carrier, tracking_number=tracking_number, events=events)
    except ShipmentNotFound:
        return _error(_("Unknown tracking number."), 404)
    return JsonResponse(
        {
            "ok": True,
            "order_id": result.order_id,
            "recorded": result.recorded,
            "duplicates": result.duplicates,
        }
    )
