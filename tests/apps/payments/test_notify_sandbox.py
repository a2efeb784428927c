"""POST /payments/notify/sandbox/: signature, freshness and de-duplication of notifications."""

import logging
import time
from decimal import Decimal

import pytest
from prometheus_client import REGISTRY

from apps.payments.models import Payment, PaymentNotification
from apps.payments.providers.sandbox import signature_header_build
from tests.apps.payments.factories import PaymentFactory
from tests.apps.payments.helpers import SECRET, response_json, sandbox_body, sandbox_post

pytestmark = pytest.mark.django_db


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def test_valid_succeeded_notification_marks_the_payment_succeeded_once(
    client, django_capture_on_commit_callbacks, payment_signals
):
    # given a pending payment and a correctly signed payment.succeeded notification
    payment = PaymentFactory(amount=Decimal("42.50"))
    body = sandbox_body(payment, event_id="evt_ok")

    # when it is delivered
    with django_capture_on_commit_callbacks(execute=True):
        response = sandbox_post(client, body)

    # then it is accepted, the payment succeeded and one signal was sent with the ids
    assert response.status_code == 200
    assert response_json(response) == {"received": True, "applied": True, "duplicate": False}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.capture_ref == payment.provider_ref
    assert payment.settled_at is not None
    assert payment_signals.calls == [
        ("succeeded", {"payment_id": payment.pk, "checkout_id": payment.checkout_id})
    ]
    notification = PaymentNotification.objects.get()
    assert (notification.event_id, notification.kind, notification.applied) == (
        "sandbox:evt_ok",
        "succeeded",
        True,
    )


def test_failed_notification_marks_the_payment_failed(
    client, django_capture_on_commit_callbacks, payment_signals
):
    # given a pending payment
    payment = PaymentFactory()

    # when a payment.failed notification arrives
    with django_capture_on_commit_callbacks(execute=True):
        response = sandbox_post(client, sandbox_body(payment, event_type="payment.failed"))

    # then the payment failed and payment_failed was sent
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment_signals.calls == [
        ("failed", {"payment_id": payment.pk, "checkout_id": payment.checkout_id})
    ]


def test_same_event_twice_changes_the_payment_once_and_signals_once(
    client, django_capture_on_commit_callbacks, payment_signals
):
    # given a pending payment and one notification
    payment = PaymentFactory()
    body = sandbox_body(payment, event_id="evt_dup")

    # when the gateway delivers it twice
    with django_capture_on_commit_callbacks(execute=True):
        first = sandbox_post(client, body)
    with django_capture_on_commit_callbacks(execute=True):
        second = sandbox_post(client, body)

    # then both are acknowledged, the second as a duplicate, with one state change and one signal
    assert (first.status_code, second.status_code) == (200, 200)
    assert response_json(second) == {"received": True, "applied": False, "duplicate": True}
    assert PaymentNotification.objects.count() == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert len(payment_signals.calls) == 1


def test_a_new_event_for_a_settled_payment_changes_nothing(
    client, django_capture_on_commit_callbacks, payment_signals
):
    # given a payment that already succeeded
    payment = PaymentFactory(status=Payment.Status.SUCCEEDED)

    # when a later payment.failed event (another event id) arrives
    with django_capture_on_commit_callbacks(execute=True):
        response = sandbox_post(
            client, sandbox_body(payment, event_id="evt_late", event_type="payment.failed")
        )

    # then it is recorded but the payment stays succeeded and no signal is sent
    assert response.status_code == 200
    assert response_json(response)["applied"] is False
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert payment_signals.calls == []


def _signed(payment):
    return sandbox_body(payment, event_id="evt_bad")


def _post_flipped_body(client, payment):
    body = _signed(payment)
    header = signature_header_build(raw_body=body, timestamp=int(time.time()), secret=SECRET)
    return sandbox_post(client, _flip(body, 20), header=header)


def _post_flipped_signature(client, payment):
    body = _signed(payment)
    header = signature_header_build(raw_body=body, timestamp=int(time.time()), secret=SECRET)
    flipped = header[:-1] + ("0" if header[-1] != "0" else "1")
    return sandbox_post(client, body, header=flipped)


REFUSALS = {
    "flipped byte in body": (_post_flipped_body, "invalid signature"),
    "flipped byte in signature": (_post_flipped_signature, "invalid signature"),
    "wrong secret": (
        lambda client, p: sandbox_post(client, _signed(p), secret="not-the-secret"),
        "invalid signature",
    ),
    "timestamp older than 5 minutes": (
        lambda client, p: sandbox_post(client, _signed(p), timestamp=int(time.time()) - 301),
        "stale timestamp",
    ),
    "timestamp in the future": (
        lambda client, p: sandbox_post(client, _signed(p), timestamp=int(time.time()) + 60),
        "stale timestamp",
    ),
    "missing header": (lambda client, p: sandbox_post(client, _signed(p), header=False), "invalid signature"),
    "garbage header": (
        lambda client, p: sandbox_post(client, _signed(p), header="garbage"),
        "invalid signature",
    ),
    "header without signature": (
        lambda client, p: sandbox_post(client, _signed(p), header=f"t={int(time.time())}"),
        "invalid signature",
    ),
    "non-JSON body": (lambda client, p: sandbox_post(client, b"not json at all"), "malformed notification"),
    "amount differs from the payment": (
        lambda client, p: sandbox_post(client, sandbox_body(p, amount=Decimal("1.00"))),
        "notification does not match the payment",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_bad_notification_is_refused_with_400_logged_and_changes_nothing(
    case, client, caplog, django_capture_on_commit_callbacks, payment_signals
):
    # given a pending payment
    payment = PaymentFactory()
    post, reason = REFUSALS[case]

    # when a notification that must be refused arrives
    with (
        caplog.at_level(logging.WARNING, logger="apps.payments.views"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(client, payment)

    # then 400 with the reason, one WARNING naming it (and no secret), nothing changed
    assert response.status_code == 400
    assert response_json(response) == {"error": reason}
    warnings = [r for r in caplog.records if r.name == "apps.payments.views" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith(f"payment notification refused: {reason}")
    assert SECRET not in warnings[0].getMessage()
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING
    assert PaymentNotification.objects.count() == 0
    assert payment_signals.calls == []


def test_old_timestamp_and_future_timestamp_name_their_reason_in_the_log(client, caplog):
    # given a pending payment
    payment = PaymentFactory()

    # when one notification is too old and one from the future
    with caplog.at_level(logging.WARNING, logger="apps.payments.views"):
        sandbox_post(client, _signed(payment), timestamp=int(time.time()) - 400)
        sandbox_post(client, _signed(payment), timestamp=int(time.time()) + 120)

    # then the log lines tell which
    messages = [r.getMessage() for r in caplog.records if r.name == "apps.payments.views"]
    assert messages == [
        "payment notification refused: stale timestamp (timestamp older than 5 minutes)",
        "payment notification refused: stale timestamp (timestamp in the future)",
    ]


def test_get_is_not_allowed_and_unknown_provider_is_404(client):
    # when the endpoint is read with GET, or posted to for a provider that does not exist
    get = client.get("/payments/notify/sandbox/")
    unknown = client.post("/payments/notify/paypal/", data=b"{}", content_type="application/json")

    # then 405 and 404
    assert (get.status_code, unknown.status_code) == (405, 404)


def test_notifications_are_counted_by_outcome(client, django_capture_on_commit_callbacks):
    # given the counters before, and a pending payment
    def count(outcome):
        return (
            REGISTRY.get_sample_value(
                "shop_payment_notifications_total", {"provider": "sandbox", "outcome": outcome}
            )
            or 0.0
        )

    before = {outcome: count(outcome) for outcome in ("applied", "duplicate", "rejected")}
    payment = PaymentFactory()
    body = sandbox_body(payment, event_id="evt_metrics")

    # when one valid notification arrives twice and one forged one
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_post(client, body)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_post(client, body)
    sandbox_post(client, body, secret="forged")

    # then each outcome was counted once
    assert {outcome: count(outcome) - before[outcome] for outcome in before} == {
        "applied": 1.0,
        "duplicate": 1.0,
        "rejected": 1.0,
    }
