import functools
import logging

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction

from shop.notifications.channels import Channel, UnknownChannelError
from shop.notifications.models import NotificationLog
from shop.notifications.services import MAX_ATTEMPTS, notification_send
from shop.notifications.tasks import notification_deliver

pytestmark = pytest.mark.django_db


class FlakyChannel(Channel):
    """Fails the first `failures` sends, then succeeds; counts every call."""

    failures = 0
    calls = 0

    def send(self, message):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise ConnectionError("smtp down")


@pytest.fixture
def flaky_channel(settings):
    settings.NOTIFICATION_CHANNELS = {"email": f"{__name__}.FlakyChannel"}
    FlakyChannel.calls = 0
    FlakyChannel.failures = 0
    return FlakyChannel


def _send(order_context, **overrides):
    arguments = {
        "channel": "email",
        "to": "alice@example.com",
        "template": "order_paid",
        "context": order_context,
        "language": "en",
        **overrides,
    }
    return notification_send(**arguments)


def test_the_email_goes_out_after_commit_once_even_if_the_task_runs_twice(
    order_context, django_capture_on_commit_callbacks
):
    # given a notification sent inside a transaction
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_id = _send(order_context)
    assert mail.outbox == []  # nothing before commit

    # when the transaction commits and the broker then redelivers the task
    for callback in callbacks:
        callback()
    notification_deliver.apply(args=(notification_id,))

    # then exactly one e-mail went out, with text and HTML
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject, message.from_email) == (
        ["alice@example.com"],
        "Payment received for order SH-1001",
        "shop@example.com",
    )
    assert message.alternatives[0].mimetype == "text/html"
    assert "SH-1001" in message.alternatives[0].content
    assert message.extra_headers["X-Notification-Id"] == str(notification_id)
    log = NotificationLog.objects.get()
    assert (log.status, log.attempts, log.last_error) == ("sent", 1, "")
    assert log.sent_at is not None


def test_nothing_is_sent_when_the_transaction_rolls_back(order_context, django_capture_on_commit_callbacks):
    # when the caller's transaction fails after sending
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _send(order_context)
        raise RuntimeError("checkout failed")

    # then
    assert callbacks == []
    assert mail.outbox == []
    assert NotificationLog.objects.count() == 0


def test_the_same_idempotency_key_sends_once(order_context, django_capture_on_commit_callbacks):
    # when the orders app notifies twice for the same event
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(order_context, idempotency_key="order_paid:17")
        second = _send(order_context, idempotency_key="order_paid:17")

    # then
    assert first == second
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.get().idempotency_key == "order_paid:17"


def test_chinese_shopper_gets_the_chinese_email(order_context, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(order_context, template="order_shipped", language="zh-hans")

    assert mail.outbox[0].subject == "您的订单 SH-1001 已发货"
    assert NotificationLog.objects.get().language == "zh-hans"


def test_logs_hold_a_masked_address_only(order_context, django_capture_on_commit_callbacks, caplog):
    # when
    with (
        caplog.at_level(logging.INFO, logger="shop.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _send(order_context)

    # then
    records = [record for record in caplog.records if record.name.startswith("shop.notifications")]
    assert [(record.getMessage(), record.to) for record in records] == [
        ("notification queued", "a***@example.com"),
        ("notification sent", "a***@example.com"),
    ]
    for record in records:
        assert "alice@" not in repr(record.__dict__)


def _deliver_like_a_broker(notification_id, first_delivery):
    """Run the first delivery, then redeliver after every Retry the task raises (what a worker and
    the broker do; eager mode propagates Retry instead). Returns the countdowns asked for."""
    countdowns = []
    attempt = first_delivery
    for retries in range(1, 20):
        try:
            attempt()
        except Retry as retry:
            countdowns.append(retry.when)
            attempt = functools.partial(notification_deliver.apply, args=(notification_id,), retries=retries)
        else:
            return countdowns
    raise AssertionError("the task never settled")


def test_a_failing_channel_retries_a_bounded_number_of_times_then_marks_failed(
    order_context, flaky_channel, django_capture_on_commit_callbacks
):
    # given a channel that never works
    flaky_channel.failures = 100
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_id = _send(order_context)

    # when the task runs after commit and is retried as long as it asks
    countdowns = _deliver_like_a_broker(notification_id, callbacks[0])

    # then it backed off four times, made five attempts, and gave up
    log = NotificationLog.objects.get()
    assert countdowns == [30, 60, 120, 240]
    assert flaky_channel.calls == MAX_ATTEMPTS == 5
    assert (log.status, log.attempts, log.last_error) == ("failed", 5, "ConnectionError: smtp down")
    assert mail.outbox == []

    # and a redelivered task does not try again
    notification_deliver.apply(args=(log.id,))
    assert flaky_channel.calls == 5


def test_a_channel_that_recovers_sends_on_a_retry(
    order_context, flaky_channel, django_capture_on_commit_callbacks
):
    # given a channel failing twice
    flaky_channel.failures = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_id = _send(order_context)

    # when
    countdowns = _deliver_like_a_broker(notification_id, callbacks[0])

    # then
    log = NotificationLog.objects.get()
    assert countdowns == [30, 60]
    assert flaky_channel.calls == 3
    assert (log.status, log.attempts, log.last_error) == ("sent", 3, "")


def test_an_unknown_channel_is_refused(order_context):
    with pytest.raises(UnknownChannelError):
        _send(order_context, channel="pigeon")
    assert NotificationLog.objects.count() == 0


def test_a_blank_recipient_is_refused(order_context):
    with pytest.raises(ValueError, match="recipient"):
        _send(order_context, to="  ")
