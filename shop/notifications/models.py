"""One row per notification to deliver: what was rendered, where it goes, and how delivery went.

The task delivers by id and claims the row with a conditional UPDATE, so a redelivered task (or two
workers holding the same message) sends once.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.core.models import TimeStampedModel


class NotificationLog(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    idempotency_key = models.CharField(_("idempotency key"), max_length=150, unique=True)
    channel = models.CharField(_("channel"), max_length=30)
    recipient = models.CharField(_("recipient"), max_length=254)
    template = models.CharField(_("template"), max_length=80)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    trace_id = models.CharField(_("trace id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "created_at"], name="notification_status_created")]

    def __str__(self) -> str:
        return f"{self.template} via {self.channel} ({self.status})"
