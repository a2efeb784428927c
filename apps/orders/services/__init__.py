"""Write side of orders (the app's public face for other apps): checkout and the order lifecycle."""

from .checkout import checkout_place, idempotency_key_new
from .errors import (
    AddressInvalid,
    CartChanged,
    CartEmpty,
    CheckoutError,
    IdempotencyKeyInvalid,
    IllegalTransition,
    OrderNotFound,
    OutOfStock,
    RefundInvalid,
    ShippingMethodInvalid,
    TotalMismatch,
)
from .lifecycle import (
    checkout_payment_succeeded,
    order_cancel,
    order_complete,
    order_mark_delivered,
    order_mark_paid,
    order_refund,
    order_refund_late_payment,
    order_ship,
    orders_expire_unpaid,
)

__all__ = [
    "AddressInvalid",
    "CartChanged",
    "CartEmpty",
    "CheckoutError",
    "IdempotencyKeyInvalid",
    "IllegalTransition",
    "OrderNotFound",
    "OutOfStock",
    "RefundInvalid",
    "ShippingMethodInvalid",
    "TotalMismatch",
    "checkout_payment_succeeded",
    "checkout_place",
    "idempotency_key_new",
    "order_cancel",
    "order_complete",
    "order_mark_delivered",
    "order_mark_paid",
    "order_refund",
    "order_refund_late_payment",
    "order_ship",
    "orders_expire_unpaid",
]

from apps.orders.flashsale import (  # noqa: F401 - the flash-sale entry (apps.flashsale owns it)
    FlashOrderNotPayable,
    order_create_for_reservations,
    order_flash_payment_start,
)
