import itertools

import pytest

from apps.orders.models import Order, OrderEvent, OrderStatus
from apps.orders.state import TRANSITIONS, IllegalTransition, order_transition
from tests.apps.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

STATUSES = list(OrderStatus.values)
ILLEGAL = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if b not in TRANSITIONS[a]]
LEGAL = [(a, b) for a in STATUSES for b in sorted(TRANSITIONS[a])]


def test_the_table_has_exactly_the_documented_transitions():
    assert sorted(LEGAL) == sorted(
        [
            ("pending_payment", "paid"),
            ("pending_payment", "cancelled"),
            ("paid", "shipped"),
            ("paid", "refunded"),
            ("shipped", "delivered"),
            ("shipped", "refunded"),
            ("delivered", "completed"),
            ("delivered", "refunded"),
        ]
    )
    assert len(ILLEGAL) == 49 - 8


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_an_illegal_transition_is_refused_with_a_clear_error_and_writes_nothing(current, target):
    order = OrderFactory(status=current, number="N-1")
    with pytest.raises(IllegalTransition) as caught:
        order_transition(order_id=order.pk, target=target)
    assert str(caught.value) == f"order N-1 cannot go from {current} to {target}"
    assert Order.objects.get(pk=order.pk).status == current
    assert OrderEvent.objects.count() == 0


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_a_legal_transition_moves_the_status_and_records_an_event(current, target):
    order = OrderFactory(status=current)
    assert order_transition(order_id=order.pk, target=target, note="why") == current
    assert Order.objects.get(pk=order.pk).status == target
    assert list(OrderEvent.objects.values_list("from_status", "to_status", "note")) == [
        (current, target, "why")
    ]
