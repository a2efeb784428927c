from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CartLineView:
    line_id: int
    variant_id: int
    product_id: int
    merchant_id: int
    merchant_name: str
    product_name: str
    variant_name: str
    sku: str
    unit_price: Decimal
    currency: str
    quantity: int
    max_per_order: int
    weight_grams: int
    thumbnail_url: str
    product_url: str

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class CartView:
    """The cart repriced from the catalog; `notices` names every change since the shopper last
    looked (price, availability, quantity cut to what is left)."""

    cart_id: int | None
    lines: tuple[CartLineView, ...]
    notices: tuple[str, ...]
    currency: str

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def changed(self) -> bool:
        return bool(self.notices)
