"""Stripe Checkout through the official SDK: the shopper pays on Stripe's hosted page (card data
never touches the shop) and Stripe's signed webhook tells the shop the outcome.

Webhook events handled: `checkout.session.completed` (paid at once, or left unpaid for a delayed
method), `checkout.session.async_payment_succeeded`, `checkout.session.async_payment_failed` and
`checkout.session.expired`. Anything else is acknowledged and ignored.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

import stripe
from django.conf import settings
from django.urls import reverse

from apps.payments.errors import InvalidSignature, MalformedNotification, ProviderError, StaleNotification
from apps.payments.providers.base import (
    KIND_FAILED,
    KIND_IGNORED,
    KIND_SUCCEEDED,
    MAX_AGE_SECONDS,
    Notification,
    PaymentProvider,
    signature_header_parse,
    timestamp_check,
)

if TYPE_CHECKING:
    from apps.payments.models import Payment

SIGNATURE_HEADER = "Stripe-Signature"
# Currencies Stripe counts in whole units (no cents); every other one has two decimals.
ZERO_DECIMAL_CURRENCIES = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"})  # fmt: skip


def minor_units(amount: Decimal, currency: str) -> int:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return int(amount.scaleb(exponent).to_integral_value())


def major_units(amount: int, currency: str) -> Decimal:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return Decimal(amount).scaleb(-exponent)


def _kind(event_type: str, session: Mapping) -> str:
    if event_type == "checkout.session.completed":
        # A delayed method (bank debit) completes the session unpaid; its outcome comes later.
        return KIND_SUCCEEDED if session.get("payment_status") == "paid" else KIND_IGNORED
    return {
        "checkout.session.async_payment_succeeded": KIND_SUCCEEDED,
        "checkout.session.async_payment_failed": KIND_FAILED,
        "checkout.session.expired": KIND_FAILED,
    }.get(event_type, KIND_IGNORED)


def _site_url(path: str) -> str:
    return settings.SHOP_SITE_URL.rstrip("/") + path


class StripeProvider(PaymentProvider):
    name = "stripe"

    def start(self, payment: Payment) -> tuple[str, str]:
        processing = _site_url(reverse("payments:processing", args=[payment.pk]))
        try:
            session = stripe.checkout.Session.create(
                api_key=settings.STRIPE_SECRET_KEY,
                idempotency_key=f"shop-payment-{payment.pk}-start",
                mode="payment",
                line_items=[
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": payment.currency.lower(),
                            "unit_amount": minor_units(payment.amount, payment.currency),
                            "product_data": {"name": f"Checkout {payment.checkout_id}"},
                        },
                    }
                ],
                success_url=processing,
                cancel_url=processing,
                client_reference_id=str(payment.pk),
                metadata={"payment_id": str(payment.pk), "checkout_id": str(payment.checkout_id)},
                payment_intent_data={"metadata": {"payment_id": str(payment.pk)}},
            )
        except stripe.StripeError as error:
            raise ProviderError(
                f"Stripe refused the checkout session: {error.user_message or error}"
            ) from error
        return session.url, session.id

    def verify_notification(self, raw_body: bytes, headers: Mapping[str, str]) -> Notification:
        header = headers.get(SIGNATURE_HEADER)
        timestamp, _signatures = signature_header_parse(header)
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise InvalidSignature("Stripe webhook secret not configured")
        try:
            stripe.Webhook.construct_event(
                raw_body, header, settings.STRIPE_WEBHOOK_SECRET, tolerance=MAX_AGE_SECONDS
            )
        except stripe.SignatureVerificationError as error:
            if "tolerance" in str(error):
                raise StaleNotification("timestamp older than 5 minutes") from None
            raise InvalidSignature("signature mismatch") from None
        except (ValueError, TypeError, KeyError, AttributeError):
            raise MalformedNotification("body is not JSON") from None
        timestamp_check(timestamp, now=time.time())
        return _event_parse(raw_body)

    def refund(self, payment: Payment, amount: Decimal, *, idempotency_key: str) -> str:
        try:
            refund = stripe.Refund.create(
                api_key=settings.STRIPE_SECRET_KEY,
                idempotency_key=idempotency_key,
                payment_intent=payment.capture_ref,
                amount=minor_units(amount, payment.currency),
                metadata={"payment_id": str(payment.pk)},
            )
        except stripe.StripeError as error:
            raise ProviderError(f"Stripe refused the refund: {error.user_message or error}") from error
        return refund.id


def _event_parse(raw_body: bytes) -> Notification:
    try:
        payload = json.loads(raw_body)
        event_id = str(payload["id"])
        event_type = str(payload["type"])
        session = payload["data"]["object"]
        metadata = session.get("metadata") or {}
        raw_payment_id = metadata.get("payment_id") or session.get("client_reference_id")
        payment_id = int(raw_payment_id) if raw_payment_id else None
        currency = str(session.get("currency") or "").upper()
        amount_total = session.get("amount_total")
        amount = major_units(int(amount_total), currency) if amount_total is not None else None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise MalformedNotification(f"body is not a Stripe event ({type(error).__name__})") from None
    kind = _kind(event_type, session)
    return Notification(
        event_id=f"stripe:{event_id}",
        kind=kind,
        provider_ref=str(session.get("payment_intent") or ""),
        amount=amount,
        currency=currency,
        payment_id=payment_id if kind != KIND_IGNORED else None,
        payload=_payload_minimal(payload, session),
    )


# Only what the shop acts on is kept: a session also carries the customer's name, e-mail and
# address, which the shop already has and must not copy into a log of notifications.
_SESSION_FIELDS = (
    "id",
    "amount_total",
    "currency",
    "payment_intent",
    "payment_status",
    "metadata",
    "client_reference_id",
)


def _payload_minimal(payload: dict, session: Mapping) -> dict:
    kept = {name: session.get(name) for name in _SESSION_FIELDS if name in session}
    return {
        "id": payload.get("id"),
        "type": payload.get("type"),
        "created": payload.get("created"),
        "data": {"object": kept},
    }
