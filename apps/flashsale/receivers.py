"""Reactions to other apps' events: only enqueue our own task, with ids."""

from django.dispatch import receiver

from apps.orders.signals import order_paid


@receiver(order_paid, dispatch_uid="flashsale.order_paid")
def _order_paid(sender, order_id: int, **kwargs) -> None:
    # Sent on commit by orders; the task marks the reservation (if the order was a flash-sale one)
    # as paid, so it never expires.
    from .tasks import reservation_paid_record

    reservation_paid_record.delay(order_id)
