"""The worker side: reservations in the Stream become orders, a batch per database transaction.

    XREADGROUP (a batch) ──▶ BEGIN
                               INSERT reservations ... ON CONFLICT (reservation_id) DO NOTHING
                                 RETURNING the ones this delivery claimed
                               UPDATE sale SET units_left_db = units_left_db - n WHERE units_left_db >= n
                               orders.order_create_for_reservations(claimed)
                               UPDATE reservations SET status = ordered, order_id = ...
                             COMMIT ──▶ XACK

Exactly one order per reservation, whatever happens:
- a redelivered entry (the worker died after COMMIT, before XACK; the sweeper claimed an entry a
  slow worker still holds) finds its reservation row already there: the INSERT claims nothing,
  no unit is taken twice and no order is made twice; the entry is simply acknowledged;
- two workers holding the same entry at the same time: the second INSERT waits on the first's
  uncommitted row (unique index) and then claims nothing;
- the worker dies before COMMIT: nothing was written, the entry stays pending in the consumer
  group until `reservations_sweep` claims it (XAUTOCLAIM) after FLASHSALE_CLAIM_IDLE_SECONDS.
A lost or duplicated Celery message changes nothing: the Stream is the record, the task only says
"drain now".
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.catalog.selectors import variant_snapshots_get
from apps.orders.services import order_create_for_reservations
from apps.orders.types import ReservationOrderRequest

from .. import redis_store
from ..keys import GROUP, sale_keys
from ..locks import flash_sale_lock
from ..metrics import DRAIN_BATCHES, ORDERS_CREATED, RESERVATIONS_FAILED
from ..models import FlashSale, Reservation, ReservationStatus
from ..types import DrainResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Entry:
    entry_id: str
    reservation_id: str
    user_id: int
    quantity: int
    admitted_at: datetime


@dataclass(frozen=True)
class _SaleContext:
    sale_id: int
    merchant_id: int
    variant_id: int
    product_id: int
    name: str
    sku: str
    weight_grams: int
    unit_price: object
    currency: str
    payment_timeout_minutes: int


def _context(sale_id: int) -> _SaleContext:
    sale = FlashSale.objects.get(pk=sale_id)
    snapshot = variant_snapshots_get(variant_ids=[sale.variant_id]).get(sale.variant_id)
    if snapshot is None:
        name, sku, product_id, weight = sale.title, "", 0, 0
    else:
        name = (
            f"{snapshot.product_name} ({snapshot.variant_name})"
            if snapshot.variant_name
            else snapshot.product_name
        )
        sku, product_id, weight = snapshot.sku, snapshot.product_id, snapshot.weight_grams
    return _SaleContext(
        sale_id=sale.pk,
        merchant_id=sale.merchant_id,
        variant_id=sale.variant_id,
        product_id=product_id,
        name=name[:420],
        sku=sku,
        weight_grams=weight,
        unit_price=sale.sale_price,
        currency=sale.currency,
        payment_timeout_minutes=sale.payment_timeout_minutes,
    )


def _parse(raw: list) -> tuple[list[_Entry], list[str]]:
    entries, malformed = [], []
    seen: set[str] = set()
    for entry_id, fields in raw:
        if not fields:  # deleted from the Stream meanwhile
            malformed.append(entry_id)
            continue
        try:
            entry = _Entry(
                entry_id=entry_id,
                reservation_id=str(fields["rid"])[:64],
                user_id=int(fields["user"]),
                quantity=int(fields["qty"]),
                admitted_at=datetime.fromtimestamp(int(fields["ts"]) / 1000, tz=UTC),
            )
        except (KeyError, TypeError, ValueError):
            logger.error("malformed flash-sale stream entry", extra={"entry_id": entry_id})
            malformed.append(entry_id)
            continue
        if entry.quantity < 1 or entry.reservation_id in seen:
            malformed.append(entry_id)
            continue
        seen.add(entry.reservation_id)
        entries.append(entry)
    return entries, malformed


def _claim(sale_id: int, entries: list[_Entry]) -> dict[str, int]:
    """Insert a pending row per reservation not seen before; returns reservation id → row id for
    the rows this call inserted (a conflicting row means another delivery owns it)."""
    now = timezone.now()
    table = connection.ops.quote_name(Reservation._meta.db_table)
    columns = (
        "reservation_id",
        "sale_id",
        "user_id",
        "quantity",
        "status",
        "order_number",
        "failure_reason",
        "admitted_at",
        "created_at",
        "updated_at",
    )
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params: list = []
    for entry in entries:
        params += [
            entry.reservation_id,
            sale_id,
            entry.user_id,
            entry.quantity,
            ReservationStatus.PENDING,
            "",
            "",
            entry.admitted_at,
            now,
            now,
        ]
    # Identifiers are our own constants; every value is a bound parameter.
    values = ", ".join([placeholders] * len(entries))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "  # noqa: S608
    sql += "ON CONFLICT (reservation_id) DO NOTHING RETURNING id, reservation_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {reservation_id: row_id for row_id, reservation_id in cursor.fetchall()}


def _units_take(sale_id: int, claimed: list[_Entry]) -> tuple[list[_Entry], list[_Entry]]:
    """Take the batch's units from the sale's PostgreSQL count: (accepted, failed). Normally the
    whole batch fits (Redis admitted no more than the sale has); if not (drift), as many as fit
    are accepted in Stream order and the rest fail."""
    wanted = sum(entry.quantity for entry in claimed)
    taken = FlashSale.objects.filter(pk=sale_id, units_left_db__gte=wanted).update(
        units_left_db=F("units_left_db") - wanted
    )
    if taken:
        return claimed, []
    left = flash_sale_lock(sale_id=sale_id).units_left_db
    accepted, failed = [], []
    for entry in claimed:
        if entry.quantity <= left:
            accepted.append(entry)
            left -= entry.quantity
        else:
            failed.append(entry)
    if accepted:
        FlashSale.objects.filter(pk=sale_id).update(
            units_left_db=F("units_left_db") - sum(entry.quantity for entry in accepted)
        )
    logger.error(
        "flash sale: more reservations than units in the database (drift)",
        extra={"sale_id": sale_id, "failed": len(failed)},
    )
    return accepted, failed


def _order_requests(context: _SaleContext, entries: list[_Entry]) -> list[ReservationOrderRequest]:
    expires_at = timezone.now() + timedelta(minutes=context.payment_timeout_minutes)
    return [
        ReservationOrderRequest(
            reservation_id=entry.reservation_id,
            user_id=entry.user_id,
            merchant_id=context.merchant_id,
            variant_id=context.variant_id,
            product_id=context.product_id,
            name=context.name,
            sku=context.sku,
            unit_price=context.unit_price,
            currency=context.currency,
            quantity=entry.quantity,
            weight_grams=context.weight_grams,
            expires_at=expires_at,
        )
        for entry in entries
    ]


def _batch_write(context: _SaleContext, entries: list[_Entry]) -> tuple[int, int, list[_Entry]]:
    """One transaction for the batch; returns (ordered, duplicates, failed entries)."""
    with transaction.atomic():
        row_ids = _claim(context.sale_id, entries)
        claimed = [entry for entry in entries if entry.reservation_id in row_ids]
        if not claimed:
            return 0, len(entries), []
        accepted, failed = _units_take(context.sale_id, claimed)
        orders = order_create_for_reservations(items=_order_requests(context, accepted))
        expires_at = timezone.now() + timedelta(minutes=context.payment_timeout_minutes)
        now = timezone.now()
        _mark_ordered(row_ids, orders, expires_at=expires_at, now=now)
        if failed:
            Reservation.objects.filter(pk__in=[row_ids[entry.reservation_id] for entry in failed]).update(
                status=ReservationStatus.FAILED, failure_reason="sold out", updated_at=now
            )
        transaction.on_commit(lambda: _after_commit(context.sale_id, len(orders), failed))
    return len(orders), len(entries) - len(claimed), failed


def _mark_ordered(row_ids: dict[str, int], orders, *, expires_at: datetime, now: datetime) -> None:
    """One UPDATE for the whole batch (Django's bulk_update builds a CASE per row and field, which
    costs more CPU than the rest of the batch)."""
    if not orders:
        return
    table = connection.ops.quote_name(Reservation._meta.db_table)
    rows = ", ".join(["(%s, %s, %s)"] * len(orders))
    params: list = []
    for order in orders:
        params += [row_ids[order.reservation_id], order.order_id, order.number]
    # Identifiers are our own constants; every value is a bound parameter.
    sql = (
        f"WITH v(id, order_id, order_number) AS (VALUES {rows}) "  # noqa: S608
        f"UPDATE {table} SET status = %s, expires_at = %s, updated_at = %s, "
        f"order_id = v.order_id, order_number = v.order_number FROM v WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ReservationStatus.ORDERED, expires_at, now])
        # (SQLite reports -1 for a statement that starts with WITH.)
        if cursor.rowcount not in (-1, len(orders)):
            raise RuntimeError(f"marked {cursor.rowcount} reservations ordered, expected {len(orders)}")


def _after_commit(sale_id: int, ordered: int, failed: list[_Entry]) -> None:
    DRAIN_BATCHES.inc()
    ORDERS_CREATED.inc(ordered)
    for entry in failed:
        RESERVATIONS_FAILED.inc()
        try:
            # The database had no unit for it: free the buyer's limit, put no unit back.
            redis_store.units_give_back(
                sale_id=sale_id, user_id=entry.user_id, quantity=entry.quantity, restock=False
            )
        except redis_store.RedisUnavailable:
            logger.warning("flash sale: could not free a failed buyer's limit", extra={"sale_id": sale_id})


def _known_users(entries: list[_Entry]) -> list[_Entry]:
    ids = set(
        get_user_model().objects.filter(pk__in={e.user_id for e in entries}).values_list("pk", flat=True)
    )
    return [entry for entry in entries if entry.user_id in ids]


def entries_process(*, sale_id: int, raw: list, context: _SaleContext | None = None) -> DrainResult:
    """Write one batch of Stream entries and acknowledge them once committed."""
    if not raw:
        return DrainResult()
    context = context or _context(sale_id)
    entries, malformed = _parse(raw)
    valid = _known_users(entries) if entries else []
    valid_ids = {entry.entry_id for entry in valid}
    malformed += [entry.entry_id for entry in entries if entry.entry_id not in valid_ids]
    ordered = duplicates = 0
    failed: list[_Entry] = []
    if valid:
        ordered, duplicates, failed = _batch_write(context, valid)
    ids = [entry_id for entry_id, _fields in raw]
    redis_store.client().xack(sale_keys(sale_id).stream, GROUP, *ids)
    for entry in entries:
        if entry.entry_id not in valid_ids:
            # The buyer's account is gone: no order can be made, the unit goes back on sale.
            logger.warning("flash sale reservation of an unknown user", extra={"sale_id": sale_id})
            redis_store.units_give_back(sale_id=sale_id, user_id=entry.user_id, quantity=entry.quantity)
            redis_store.client().decrby(sale_keys(sale_id).admitted, entry.quantity)  # never written
    return DrainResult(
        read=len(raw), ordered=ordered, duplicates=duplicates, failed=len(failed), malformed=len(malformed)
    )


def _read(sale_id: int, consumer: str, count: int) -> list:
    keys = sale_keys(sale_id)
    try:
        answer = redis_store.client().xreadgroup(GROUP, consumer, {keys.stream: ">"}, count=count)
    except redis_store.redis.ResponseError as exc:
        if "NOGROUP" not in str(exc):
            raise
        redis_store.group_ensure(keys)
        return []
    return answer[0][1] if answer else []


def reservations_drain(
    *,
    sale_id: int,
    batch_size: int | None = None,
    time_budget: float | None = None,
    consumer: str | None = None,
) -> DrainResult:
    """Read new entries of the sale's Stream in batches and write them until the Stream has none
    left or `time_budget` seconds (FLASHSALE_DRAIN_SECONDS) are spent."""
    batch_size = batch_size or settings.FLASHSALE_DRAIN_BATCH
    budget = settings.FLASHSALE_DRAIN_SECONDS if time_budget is None else time_budget
    consumer = consumer or redis_store.consumer_name()
    deadline = time.monotonic() + budget
    context = None
    total = DrainResult()
    while True:
        raw = _read(sale_id, consumer, batch_size)
        if not raw:
            break
        context = context or _context(sale_id)
        total += entries_process(sale_id=sale_id, raw=raw, context=context)
        if time.monotonic() >= deadline:
            break
    return total


def reservations_sweep(
    *,
    sale_id: int,
    min_idle_seconds: float | None = None,
    batch_size: int | None = None,
    consumer: str | None = None,
) -> DrainResult:
    """Claim (XAUTOCLAIM) entries delivered to a consumer that did not acknowledge them within
    `min_idle_seconds` (a killed worker) and write them like the drain does."""
    idle = settings.FLASHSALE_CLAIM_IDLE_SECONDS if min_idle_seconds is None else min_idle_seconds
    batch_size = batch_size or settings.FLASHSALE_DRAIN_BATCH
    consumer = consumer or redis_store.consumer_name()
    keys = sale_keys(sale_id)
    client = redis_store.client()
    start = "0-0"
    context = None
    total = DrainResult()
    while True:
        try:
            answer = client.xautoclaim(
                keys.stream, GROUP, consumer, min_idle_time=int(idle * 1000), start_id=start, count=batch_size
            )
        except redis_store.redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            return total
        start, raw = answer[0], answer[1]
        deleted = answer[2] if len(answer) > 2 else []
        if deleted:
            client.xack(keys.stream, GROUP, *deleted)
        if raw:
            context = context or _context(sale_id)
            total += entries_process(sale_id=sale_id, raw=raw, context=context)
        if start in ("0-0", b"0-0"):
            return total


def reservations_drain_all(*, sale_id: int) -> DrainResult:
    """Everything in the Stream, pending in any consumer or not yet delivered (pause, rebuild, close)."""
    total = reservations_sweep(sale_id=sale_id, min_idle_seconds=0)
    while True:
        step = reservations_drain(sale_id=sale_id, time_budget=60)
        total += step
        if not step.read:
            return total + reservations_sweep(sale_id=sale_id, min_idle_seconds=0)


def sale_ids_draining() -> list[int]:
    return list(FlashSale.objects.filter(state__in=("armed", "live", "paused")).values_list("pk", flat=True))
