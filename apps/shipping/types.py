"""Frozen dataclasses and errors the shipping app hands to other apps and templates."""

from dataclasses import dataclass
from datetime import datetime


class ShippingMethodUnavailable(Exception):  # noqa: N818 - a domain word, not a programming error
    """The method does not exist, is inactive, or does not belong to the merchant asked about."""

    def __init__(self, method_id: int, merchant_id: int) -> None:
        self.method_id = method_id
        self.merchant_id = merchant_id
        super().__init__(f"shipping method {method_id} is not available for merchant {merchant_id}")


class ShipmentNotFound(Exception):  # noqa: N818
    def __init__(self, carrier: str, tracking_number: str) -> None:
        self.carrier = carrier
        self.tracking_number = tracking_number
        super().__init__(f"no shipment for carrier {carrier!r} and tracking number {tracking_number!r}")


class TrackingNumberInUse(Exception):  # noqa: N818
    """The carrier's tracking number already belongs to another order's shipment."""


@dataclass(frozen=True)
class ShippingMethodInfo:
    id: int
    merchant_id: int
    name: str
    kind: str  # "flat" | "weight" | "free_over"
    description: str  # localised, e.g. "5.00 USD per started kg"
    currency: str


@dataclass(frozen=True)
class ShipmentInfo:
    id: int
    order_id: int
    merchant_id: int
    carrier: str
    tracking_number: str
    status: str
    status_label: str
    shipped_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class TrackingEventInfo:
    status: str
    status_label: str
    location: str
    description: str
    occurred_at: datetime


@dataclass(frozen=True)
class ShipmentTimeline:
    shipment: ShipmentInfo
    events: tuple[TrackingEventInfo, ...]  # oldest first

    @property
    def latest(self) -> TrackingEventInfo | None:
        return self.events[-1] if self.events else None


@dataclass(frozen=True)
class TrackingEventResult:
    shipment_id: int
    order_id: int
    created: bool  # False: the same external id was already recorded


@dataclass(frozen=True)
class CarrierEvent:
    """One event of a carrier notification, already parsed and validated."""

    external_id: str
    status: str
    location: str
    description: str
    occurred_at: datetime


@dataclass(frozen=True)
class CarrierNotificationResult:
    order_id: int
    recorded: int
    duplicates: int
