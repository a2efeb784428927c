"""Frozen dataclasses the flash-sale engine hands to its views, commands and to other apps."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class SaleWindow:
    """What the buy path needs to know about a sale, cached per process for a second.

    `availability`: "redis" (Redis holds the sale: trust state and times), "unknown" (no such sale),
    "unavailable" (the sale should be on but Redis lost it: 503 until reconciliation rebuilds it),
    or the database state of a sale Redis does not hold ("draft", "ended")."""

    sale_id: int
    availability: str
    state: str = ""
    starts_at_ms: int = 0
    ends_at_ms: int = 0
    limit: int = 0


@dataclass(frozen=True)
class AdmissionResult:
    """The answer to one buy request.

    outcome: admitted | sold_out | over_limit | not_started | ended | paused | unknown_sale |
    bad_quantity | rate_limited | busy | unavailable"""

    outcome: str
    reservation_id: str = ""
    units_left: int | None = None
    limit: int | None = None

    @property
    def admitted(self) -> bool:
        return self.outcome == "admitted"


@dataclass(frozen=True)
class LiveState:
    """The small live part of a sale page (served as JSON, cached for a second)."""

    sale_id: int
    state: str  # not_started | live | sold_out | paused | ended
    units_left: int
    units: int
    starts_at: datetime
    ends_at: datetime

    def as_json(self) -> dict:
        return {
            "sale_id": self.sale_id,
            "state": self.state,
            "units_left": self.units_left,
            "units": self.units,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
        }


@dataclass(frozen=True)
class ReservationView:
    reservation_id: str
    sale_id: int
    status: str  # pending | ordered | failed | expired (and "paid" once its order is paid)
    status_label: str
    quantity: int
    order_id: int | None = None
    order_number: str = ""
    expires_at: datetime | None = None
    failure_reason: str = ""


@dataclass(frozen=True)
class DrainResult:
    read: int = 0
    ordered: int = 0
    duplicates: int = 0
    failed: int = 0
    malformed: int = 0

    def __add__(self, other: "DrainResult") -> "DrainResult":
        return DrainResult(
            read=self.read + other.read,
            ordered=self.ordered + other.ordered,
            duplicates=self.duplicates + other.duplicates,
            failed=self.failed + other.failed,
            malformed=self.malformed + other.malformed,
        )


@dataclass(frozen=True)
class ReconcileReport:
    """units = Redis stock + in flight (admitted, not yet written) + ordered (pending payment or paid).

    For an ended sale Redis no longer counts: units = left (db) + ordered + returned to stock."""

    sale_id: int
    state: str
    units: int
    redis_present: bool
    redis_stock: int
    in_flight: int
    ordered: int
    paid: int
    expired: int
    failed: int
    units_left_db: int
    units_returned: int
    drift: int
    db_drift: int
    rebuilt: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.drift == 0 and self.db_drift == 0 and (self.redis_present or self.state == "ended")


@dataclass(frozen=True)
class LiveStats:
    sale_id: int
    title: str
    state: str
    units: int
    units_left_redis: int
    units_left_db: int
    queue_depth: int
    pending_in_workers: int
    orders_created: int
    orders_paid: int
    orders_expired: int
    reservations_failed: int
    drift: int
    per_second: tuple[dict, ...]
    sale_price: Decimal
    currency: str
