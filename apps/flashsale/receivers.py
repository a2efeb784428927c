"""Reactions to events: only enqueue our own task, with ids.

- orders' `order_paid`: mark the reservation paid.
- a sale saved or deleted through the ORM (the admin, the demo): its static page is published
  again (or removed) after the commit. The services' conditional UPDATEs send no signal: they call
  `sale_pages_publish_on_commit` themselves.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.orders.signals import order_paid

from .models import FlashSale
from .publishing import sale_pages_publish_on_commit


@receiver(order_paid, dispatch_uid="flashsale.order_paid")
def _order_paid(sender, order_id: int, **kwargs) -> None:
    # Sent on commit by orders; the task marks the reservation (if the order was a flash-sale one)
    # as paid, so it never expires.
    from .tasks import reservation_paid_record

    reservation_paid_record.delay(order_id)


@receiver(post_save, sender=FlashSale, dispatch_uid="flashsale.sale_saved")
@receiver(post_delete, sender=FlashSale, dispatch_uid="flashsale.sale_deleted")
def _sale_saved(sender, instance: FlashSale, raw: bool = False, **kwargs) -> None:
    if not raw:
        sale_pages_publish_on_commit(sale_id=instance.pk)
