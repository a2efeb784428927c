"""The built-in sandbox gateway. It behaves like a real one: a hosted page of its own takes the
shopper's decision, and the outcome reaches the shop only as a signed server-to-server
notification (HMAC-SHA256 over `f"{timestamp}.".encode() + raw_body`, header
`Sandbox-Signature: t=<unix ts>,v1=<hex>`), delivered by the `payment_sandbox_notify` task.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from apps.payments.errors import InvalidSignature, MalformedNotification
from apps.payments.providers.base import (
    KIND_FAILED,
    KIND_IGNORED,
    KIND_SUCCEEDED,
    Notification,
    PaymentProvider,
    signature_header_parse,
    timestamp_check,
)
from shop.core import signing

if TYPE_CHECKING:
    from apps.payments.models import Payment

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Sandbox-Signature"
EVENT_SUCCEEDED = "payment.succeeded"
EVENT_FAILED = "payment.failed"
_KINDS = {EVENT_SUCCEEDED: KIND_SUCCEEDED, EVENT_FAILED: KIND_FAILED}
DELIVERY_TIMEOUT_SECONDS = 10


class DeliveryFailed(Exception):  # noqa: N818
    """The shop could not be reached or answered 5xx: worth retrying."""


# The scheme (HMAC-SHA256 over f"{t}." + raw body, header t=...,v1=...) is the shop's one scheme,
# shared with the carrier webhooks: shop.core.signing. The sandbox keeps its own checks of the
# header and the clock (30 s of future skew allowed) to raise the payments app's errors.
def signature_compute(*, raw_body: bytes, timestamp: int, secret: str) -> str:
    return signing.signature(secret, timestamp, raw_body)


def signature_header_build(*, raw_body: bytes, timestamp: int, secret: str) -> str:
    return signing.sign(secret, timestamp, raw_body)


def notification_body_build(
    *,
    event_id: str,
    event_type: str,
    payment_id: int,
    reference: str,
    amount: Decimal,
    currency: str,
    created: int,
) -> bytes:
    payload = {
        "id": event_id,
        "type": event_type,
        "created": created,
        "data": {
            "payment_id": payment_id,
            "reference": reference,
            "amount": str(amount),
            "currency": currency,
        },
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def notify_url() -> str:
    return settings.SHOP_SITE_URL.rstrip("/") + reverse("payments:notify", args=["sandbox"])


def notification_deliver_http(*, url: str, raw_body: bytes, headers: Mapping[str, str]) -> int:
    """POST the notification to the shop like a real gateway would; return the HTTP status.

    5xx and network errors raise DeliveryFailed (the task retries); 4xx is final (the shop refused
    the notification, sending it again would not change that).
    """
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"notification URL must be http(s): {url!r}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=raw_body, headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise DeliveryFailed(f"shop answered {error.code}") from error
        logger.error("sandbox notification refused by the shop", extra={"status": error.code})
        return error.code
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise DeliveryFailed(f"shop unreachable: {error}") from error


def notification_deliver_in_process(*, url: str, raw_body: bytes, headers: Mapping[str, str]) -> int:
    """Deliver through Django's test client (no web server): the test settings use it."""
    from urllib.parse import urlsplit

    from django.test import Client

    client = Client()
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    response = client.post(urlsplit(url).path, data=raw_body, content_type="application/json", **extra)
    if response.status_code >= 500:
        raise DeliveryFailed(f"shop answered {response.status_code}")
    return response.status_code


class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def start(self, payment: Payment) -> tuple[str, str]:
        return reverse("payments:sandbox_pay", args=[payment.token]), f"sbx_ch_{secrets.token_hex(12)}"

    def verify_notification(self, raw_body: bytes, headers: Mapping[str, str]) -> Notification:
        timestamp, signatures = signature_header_parse(headers.get(SIGNATURE_HEADER))
        expected = signature_compute(
            raw_body=raw_body, timestamp=timestamp, secret=settings.SHOP_PAYMENT_SANDBOX_SECRET
        )
        if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
            raise InvalidSignature("signature mismatch")
        timestamp_check(timestamp, now=time.time())
        return _notification_parse(raw_body)

    def refund(self, payment: Payment, amount: Decimal, *, idempotency_key: str) -> str:
        return f"sbx_rf_{secrets.token_hex(12)}"


def _notification_parse(raw_body: bytes) -> Notification:
    try:
        payload = json.loads(raw_body)
        event_id = payload["id"]
        event_type = payload["type"]
        data = payload["data"]
        payment_id = int(data["payment_id"])
        amount = Decimal(str(data["amount"]))
        currency = str(data["currency"])
        reference = str(data.get("reference", ""))
    except (ValueError, KeyError, TypeError, InvalidOperation) as error:
        raise MalformedNotification(f"body is not a sandbox notification ({type(error).__name__})") from None
    if not isinstance(event_id, str) or not event_id:
        raise MalformedNotification("event id missing")
    return Notification(
        event_id=f"sandbox:{event_id}",
        kind=_KINDS.get(event_type, KIND_IGNORED),
        provider_ref=reference,
        amount=amount,
        currency=currency,
        payment_id=payment_id,
        payload=payload,
    )


def notification_send(*, payment_id: int, event_id: str, event_type: str, created: int) -> int:
    """Build, sign (with the current time, so a retry is fresh) and deliver one notification."""
    from apps.payments.models import Payment

    payment = Payment.objects.get(pk=payment_id)
    raw_body = notification_body_build(
        event_id=event_id,
        event_type=event_type,
        payment_id=payment.pk,
        reference=payment.provider_ref,
        amount=payment.amount,
        currency=payment.currency,
        created=created,
    )
    header = signature_header_build(
        raw_body=raw_body, timestamp=int(time.time()), secret=settings.SHOP_PAYMENT_SANDBOX_SECRET
    )
    deliver = import_string(settings.SHOP_PAYMENT_SANDBOX_DELIVERY)
    return deliver(url=notify_url(), raw_body=raw_body, headers={SIGNATURE_HEADER: header})
