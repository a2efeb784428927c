from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from shop.notifications.models import NotificationLog
from shop.notifications.services import notifications_requeue_stale

pytestmark = pytest.mark.django_db


def _log(key, status, *, age_minutes, claimed_minutes_ago=None):
    now = timezone.now()
    log = NotificationLog.objects.create(
        idempotency_key=key,
        channel="email",
        recipient=f"{key}@example.com",
        template="order_paid",
        language="en",
        subject=f"Subject {key}",
        body_text="Body",
        status=status,
        claimed_at=None if claimed_minutes_ago is None else now - timedelta(minutes=claimed_minutes_ago),
    )
    NotificationLog.objects.filter(pk=log.pk).update(updated_at=now - timedelta(minutes=age_minutes))
    return log


def test_lost_notifications_are_delivered_and_fresh_or_finished_ones_left_alone():
    # given a queued row nobody delivered, a row left "sending" by a dead worker, a fresh queued
    # row (its task is on the way), and a sent one
    _log("lost", "queued", age_minutes=30)
    _log("crashed", "sending", age_minutes=30, claimed_minutes_ago=30)
    _log("fresh", "queued", age_minutes=1)
    _log("done", "sent", age_minutes=30)

    # when
    requeued = notifications_requeue_stale()

    # then (eager Celery in tests: the tasks ran)
    assert requeued == 2
    assert sorted(message.subject for message in mail.outbox) == ["Subject crashed", "Subject lost"]
    assert dict(NotificationLog.objects.values_list("idempotency_key", "status")) == {
        "lost": "sent",
        "crashed": "sent",
        "fresh": "queued",
        "done": "sent",
    }
