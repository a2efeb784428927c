"""Frozen dataclasses the orders app hands to views, the API and other apps."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from apps.cart.types import CartLineView
from apps.shipping.types import ShipmentTimeline, ShippingMethodInfo


@dataclass(frozen=True)
class MerchantGroup:
    """One future order: a merchant's lines, its shipping choice and its server-computed totals."""

    merchant_id: int
    merchant_name: str
    lines: tuple[CartLineView, ...]
    methods: tuple[ShippingMethodInfo, ...]
    method_id: int | None
    method_name: str
    weight_grams: int
    subtotal: Decimal
    shipping: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping


@dataclass(frozen=True)
class CheckoutSummary:
    groups: tuple[MerchantGroup, ...]
    currency: str
    notices: tuple[str, ...]

    @property
    def subtotal(self) -> Decimal:
        return sum((group.subtotal for group in self.groups), Decimal("0.00"))

    @property
    def shipping_total(self) -> Decimal:
        return sum((group.shipping for group in self.groups), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_total

    @property
    def is_empty(self) -> bool:
        return not self.groups


@dataclass(frozen=True)
class CheckoutResult:
    checkout_id: int
    order_numbers: tuple[str, ...]
    payment_id: int
    redirect_url: str
    total: Decimal
    currency: str
    replayed: bool = False  # True when an earlier request with the same key placed it

    def as_json(self) -> dict:
        return {
            "checkout_id": self.checkout_id,
            "order_numbers": list(self.order_numbers),
            "payment_id": self.payment_id,
            "redirect_url": self.redirect_url,
            "total": str(self.total),
            "currency": self.currency,
        }

    @classmethod
    def from_json(cls, data: dict, *, replayed: bool) -> "CheckoutResult":
        return cls(
            checkout_id=data["checkout_id"],
            order_numbers=tuple(data["order_numbers"]),
            payment_id=data["payment_id"],
            redirect_url=data["redirect_url"],
            total=Decimal(data["total"]),
            currency=data["currency"],
            replayed=replayed,
        )


@dataclass(frozen=True)
class OrderLineInfo:
    variant_id: int
    product_id: int
    name: str
    sku: str
    unit_price: Decimal
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class OrderEventInfo:
    from_status: str
    to_status: str
    to_status_label: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class OrderSummary:
    id: int
    number: str
    status: str
    status_label: str
    merchant_name: str
    total: Decimal
    currency: str
    created_at: datetime
    item_count: int


@dataclass(frozen=True)
class OrderDetail:
    id: int
    number: str
    checkout_id: int | None
    status: str
    status_label: str
    merchant_id: int
    merchant_name: str
    subtotal: Decimal
    shipping_total: Decimal
    total: Decimal
    refunded_total: Decimal
    currency: str
    shipping_address: dict
    shipping_method_name: str
    created_at: datetime
    paid_at: datetime | None
    expires_at: datetime | None
    lines: tuple[OrderLineInfo, ...]
    events: tuple[OrderEventInfo, ...]
    timeline: ShipmentTimeline | None


from apps.orders.types_flashsale import ReservationOrder, ReservationOrderRequest  # noqa: E402,F401
