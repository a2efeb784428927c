"""Notifications: render a template in the recipient's language, record it, deliver it after commit.

`notification_send` is what other apps call; `notification_deliver_attempt` is what the Celery
task `notification_deliver` runs. A row claimed with a conditional UPDATE is sent once, however
often its task is delivered.
"""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from shop.observability.context import get_trace_id

from .channels import Message, UnknownChannelError, channel_get, channel_names
from .masking import mask_recipient
from .models import NotificationLog

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
# A row stuck in "sending" this long (its worker died mid-send) may be claimed again.
CLAIM_TIMEOUT = timedelta(minutes=10)
TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,60}$")


@dataclass(frozen=True)
class RenderedNotification:
    subject: str
    body_text: str
    body_html: str


class DeliveryFailed(Exception):  # noqa: N818
    """A delivery attempt failed and may be retried after `retry_in` seconds."""

    def __init__(self, message: str, *, retry_in: int) -> None:
        super().__init__(message)
        self.retry_in = retry_in


def backoff_seconds(attempt: int) -> int:
    """30 s, 60 s, 120 s, ... capped at an hour."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0), BACKOFF_MAX_SECONDS)


def notification_render(*, template: str, context: dict, language: str = "en") -> RenderedNotification:
    """Render notifications/<template>_subject.txt, _body.txt and (optional) _body.html."""
    if not TEMPLATE_NAME.match(template or ""):
        raise ValueError(f"bad notification template name {template!r}")
    full_context = {"site_url": settings.SHOP_SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"notifications/{template}_subject.txt", full_context)
        body_text = render_to_string(f"notifications/{template}_body.txt", full_context)
        try:
            body_html = render_to_string(f"notifications/{template}_body.html", full_context)
        except TemplateDoesNotExist:
            body_html = ""
    # A subject is one line: e-mail headers refuse newlines.
    return RenderedNotification(
        subject=" ".join(subject.split())[:255], body_text=body_text, body_html=body_html
    )


def notification_send(
    *,
    channel: str,
    to: str,
    template: str,
    context: dict,
    language: str = "en",
    idempotency_key: str = "",
) -> int:
    """Render now, deliver after commit (nothing goes out when the caller's transaction rolls
    back). With an `idempotency_key` (e.g. "order_paid:42"), a second call returns the first
    notification's id and sends nothing more. Returns the NotificationLog id."""
    if channel not in channel_names():
        raise UnknownChannelError(f"unknown notification channel {channel!r}")
    if not (to or "").strip():
        raise ValueError("a recipient is required")
    if idempotency_key:
        existing = NotificationLog.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing.id
    rendered = notification_render(template=template, context=context, language=language)
    try:
        with transaction.atomic():
            log = NotificationLog.objects.create(
                idempotency_key=idempotency_key or f"auto:{uuid.uuid4().hex}",
                channel=channel,
                recipient=to.strip(),
                template=template,
                language=language,
                subject=rendered.subject,
                body_text=rendered.body_text,
                body_html=rendered.body_html,
                trace_id=get_trace_id() or "",
            )
    except IntegrityError:
        return NotificationLog.objects.get(idempotency_key=idempotency_key).id
    from .tasks import notification_deliver  # the task module imports this one

    transaction.on_commit(lambda: notification_deliver.delay(log.id))
    logger.info(
        "notification queued",
        extra={"notification_id": log.id, "template": template, "channel": channel, "to": mask_recipient(to)},
    )
    return log.id


def _claim(notification_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=NotificationLog.Status.QUEUED) | Q(
        status=NotificationLog.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    return bool(
        NotificationLog.objects.filter(claimable, pk=notification_id).update(
            status=NotificationLog.Status.SENDING, claimed_at=now, updated_at=now, attempts=F("attempts") + 1
        )
    )


def _message_of(log: NotificationLog) -> Message:
    return Message(
        to=log.recipient,
        subject=log.subject,
        body_text=log.body_text,
        body_html=log.body_html,
        kind=log.template,
        notification_id=log.id,
        trace_id=log.trace_id or get_trace_id() or "",
    )


def _failure(log: NotificationLog, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:255]
    log_extra = {"notification_id": log.id, "attempt": log.attempts, "to": mask_recipient(log.recipient)}
    if log.attempts >= MAX_ATTEMPTS:
        NotificationLog.objects.filter(pk=log.pk).update(
            status=NotificationLog.Status.FAILED, last_error=error, updated_at=timezone.now()
        )
        logger.error("notification failed for good", extra={**log_extra, "error": type(exc).__name__})
        return
    NotificationLog.objects.filter(pk=log.pk).update(
        status=NotificationLog.Status.QUEUED, last_error=error, updated_at=timezone.now()
    )
    retry_in = backoff_seconds(log.attempts)
    logger.warning("notification attempt failed", extra={**log_extra, "retry_in": retry_in})
    raise DeliveryFailed(error, retry_in=retry_in) from exc


def notification_deliver_attempt(*, notification_id: int) -> str:
    """One delivery attempt. Returns "sent", "failed" (attempts used up) or "skipped" (already
    sent, failed or being sent); raises DeliveryFailed when the task should retry."""
    if not _claim(notification_id):
        return "skipped"
    log = NotificationLog.objects.get(pk=notification_id)
    try:
        channel_get(log.channel).send(_message_of(log))
    except Exception as exc:  # any channel error counts as a failed attempt
        _failure(log, exc)
        return "failed"
    NotificationLog.objects.filter(pk=log.pk, status=NotificationLog.Status.SENDING).update(
        status=NotificationLog.Status.SENT, sent_at=timezone.now(), updated_at=timezone.now(), last_error=""
    )
    logger.info(
        "notification sent",
        extra={"notification_id": log.id, "attempt": log.attempts, "to": mask_recipient(log.recipient)},
    )
    return "sent"


def notifications_requeue_stale(*, older_than: timedelta = CLAIM_TIMEOUT) -> int:
    """Re-enqueue notifications whose task was lost (a queued row nobody delivered, or a row left
    "sending" by a worker that died). A periodic task calls this; returns how many it re-enqueued."""
    from .tasks import notification_deliver

    cutoff = timezone.now() - older_than
    stale_ids = list(
        NotificationLog.objects.filter(
            Q(status=NotificationLog.Status.QUEUED, updated_at__lt=cutoff)
            | Q(status=NotificationLog.Status.SENDING, claimed_at__lt=cutoff)
        ).values_list("id", flat=True)[:500]
    )
    for notification_id in stale_ids:
        notification_deliver.delay(notification_id)
    return len(stale_ids)
