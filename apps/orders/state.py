"""The order state machine: a plain transition table and one conditional UPDATE per transition.

Why not django-fsm-2: its transitions live on model instances and are saved with `save()`
(ConcurrentTransitionMixin then turns that save into an UPDATE ... WHERE status = <old>). Our
services work with ids, not loaded instances, write a few extra columns with the status
(`paid_at`, `refunded_total`) and must add an `OrderEvent` in the same transaction; one explicit
`filter(pk=..., status=current).update(status=new, ...)` with its row count checked does exactly
that, in a dozen lines anyone can read, without a dependency or a custom save path.

    pending_payment → paid → shipped → delivered → completed
    pending_payment → cancelled
    paid | shipped | delivered → refunded
"""

from django.db import transaction
from django.utils import timezone

from .models import Order, OrderEvent, OrderStatus

S = OrderStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.SHIPPED, S.REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.COMPLETED, S.REFUNDED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}


class OrderNotFound(Exception):  # noqa: N818
    pass


class IllegalTransition(Exception):  # noqa: N818 - a domain word
    def __init__(self, *, number: str, current: str, target: str):
        self.number, self.current, self.target = number, current, target
        super().__init__(f"order {number} cannot go from {current} to {target}")


def transition_is_legal(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def order_transition(
    *, order_id: int, target: str, actor_id: int | None = None, note: str = "", **fields
) -> str:
    """Move the order to `target` if that is legal from its current status; returns the status it
    left. Raises IllegalTransition (nothing written) when it is not, or when a concurrent change
    got there first."""
    with transaction.atomic():
        row = Order.objects.filter(pk=order_id).values_list("number", "status").first()
        if row is None:
            raise OrderNotFound(order_id)
        number, current = row
        if not transition_is_legal(current, target):
            raise IllegalTransition(number=number, current=current, target=target)
        updated = Order.objects.filter(pk=order_id, status=current).update(
            status=target, updated_at=timezone.now(), **fields
        )
        if updated != 1:
            latest = Order.objects.filter(pk=order_id).values_list("status", flat=True).first()
            raise IllegalTransition(number=number, current=latest or current, target=target)
        OrderEvent.objects.create(
            order_id=order_id, from_status=current, to_status=target, actor_id=actor_id, note=note[:255]
        )
    return current
