"""The sandbox's real delivery path: a signed HTTP POST (urllib) to a live server."""

import socket
import time

import pytest

from apps.payments.models import Payment
from apps.payments.providers.sandbox import DeliveryFailed, notification_deliver_http
from apps.payments.tasks import MAX_DELIVERY_RETRIES, payment_sandbox_notify
from tests.apps.payments.factories import PaymentFactory

HTTP_DELIVERY = "apps.payments.providers.sandbox.notification_deliver_http"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_notification_reaches_the_shop_over_http_and_settles_the_payment(live_server, settings):
    # given the shop served by a live server and the real HTTP delivery
    settings.SHOP_SITE_URL = live_server.url
    settings.SHOP_PAYMENT_SANDBOX_DELIVERY = HTTP_DELIVERY
    payment = PaymentFactory()

    # when the sandbox's task delivers a payment.succeeded notification
    # (disable_sync_subtasks=False: Celery's "joining inside a task" guard is a process-wide flag,
    # and the live server's thread runs eager tasks of its own while this one waits.)
    status = payment_sandbox_notify.delay(
        payment_id=payment.pk, event_id="evt_http", event_type="payment.succeeded", created=int(time.time())
    ).get(disable_sync_subtasks=False)

    # then the shop answered 200 and the payment succeeded
    assert status == 200
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_refused_notification_is_not_retried(live_server, settings):
    # given a live shop that does not share the gateway's secret
    settings.SHOP_SITE_URL = live_server.url
    settings.SHOP_PAYMENT_SANDBOX_DELIVERY = HTTP_DELIVERY
    payment = PaymentFactory()
    url = f"{live_server.url}/payments/notify/sandbox/"

    # when a wrongly signed notification is POSTed
    status = notification_deliver_http(url=url, raw_body=b"{}", headers={"Sandbox-Signature": "t=1,v1=00"})

    # then the shop's 400 is returned as final, and nothing changed
    assert status == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING


def test_an_unreachable_shop_raises_delivery_failed_for_the_retry():
    # given a port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    # when the gateway tries to deliver there, it raises the error the task retries on
    with pytest.raises(DeliveryFailed):
        notification_deliver_http(
            url=f"http://127.0.0.1:{port}/payments/notify/sandbox/", raw_body=b"{}", headers={}
        )


def test_only_http_urls_are_delivered_to():
    with pytest.raises(ValueError):
        notification_deliver_http(url="file:///etc/passwd", raw_body=b"{}", headers={})


ATTEMPTS: list[int] = []


def flaky_delivery(*, url, raw_body, headers):
    """Fails twice like a shop that is briefly down, then accepts."""
    ATTEMPTS.append(1)
    if len(ATTEMPTS) < 3:
        raise DeliveryFailed("shop answered 503")
    return 200


def always_down(*, url, raw_body, headers):
    ATTEMPTS.append(1)
    raise DeliveryFailed("shop answered 503")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delivery", "expected_attempts"), [("flaky_delivery", 3), ("always_down", 1 + MAX_DELIVERY_RETRIES)]
)
def test_the_task_retries_delivery_failures_a_bounded_number_of_times(
    delivery, expected_attempts, settings, monkeypatch
):
    # given a delivery that fails (twice, or always) and no real waiting between attempts
    settings.SHOP_PAYMENT_SANDBOX_DELIVERY = f"{__name__}.{delivery}"
    monkeypatch.setattr(payment_sandbox_notify, "retry_jitter", False)
    # Celery's eager mode re-applies a retry in place unless it propagates the Retry instead.
    monkeypatch.setattr(payment_sandbox_notify.app.conf, "task_eager_propagates", False)
    ATTEMPTS.clear()
    payment = PaymentFactory()

    # when the task runs (eagerly)
    payment_sandbox_notify.apply(
        kwargs={"payment_id": payment.pk, "event_id": "e", "event_type": "payment.succeeded", "created": 1}
    )

    # then it tried until it was accepted, or gave up after the bounded number of retries
    assert len(ATTEMPTS) == expected_attempts
