"""Celery tasks of the payments app (queue "payments"). Thin: they take ids and call one function."""

from celery import shared_task

from apps.payments.providers.sandbox import DeliveryFailed, notification_send

# Delivery is retried with exponential backoff (2 s, 4 s, 8 s ... capped at 2 min, with jitter),
# at most 6 times; the notification keeps its event id, so a retry the shop already applied is a
# no-op there.
MAX_DELIVERY_RETRIES = 6


@shared_task(
    autoretry_for=(DeliveryFailed,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=MAX_DELIVERY_RETRIES,
    ignore_result=True,
)
def payment_sandbox_notify(*, payment_id: int, event_id: str, event_type: str, created: int) -> int:
    """The sandbox gateway signs and POSTs its notification to the shop; returns the HTTP status."""
    return notification_send(payment_id=payment_id, event_id=event_id, event_type=event_type, created=created)
