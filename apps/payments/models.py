"""Payments: one Payment per checkout (across merchants), the provider notifications it received
(de-duplicated by the provider's event id) and the refunds taken from it.

A checkout is referred to by id only (it lives in apps.orders). Money columns are Decimal with a
currency; `refunded_amount` only ever moves through a conditional UPDATE (see services).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shop.core.models import TimeStampedModel
from shop.core.money import CurrencyField, MoneyField


class Payment(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        PARTIALLY_REFUNDED = "partially_refunded", _("partially refunded")
        REFUNDED = "refunded", _("refunded")

    checkout_id = models.PositiveBigIntegerField(_("checkout"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("user"),
    )
    amount = MoneyField(verbose_name=_("amount"))
    currency = CurrencyField(verbose_name=_("currency"))
    provider = models.CharField(_("provider"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # The provider's reference of the payment attempt (sandbox charge, Stripe Checkout Session).
    provider_ref = models.CharField(_("provider reference"), max_length=255, blank=True, db_index=True)
    # The provider's reference of the captured money (Stripe PaymentIntent), known once it succeeded.
    capture_ref = models.CharField(_("capture reference"), max_length=255, blank=True)
    # Unguessable, bound to this payment: the sandbox hosted page is reached through it.
    token = models.CharField(_("token"), max_length=64, unique=True)
    # What the sandbox's shopper chose on its hosted page; set once, by conditional UPDATE.
    sandbox_decision = models.CharField(_("sandbox decision"), max_length=10, blank=True)
    return_url = models.CharField(_("return URL"), max_length=500, blank=True)
    refunded_amount = MoneyField(verbose_name=_("refunded amount"), default=0)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="payment_refunded_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.pk} ({self.amount} {self.currency}, {self.status})"


class PaymentNotification(models.Model):
    """Every verified notification, once: the unique event id makes a redelivery a no-op."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    provider = models.CharField(_("provider"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("payment"),
    )
    applied = models.BooleanField(_("changed the payment"), default=False)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.event_id}"


class Refund(models.Model):
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment")
    )
    amount = MoneyField(verbose_name=_("amount"))
    currency = CurrencyField(verbose_name=_("currency"))
    reason = models.CharField(_("reason"), max_length=255)
    order_id = models.PositiveBigIntegerField(_("order"), null=True, blank=True, db_index=True)
    provider_ref = models.CharField(_("provider reference"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"refund {self.pk} of {self.amount} {self.currency}"
