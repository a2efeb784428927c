"""Events of the orders app, each sent in `transaction.on_commit` with ids only (sender="orders").

- `order_placed(order_ids: list[int], checkout_id: int | None)`
- `order_paid(order_id: int)`
- `order_shipped(order_id: int)`
- `order_refunded(order_id: int, amount: Decimal, refunded_total: Decimal)`
"""

from django.dispatch import Signal

order_placed = Signal()
order_paid = Signal()
order_shipped = Signal()
order_refunded = Signal()
