"""Events the payments app sends. Every send happens in `transaction.on_commit`, so a receiver
never sees a payment state that was rolled back. Receivers should only enqueue their own task.

- `payment_succeeded(payment_id: int, checkout_id: int)`: the provider confirmed the money.
- `payment_failed(payment_id: int, checkout_id: int)`: the shopper declined or the provider refused.
- `payment_refunded(payment_id: int, checkout_id: int, refund_id: int, amount: Decimal,
  order_id: int | None, fully_refunded: bool)`: a refund was recorded and sent to the provider.
"""

from django.dispatch import Signal

payment_succeeded = Signal()
payment_failed = Signal()
payment_refunded = Signal()
