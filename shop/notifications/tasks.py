from celery import shared_task

from .services import MAX_ATTEMPTS, DeliveryFailed, notification_deliver_attempt, notifications_requeue_stale


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, acks_late=True, ignore_result=True)
def notification_deliver(self, notification_id: int) -> str:
    """Deliver one NotificationLog row; idempotent (a redelivered task sends nothing twice) and
    retried with exponential backoff until the service gives up and marks the row failed."""
    try:
        return notification_deliver_attempt(notification_id=notification_id)
    except DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@shared_task(ignore_result=True)
def notifications_requeue_stale_task() -> int:
    """Periodic (beat): deliver notifications whose task message was lost."""
    return notifications_requeue_stale()
