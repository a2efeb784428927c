"""Helpers of the payments tests: signed sandbox notifications posted to the endpoint."""

import json
import time

from django.urls import reverse

from apps.payments.providers.sandbox import notification_body_build, signature_header_build

SECRET = "test-sandbox-secret"


def sandbox_body(payment, *, event_id="evt_1", event_type="payment.succeeded", amount=None) -> bytes:
    return notification_body_build(
        event_id=event_id,
        event_type=event_type,
        payment_id=payment.pk,
        reference=payment.provider_ref,
        amount=payment.amount if amount is None else amount,
        currency=payment.currency,
        created=int(time.time()),
    )


def sandbox_post(client, raw_body: bytes, *, timestamp=None, secret=SECRET, header=None):
    if header is None:
        stamp = int(time.time()) if timestamp is None else timestamp
        header = signature_header_build(raw_body=raw_body, timestamp=stamp, secret=secret)
    extra = {} if header is False else {"HTTP_SANDBOX_SIGNATURE": header}
    return client.post(
        reverse("payments:notify", args=["sandbox"]), data=raw_body, content_type="application/json", **extra
    )


def response_json(response) -> dict:
    return json.loads(response.content)
