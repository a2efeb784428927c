"""Celery tasks of orders: thin, take ids, idempotent (the services they call are)."""

import logging

from celery import shared_task

from shop.notifications.services import notification_send

from . import services
from .selectors import order_notification_context
from .state import IllegalTransition

logger = logging.getLogger(__name__)

# event -> (shopper template, merchant template or None)
# The merchant hears of a new order once it is paid (something to ship), not while it may expire.
NOTIFICATIONS = {
    "placed": ("order_placed", None),
    "paid": ("order_paid", "merchant_new_order"),
    "shipped": ("order_shipped", None),
    "refunded": ("order_refunded", None),
}


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def orders_payment_succeeded(self, checkout_id: int, payment_id: int) -> dict:
    try:
        return services.checkout_payment_succeeded(checkout_id=checkout_id, payment_id=payment_id)
    except Exception as exc:
        logger.warning("payment success handling failed", extra={"checkout_id": checkout_id})
        raise self.retry(exc=exc) from exc


@shared_task
def orders_expire_unpaid() -> int:
    return services.orders_expire_unpaid()


@shared_task
def orders_mark_delivered(order_id: int) -> None:
    try:
        services.order_mark_delivered(order_id=order_id)
    except IllegalTransition:
        logger.info("delivery for an order not shipped (or already delivered)", extra={"order_id": order_id})


@shared_task
def orders_notify(order_id: int, event: str, key: str = "", refund_amount: str = "") -> int:
    """E-mails the shopper (and, for a newly paid order, the merchant); `key` makes a redelivery
    send nothing twice."""
    return _notify(order_id, event, key, refund_amount)


@shared_task
def orders_notify_placed(order_ids: list[int]) -> int:
    """The 'order placed' e-mails of a list of orders (one checkout, or one flash-sale batch)."""
    return sum(_notify(order_id, "placed") for order_id in order_ids)


def _notify(order_id: int, event: str, key: str = "", refund_amount: str = "") -> int:
    context = order_notification_context(order_id=order_id)
    if context is None or event not in NOTIFICATIONS:
        return 0
    context["refund_amount"] = refund_amount
    merchant_context = {**context, "order_url": context["admin_order_url"]}
    shopper_template, merchant_template = NOTIFICATIONS[event]
    sent = 0
    notification_send(
        channel="email",
        to=context["shopper_email"],
        template=shopper_template,
        context=context,
        idempotency_key=f"order_{event}:{order_id}:{key}"[:100],
    )
    sent += 1
    if merchant_template and context["merchant_email"]:
        notification_send(
            channel="email",
            to=context["merchant_email"],
            template=merchant_template,
            context=merchant_context,
            idempotency_key=f"order_{event}_merchant:{order_id}:{key}"[:100],
        )
        sent += 1
    return sent
