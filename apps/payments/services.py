"""Commands of the payments app: open a payment, apply a provider notification, refund.

Money moves only by conditional UPDATEs (`status = pending` for settling, `refunded_amount <=
amount - n` for refunding) with the row count checked, so concurrent deliveries and refunds can
neither settle a payment twice nor refund more than was captured. Signals and metrics fire in
`transaction.on_commit`.
"""

import logging
import secrets
import time
from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from apps.payments import metrics, signals
from apps.payments.errors import (
    InvalidPaymentAmount,
    InvalidRefundAmount,
    InvalidSignature,
    MalformedNotification,
    NotificationMismatch,
    NotificationRejected,
    PaymentError,
    PaymentNotFound,
    ProviderError,
    RefundExceedsCaptured,
    RefundNotAllowed,
    StaleNotification,
    UnknownProvider,
)
from apps.payments.models import Payment, PaymentNotification, Refund
from apps.payments.providers.base import KIND_FAILED, KIND_SUCCEEDED, Notification, provider_get
from apps.payments.selectors import payment_info_from_model
from apps.payments.types import NotificationResult, PaymentInfo, PaymentStart, RefundResult
from shop.core.money import quantize

__all__ = [
    "InvalidPaymentAmount",
    "InvalidRefundAmount",
    "InvalidSignature",
    "MalformedNotification",
    "NotificationMismatch",
    "NotificationRejected",
    "PaymentError",
    "PaymentNotFound",
    "ProviderError",
    "RefundExceedsCaptured",
    "RefundNotAllowed",
    "StaleNotification",
    "UnknownProvider",
    "payment_create",
    "payment_notification_handle",
    "payment_refund",
    "sandbox_payment_decide",
]

logger = logging.getLogger(__name__)

REFUNDABLE_STATUSES = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)
SANDBOX_PAY = "pay"
SANDBOX_DECLINE = "decline"


def _amount_clean(amount: object, error: type[PaymentError]) -> Decimal:
    if isinstance(amount, int) and not isinstance(amount, bool):
        amount = Decimal(amount)
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or quantize(amount) != amount:
        raise error(amount)
    return quantize(amount)


def payment_create(
    *,
    checkout_id: int,
    user_id: int | None,
    amount: Decimal,
    currency: str,
    provider: str,
    return_url: str = "",
) -> PaymentStart:
    """Open a payment for a checkout and return where to send the shopper.

    Meant to run inside the caller's checkout transaction: if that rolls back, so does the payment.
    Raises UnknownProvider, InvalidPaymentAmount or ProviderError (Stripe refused or unreachable).
    """
    amount = _amount_clean(amount, InvalidPaymentAmount)
    adapter = provider_get(provider)
    with transaction.atomic():
        payment = Payment.objects.create(
            checkout_id=checkout_id,
            user_id=user_id,
            amount=amount,
            currency=currency.upper(),
            provider=provider,
            token=secrets.token_urlsafe(32),
            return_url=return_url,
        )
        redirect_url, provider_ref = adapter.start(payment)
        Payment.objects.filter(pk=payment.pk).update(provider_ref=provider_ref)
        transaction.on_commit(lambda: metrics.payments_created.labels(provider).inc())
    return PaymentStart(payment_id=payment.pk, redirect_url=redirect_url)


def payment_notification_handle(
    *, provider: str, raw_body: bytes, headers: Mapping[str, str]
) -> NotificationResult:
    """Verify a provider notification, record it once by event id and apply it.

    Raises NotificationRejected (InvalidSignature, StaleNotification, MalformedNotification,
    NotificationMismatch) when it must be refused; nothing is written then.
    """
    notification = provider_get(provider).verify_notification(raw_body, headers)
    with transaction.atomic():
        payment = _notification_payment(provider=provider, notification=notification)
        try:
            with transaction.atomic():
                record = PaymentNotification.objects.create(
                    event_id=notification.event_id,
                    provider=provider,
                    kind=notification.kind,
                    payment=payment,
                    payload=notification.payload,
                )
        except IntegrityError:
            transaction.on_commit(lambda: metrics.payment_notifications.labels(provider, "duplicate").inc())
            return NotificationResult(
                event_id=notification.event_id,
                kind=notification.kind,
                payment_id=notification.payment_id,
                applied=False,
                duplicate=True,
            )
        applied = payment is not None and _payment_settle(payment=payment, notification=notification)
        if applied:
            PaymentNotification.objects.filter(pk=record.pk).update(applied=True)
        outcome = "applied" if applied else "unchanged"
        transaction.on_commit(lambda: metrics.payment_notifications.labels(provider, outcome).inc())
    return NotificationResult(
        event_id=notification.event_id,
        kind=notification.kind,
        payment_id=notification.payment_id,
        applied=applied,
        duplicate=False,
    )


def _notification_payment(*, provider: str, notification: Notification) -> Payment | None:
    if notification.payment_id is None:
        return None
    payment = Payment.objects.filter(pk=notification.payment_id, provider=provider).first()
    if payment is None:
        raise NotificationMismatch(f"unknown payment {notification.payment_id}")
    if notification.amount is not None and (
        notification.amount != payment.amount or notification.currency.upper() != payment.currency
    ):
        raise NotificationMismatch(f"amount or currency differs for payment {payment.pk}")
    return payment


def _payment_settle(*, payment: Payment, notification: Notification) -> bool:
    """pending -> succeeded/failed, once, whatever the number of deliveries racing here."""
    if notification.kind not in (KIND_SUCCEEDED, KIND_FAILED):
        return False
    succeeded = notification.kind == KIND_SUCCEEDED
    fields = {
        "status": Payment.Status.SUCCEEDED if succeeded else Payment.Status.FAILED,
        "settled_at": timezone.now(),
        "updated_at": timezone.now(),
    }
    if succeeded and notification.provider_ref:
        fields["capture_ref"] = notification.provider_ref
    rows = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(**fields)
    if rows != 1:
        if succeeded and payment.status == Payment.Status.FAILED:
            # Money captured for a payment the shop already gave up on: someone must refund it.
            logger.error("payment succeeded after it failed", extra={"payment_id": payment.pk})
        return False
    signal = signals.payment_succeeded if succeeded else signals.payment_failed
    status = fields["status"]
    payment_id, checkout_id, provider = payment.pk, payment.checkout_id, payment.provider

    def _after_commit() -> None:
        metrics.payments_settled.labels(provider, status).inc()
        signal.send(sender=Payment, payment_id=payment_id, checkout_id=checkout_id)

    transaction.on_commit(_after_commit)
    return True


def payment_refund(
    *, payment_id: int, amount: Decimal, reason: str, order_id: int | None = None
) -> RefundResult:
    """Refund part or all of what a payment captured, never more than captured minus refunded.

    Raises InvalidRefundAmount, PaymentNotFound, RefundNotAllowed (pending, failed or fully
    refunded), RefundExceedsCaptured or ProviderError; nothing is written then. The provider is
    called inside the transaction on purpose: the row stays locked by the UPDATE until the provider
    answered, so two refunds of one payment reach the provider one after the other, and a refusal
    rolls the bookkeeping back.
    """
    amount = _amount_clean(amount, InvalidRefundAmount)
    with transaction.atomic():
        rows = Payment.objects.filter(
            pk=payment_id, status__in=REFUNDABLE_STATUSES, refunded_amount__lte=F("amount") - amount
        ).update(
            refunded_amount=F("refunded_amount") + amount,
            status=Case(
                When(amount__lte=F("refunded_amount") + amount, then=Value(Payment.Status.REFUNDED)),
                default=Value(Payment.Status.PARTIALLY_REFUNDED),
            ),
            updated_at=timezone.now(),
        )
        if rows != 1:
            _refund_refuse(payment_id=payment_id, amount=amount)
        payment = Payment.objects.get(pk=payment_id)
        refund = Refund.objects.create(
            payment=payment, amount=amount, currency=payment.currency, reason=reason[:255], order_id=order_id
        )
        provider_ref = provider_get(payment.provider).refund(
            payment, amount, idempotency_key=f"shop-refund-{payment.pk}-{refund.pk}"
        )
        Refund.objects.filter(pk=refund.pk).update(provider_ref=provider_ref)
        fully = payment.status == Payment.Status.REFUNDED
        checkout_id, provider, refund_id = payment.checkout_id, payment.provider, refund.pk

        def _after_commit() -> None:
            metrics.refunds.labels(provider).inc()
            signals.payment_refunded.send(
                sender=Payment,
                payment_id=payment_id,
                checkout_id=checkout_id,
                refund_id=refund_id,
                amount=amount,
                order_id=order_id,
                fully_refunded=fully,
            )

        transaction.on_commit(_after_commit)
    return RefundResult(
        refund_id=refund.pk,
        payment_id=payment.pk,
        amount=amount,
        currency=payment.currency,
        refunded_total=payment.refunded_amount,
        payment_status=payment.status,
        provider_ref=provider_ref,
    )


def _refund_refuse(*, payment_id: int, amount: Decimal) -> None:
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise PaymentNotFound(payment_id)
    if payment.status not in REFUNDABLE_STATUSES:
        metrics.refunds_refused.labels("not_captured").inc()
        raise RefundNotAllowed(payment_id, payment.status)
    metrics.refunds_refused.labels("exceeds_captured").inc()
    raise RefundExceedsCaptured(payment_id, amount, payment.amount - payment.refunded_amount)


def sandbox_payment_decide(*, token: str, pay: bool) -> PaymentInfo:
    """The sandbox gateway records the shopper's choice (once) and, after commit, enqueues the
    signed notification to the shop. Nothing is marked paid here: only the notification does that.
    Raises PaymentNotFound(0) for an unknown token.
    """
    from apps.payments.tasks import payment_sandbox_notify

    decision = SANDBOX_PAY if pay else SANDBOX_DECLINE
    with transaction.atomic():
        rows = Payment.objects.filter(
            token=token, provider="sandbox", status=Payment.Status.PENDING, sandbox_decision=""
        ).update(sandbox_decision=decision, updated_at=timezone.now())
        payment = Payment.objects.filter(token=token, provider="sandbox").first()
        if payment is None:
            raise PaymentNotFound(0)
        if rows == 1:
            event_type = "payment.succeeded" if pay else "payment.failed"
            kwargs = {
                "payment_id": payment.pk,
                "event_id": f"evt_{secrets.token_hex(16)}",
                "event_type": event_type,
                "created": int(time.time()),
            }
            transaction.on_commit(lambda: payment_sandbox_notify.delay(**kwargs))
    return payment_info_from_model(payment)
