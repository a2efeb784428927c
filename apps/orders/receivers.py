"""Receivers only enqueue this app's tasks, with ids, after commit.

`robust=True`: a broker hiccup while enqueueing an e-mail must not turn the shopper's committed
checkout into an error page; it is logged instead. The payment task is enqueued without it, so a
failure there surfaces to the payments notification endpoint rather than vanishing.
"""

from django.db import transaction
from django.dispatch import receiver

from apps.payments.signals import payment_succeeded
from apps.shipping.signals import shipment_delivered

from .signals import order_paid, order_placed, order_refunded, order_shipped


@receiver(payment_succeeded, dispatch_uid="orders_on_payment_succeeded")
def on_payment_succeeded(sender, payment_id: int, checkout_id: int, **kwargs) -> None:
    from .tasks import orders_payment_succeeded

    transaction.on_commit(lambda: orders_payment_succeeded.delay(checkout_id, payment_id))


@receiver(shipment_delivered, dispatch_uid="orders_on_shipment_delivered")
def on_shipment_delivered(sender, order_id: int, **kwargs) -> None:
    from .tasks import orders_mark_delivered

    transaction.on_commit(lambda: orders_mark_delivered.delay(order_id))


def _notify(order_id: int, event: str, key: str = "", refund_amount: str = "") -> None:
    from .tasks import orders_notify

    transaction.on_commit(lambda: orders_notify.delay(order_id, event, key, refund_amount), robust=True)


@receiver(order_placed, dispatch_uid="orders_notify_placed")
def on_order_placed(sender, order_ids, **kwargs) -> None:
    # One message for the whole list: a flash-sale batch places hundreds of orders at once, and a
    # publish per order would cost the drain more than the orders themselves.
    from .tasks import orders_notify_placed

    ids = list(order_ids)
    transaction.on_commit(lambda: orders_notify_placed.delay(ids), robust=True)


@receiver(order_paid, dispatch_uid="orders_notify_paid")
def on_order_paid(sender, order_id: int, **kwargs) -> None:
    _notify(order_id, "paid")


@receiver(order_shipped, dispatch_uid="orders_notify_shipped")
def on_order_shipped(sender, order_id: int, **kwargs) -> None:
    _notify(order_id, "shipped")


@receiver(order_refunded, dispatch_uid="orders_notify_refunded")
def on_order_refunded(sender, order_id: int, amount, refunded_total, **kwargs) -> None:
    _notify(order_id, "refunded", str(refunded_total), str(amount))
