"""The Stripe Checkout adapter, offline: webhooks are signed here with Stripe's documented scheme
(`Stripe-Signature: t=<ts>,v1=HMAC_SHA256(secret, f"{t}.{payload}")`) and the SDK's network calls
are replaced, so no test ever reaches Stripe."""

import hashlib
import hmac
import json
import logging
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
import stripe
from django.urls import reverse

from apps.payments import services
from apps.payments.models import Payment, PaymentNotification, Refund
from tests.apps.payments.factories import PaymentFactory
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "whsec_test_offline_secret"


@pytest.fixture(autouse=True)
def _stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_offline"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SHOP_SITE_URL = "https://shop.example"


def _event(payment, *, event_id="evt_stripe_1", event_type="checkout.session.completed", paid=True) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": "cs_test_123",
                    "object": "checkout.session",
                    "amount_total": int(payment.amount * 100),
                    "currency": payment.currency.lower(),
                    "client_reference_id": str(payment.pk),
                    "metadata": {"payment_id": str(payment.pk)},
                    "payment_intent": "pi_test_456",
                    "payment_status": "paid" if paid else "unpaid",
                }
            },
        }
    )


def _signature(payload: str, *, timestamp: int | None = None, secret: str = WEBHOOK_SECRET) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def _post(client, payload, header):
    body = payload.encode() if isinstance(payload, str) else payload
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(
        reverse("payments:notify", args=["stripe"]), data=body, content_type="application/json", **extra
    )


def _stripe_payment(**kwargs):
    return PaymentFactory(provider="stripe", provider_ref="cs_test_123", amount=Decimal("42.50"), **kwargs)


def test_valid_checkout_completed_webhook_marks_the_payment_succeeded(
    client, django_capture_on_commit_callbacks, payment_signals
):
    # given a pending Stripe payment and a correctly signed checkout.session.completed (paid)
    payment = _stripe_payment()
    payload = _event(payment)

    # when Stripe delivers it, twice
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, payload, _signature(payload))
    with django_capture_on_commit_callbacks(execute=True):
        second = _post(client, payload, _signature(payload))

    # then the payment succeeded once, keeping the PaymentIntent to refund later
    assert (first.status_code, second.status_code) == (200, 200)
    payment.refresh_from_db()
    assert (payment.status, payment.capture_ref) == (Payment.Status.SUCCEEDED, "pi_test_456")
    assert payment_signals.calls == [
        ("succeeded", {"payment_id": payment.pk, "checkout_id": payment.checkout_id})
    ]
    assert PaymentNotification.objects.get().event_id == "stripe:evt_stripe_1"


def test_unpaid_completion_waits_for_the_async_outcome(client, django_capture_on_commit_callbacks):
    # given a pending Stripe payment paid by a delayed method
    payment = _stripe_payment()
    completed = _event(payment, event_id="evt_a", paid=False)
    failed = _event(payment, event_id="evt_b", event_type="checkout.session.async_payment_failed", paid=False)

    # when the session completes unpaid, then the async payment fails
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, completed, _signature(completed))
    after_completed = Payment.objects.get(pk=payment.pk).status
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, failed, _signature(failed))

    # then the payment stays pending after the first and fails after the second
    assert after_completed == Payment.Status.PENDING
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.FAILED


def _flip_byte(text: str, index: int) -> bytes:
    data = text.encode()
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def _case_flipped_body(payment):
    payload = _event(payment)
    return _flip_byte(payload, 30), _signature(payload)


def _case_flipped_signature(payment):
    payload = _event(payment)
    header = _signature(payload)
    return payload, header[:-1] + ("0" if header[-1] != "0" else "1")


STRIPE_REFUSALS = {
    "flipped byte in body": (_case_flipped_body, "invalid signature"),
    "flipped byte in signature": (_case_flipped_signature, "invalid signature"),
    "wrong secret": (lambda p: (_event(p), _signature(_event(p), secret="whsec_wrong")), "invalid signature"),
    "old timestamp": (
        lambda p: (_event(p), _signature(_event(p), timestamp=int(time.time()) - 301)),
        "stale timestamp",
    ),
    "future timestamp": (
        lambda p: (_event(p), _signature(_event(p), timestamp=int(time.time()) + 60)),
        "stale timestamp",
    ),
    "missing header": (lambda p: (_event(p), None), "invalid signature"),
    "garbage header": (lambda p: (_event(p), "nonsense"), "invalid signature"),
    "non-JSON body": (lambda p: ("not json", _signature("not json")), "malformed notification"),
}


@pytest.mark.parametrize("case", list(STRIPE_REFUSALS))
def test_bad_stripe_webhook_is_refused_with_400(case, client, caplog, payment_signals):
    # given a pending Stripe payment
    payment = _stripe_payment()
    build, reason = STRIPE_REFUSALS[case]
    payload, header = build(payment)

    # when the bad webhook arrives
    with caplog.at_level(logging.WARNING, logger="apps.payments.views"):
        response = _post(client, payload, header)

    # then 400, a WARNING naming the reason, nothing changed
    assert response.status_code == 400
    assert json.loads(response.content) == {"error": reason}
    messages = [r.getMessage() for r in caplog.records if r.name == "apps.payments.views"]
    assert len(messages) == 1
    assert messages[0].startswith(f"payment notification refused: {reason}")
    assert WEBHOOK_SECRET not in messages[0]
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING
    assert PaymentNotification.objects.count() == 0
    assert payment_signals.calls == []


def test_unconfigured_webhook_secret_refuses_everything(client, settings):
    # given no STRIPE_WEBHOOK_SECRET (a deployment without Stripe)
    settings.STRIPE_WEBHOOK_SECRET = ""
    payment = _stripe_payment()
    payload = _event(payment)

    # when a webhook arrives, even one signed with an empty secret
    response = _post(client, payload, _signature(payload, secret=""))

    # then it is refused
    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING


def test_start_creates_a_checkout_session_and_redirects_to_it(monkeypatch):
    # given the SDK's Session.create replaced by a recorder
    calls = []

    def create(**kwargs):
        calls.append(kwargs)
        return SimpleNamespace(id="cs_test_new", url="https://checkout.stripe.com/c/pay/cs_test_new")

    monkeypatch.setattr(stripe.checkout.Session, "create", create)
    user = UserFactory()

    # when checkout opens a Stripe payment
    start = services.payment_create(
        checkout_id=77, user_id=user.pk, amount=Decimal("42.50"), currency="EUR", provider="stripe"
    )

    # then the shopper goes to Stripe's page, with the amount in cents and the payment id as metadata
    assert start.redirect_url == "https://checkout.stripe.com/c/pay/cs_test_new"
    assert Payment.objects.get(pk=start.payment_id).provider_ref == "cs_test_new"
    (call,) = calls
    assert call["mode"] == "payment"
    assert call["line_items"][0]["price_data"]["unit_amount"] == 4250
    assert call["line_items"][0]["price_data"]["currency"] == "eur"
    assert call["metadata"]["payment_id"] == str(start.payment_id)
    assert call["client_reference_id"] == str(start.payment_id)
    assert call["success_url"] == f"https://shop.example/payments/{start.payment_id}/processing/"


def test_stripe_refusal_at_start_is_a_provider_error(monkeypatch):
    def create(**kwargs):
        raise stripe.InvalidRequestError("bad currency", param="currency")

    monkeypatch.setattr(stripe.checkout.Session, "create", create)

    with pytest.raises(services.ProviderError):
        services.payment_create(
            checkout_id=1, user_id=None, amount=Decimal("1.00"), currency="EUR", provider="stripe"
        )


def test_refund_goes_to_stripe_with_the_payment_intent(monkeypatch):
    # given a succeeded Stripe payment and the SDK's Refund.create replaced by a recorder
    calls = []

    def create(**kwargs):
        calls.append(kwargs)
        return SimpleNamespace(id="re_test_1")

    monkeypatch.setattr(stripe.Refund, "create", create)
    payment = _stripe_payment(status=Payment.Status.SUCCEEDED, capture_ref="pi_test_456")

    # when 12.50 is refunded
    result = services.payment_refund(
        payment_id=payment.pk, amount=Decimal("12.50"), reason="late", order_id=3
    )

    # then Stripe got the PaymentIntent and 1250 cents, and the refund keeps Stripe's id
    assert result.provider_ref == "re_test_1"
    assert Refund.objects.get().provider_ref == "re_test_1"
    (call,) = calls
    assert (call["payment_intent"], call["amount"]) == ("pi_test_456", 1250)
    assert call["idempotency_key"] == f"shop-refund-{payment.pk}-{result.refund_id}"


def test_customer_details_are_not_stored_with_the_notification(client, django_capture_on_commit_callbacks):
    # given a completed session that carries the customer's name, e-mail and address
    payment = _stripe_payment()
    event = json.loads(_event(payment))
    event["data"]["object"]["customer_details"] = {
        "email": "ann@example.com",
        "name": "Ann",
        "address": {"city": "X"},
    }
    payload = json.dumps(event)

    # when it is received
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, payload, _signature(payload))

    # then only the fields the shop acts on are stored
    assert response.status_code == 200
    stored = PaymentNotification.objects.get().payload
    assert "customer_details" not in stored["data"]["object"]
    assert stored["data"]["object"]["payment_intent"] == "pi_test_456"
    assert "ann@example.com" not in json.dumps(stored)
