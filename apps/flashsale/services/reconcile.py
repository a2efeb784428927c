"""Reconciliation: does every unit of a sale have exactly one place?

    units = left in Redis + in flight (admitted, not yet written) + ordered (pending payment or paid)

in flight = Redis's `admitted` counter (every unit the script ever handed out) minus every unit
PostgreSQL has a reservation row for. PostgreSQL checks itself too:

    units = units_left_db + ordered + units_returned

Redis is read in one MULTI, then PostgreSQL; an expiry committing in between can show a drift of
a unit for an instant, so a drift is measured twice before it is reported.

`rebuild=True` (or Redis having lost the sale) reloads Redis from PostgreSQL
(`flash_sale_redis_rebuild`: pause, write what is in flight, load, resume).
"""

import logging

from django.db.models import Count, Q, Sum

from .. import redis_store
from ..models import FlashSale, FlashSaleState, Reservation, ReservationStatus
from ..types import ReconcileReport
from .arming import ACTIVE, flash_sale_redis_rebuild
from .errors import FlashSaleNotFound

logger = logging.getLogger(__name__)
R = ReservationStatus


def _db_counts(sale_id: int) -> dict[str, int]:
    counts = Reservation.objects.filter(sale_id=sale_id).aggregate(
        ordered=Sum("quantity", filter=Q(status=R.ORDERED)),
        paid=Count("pk", filter=Q(status=R.ORDERED, paid_at__isnull=False)),
        expired=Sum("quantity", filter=Q(status=R.EXPIRED)),
        failed=Sum("quantity", filter=Q(status=R.FAILED)),
        written=Sum("quantity"),
    )
    return {key: value or 0 for key, value in counts.items()}


def _measure(sale_id: int, rebuilt: bool = False, notes: tuple[str, ...] = ()) -> ReconcileReport:
    counters = redis_store.counters_read(sale_id)
    sale = FlashSale.objects.get(pk=sale_id)
    db = _db_counts(sale_id)
    in_flight = max(counters.admitted - db["written"], 0) if counters.present else 0
    db_drift = sale.units - (sale.units_left_db + db["ordered"] + sale.units_returned)
    if sale.state in ACTIVE and counters.present:
        drift = sale.units - (counters.stock + in_flight + db["ordered"])
    else:
        drift = 0
    return ReconcileReport(
        sale_id=sale_id,
        state=sale.state,
        units=sale.units,
        redis_present=counters.present,
        redis_stock=counters.stock,
        in_flight=in_flight,
        ordered=db["ordered"],
        paid=db["paid"],
        expired=db["expired"],
        failed=db["failed"],
        units_left_db=sale.units_left_db,
        units_returned=sale.units_returned,
        drift=drift,
        db_drift=db_drift if sale.state != FlashSaleState.DRAFT else 0,
        rebuilt=rebuilt,
        notes=notes,
    )


def flash_sale_reconcile(*, sale_id: int, rebuild: bool = False) -> ReconcileReport:
    """Measure the sale; rebuild Redis when asked, or when Redis lost an active sale."""
    if not FlashSale.objects.filter(pk=sale_id).exists():
        raise FlashSaleNotFound(sale_id)
    report = _measure(sale_id)
    if report.drift:
        report = _measure(sale_id)
    lost = report.state in ACTIVE and not report.redis_present
    if report.state in ACTIVE and (rebuild or lost):
        note = "Redis had lost the sale" if lost else "rebuilt on request"
        flash_sale_redis_rebuild(sale_id=sale_id)
        after = _measure(sale_id, rebuilt=True, notes=(f"before: drift {report.drift}", note))
        report = after
    if not report.ok:
        logger.error(
            "flash sale drift",
            extra={"sale_id": sale_id, "drift": report.drift, "db_drift": report.db_drift},
        )
    return report


def flash_sales_reconcile_active() -> list[ReconcileReport]:
    """The periodic task: every armed, live or paused sale (rebuilding those Redis lost)."""
    reports = []
    for sale_id in FlashSale.objects.filter(state__in=ACTIVE).values_list("pk", flat=True):
        try:
            reports.append(flash_sale_reconcile(sale_id=sale_id))
        except redis_store.RedisUnavailable:
            logger.warning("flash sale reconciliation: Redis unavailable", extra={"sale_id": sale_id})
    return reports
