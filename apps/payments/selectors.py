"""Reads of the payments app. Other apps get frozen PaymentInfo values, never model instances."""

from apps.payments.models import Payment
from apps.payments.types import PaymentInfo


def payment_info_from_model(payment: Payment) -> PaymentInfo:
    return PaymentInfo(
        id=payment.pk,
        checkout_id=payment.checkout_id,
        user_id=payment.user_id,
        amount=payment.amount,
        currency=payment.currency,
        provider=payment.provider,
        status=payment.status,
        refunded_amount=payment.refunded_amount,
        return_url=payment.return_url,
    )


def payment_get(*, payment_id: int) -> PaymentInfo | None:
    payment = Payment.objects.filter(pk=payment_id).first()
    return payment_info_from_model(payment) if payment else None


def payment_get_for_checkout(*, checkout_id: int) -> PaymentInfo | None:
    """The latest payment opened for a checkout (one per checkout in practice)."""
    payment = Payment.objects.filter(checkout_id=checkout_id).order_by("-pk").first()
    return payment_info_from_model(payment) if payment else None


def payment_get_by_sandbox_token(*, token: str) -> PaymentInfo | None:
    payment = Payment.objects.filter(token=token, provider="sandbox").first()
    return payment_info_from_model(payment) if payment else None
