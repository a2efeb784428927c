"""Types of the flash-sale entry into orders (re-exported by apps.orders.types)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class ReservationOrderRequest:
    """One reservation a flash-sale worker turns into an order (values copied at purchase time)."""

    reservation_id: str
    user_id: int
    merchant_id: int
    variant_id: int
    product_id: int
    name: str
    sku: str
    unit_price: Decimal
    currency: str
    quantity: int
    weight_grams: int
    expires_at: datetime


@dataclass(frozen=True)
class ReservationOrder:
    reservation_id: str
    order_id: int
    number: str
    checkout_id: int
    created: bool  # False when an earlier delivery of the same reservation created it
