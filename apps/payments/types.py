"""Frozen dataclasses the payments app hands to other apps and to its own views."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PaymentStart:
    """What checkout needs after creating a payment: where to send the shopper."""

    payment_id: int
    redirect_url: str


@dataclass(frozen=True)
class PaymentInfo:
    id: int
    checkout_id: int
    user_id: int | None
    amount: Decimal
    currency: str
    provider: str
    status: str
    refunded_amount: Decimal
    return_url: str

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.refunded_amount

    @property
    def is_settled(self) -> bool:
        return self.status != "pending"


@dataclass(frozen=True)
class RefundResult:
    refund_id: int
    payment_id: int
    amount: Decimal
    currency: str
    refunded_total: Decimal
    payment_status: str
    provider_ref: str


@dataclass(frozen=True)
class NotificationResult:
    """The outcome of one provider notification that passed verification.

    `applied` is True only for the one delivery that changed the payment's state; a duplicate
    (same event id) or a notification for a payment that already left `pending` gives False.
    """

    event_id: str
    kind: str
    payment_id: int | None
    applied: bool
    duplicate: bool
