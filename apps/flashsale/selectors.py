"""Read side of flash sales: the live state of a sale page, a buyer's reservation, the live view."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from apps.catalog.selectors import variant_snapshots_get

from . import redis_store
from .gate import gate
from .models import FlashSale, FlashSaleState, Reservation, ReservationStatus
from .types import LiveState, LiveStats, ReservationView

S = FlashSaleState
R = ReservationStatus
ACTIVE = (S.ARMED, S.LIVE, S.PAUSED)


def sale_ids_active() -> list[int]:
    return list(FlashSale.objects.filter(state__in=ACTIVE).values_list("pk", flat=True))


def _from_ms(value: str | int) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def _live_state_load(sale_id: int) -> LiveState | None:
    keys = redis_store.sale_keys(sale_id)
    pipe = redis_store.client().pipeline(transaction=True)
    pipe.hgetall(keys.meta)
    pipe.get(keys.stock)
    meta, stock = pipe.execute()
    if meta:
        now_ms = int(time.time() * 1000)
        left = max(int(stock or 0), 0)
        if meta.get("state") == "ended" or now_ms >= int(meta["ends_at"]):
            state = "ended"
        elif meta.get("state") == "paused":
            state = "paused"
        elif now_ms < int(meta["starts_at"]):
            state = "not_started"
        else:
            state = "live" if left > 0 else "sold_out"
        return LiveState(
            sale_id=sale_id,
            state=state,
            units_left=left,
            units=int(meta.get("units", 0)),
            starts_at=_from_ms(meta["starts_at"]),
            ends_at=_from_ms(meta["ends_at"]),
        )
    sale = FlashSale.objects.filter(pk=sale_id).first()
    if sale is None:
        return None
    if sale.state == S.DRAFT:
        state, left = "not_started", sale.units
    elif sale.state == S.ENDED:
        state, left = "ended", 0
    else:
        state, left = "paused", sale.units_left_db  # Redis lost it: buyers retry until it is rebuilt
    return LiveState(
        sale_id=sale_id,
        state=state,
        units_left=left,
        units=sale.units,
        starts_at=sale.starts_at,
        ends_at=sale.ends_at,
    )


def sale_live_state_get(*, sale_id: int) -> LiveState | None:
    """Not started / live / sold out / paused / ended and the units left, from Redis (PostgreSQL
    for a sale Redis does not hold), cached in this process for FLASHSALE_LOCAL_CACHE_SECONDS.
    None for an unknown sale. Raises redis_store.RedisUnavailable."""
    return gate().live_states.get_or_load(sale_id, lambda: _live_state_load(sale_id))


def sale_live_state_for_variants(*, variant_ids: list[int]) -> LiveState | None:
    """The live state of the sale of one of these variants that is running, paused or coming
    (the one that starts first), for product pages (apps.catalog.live); None when there is none.
    Raises redis_store.RedisUnavailable."""
    if not variant_ids:
        return None
    sale_id = (
        FlashSale.objects.filter(variant_id__in=list(variant_ids), ends_at__gt=timezone.now())
        .filter(Q(state__in=ACTIVE) | Q(state=S.DRAFT))
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if sale_id is None:
        return None
    state = sale_live_state_get(sale_id=sale_id)
    return None if state is None or state.state == "ended" else state


@dataclass(frozen=True)
class SalePage:
    sale_id: int
    title: str
    merchant_name: str
    product_name: str
    variant_name: str
    product_url: str
    thumbnail_url: str
    regular_price: Decimal | None
    sale_price: Decimal
    currency: str
    units: int
    per_buyer_limit: int
    starts_at: datetime
    ends_at: datetime
    state: str

    def public_state(self, now: datetime | None = None) -> str:
        """What the published page says: "not_started", "live", "paused" or "ended" (the sale's own
        state and times; the units left come from JSON)."""
        now = now or timezone.now()
        if self.state == S.ENDED or self.ends_at <= now:
            return "ended"
        if self.state == S.PAUSED:
            return "paused"
        if self.state in (S.ARMED, S.LIVE) and self.starts_at <= now:
            return "live"
        return "not_started"


def sales_current():
    """Sales a shopper can look at: upcoming (scheduled, not ended), armed, live or paused. Their
    pages are published (publishing.py) and listed on the sales page."""
    return FlashSale.objects.filter(Q(state__in=ACTIVE) | Q(state=S.DRAFT, ends_at__gt=timezone.now()))


def _sale_page(sale: FlashSale, snapshot) -> SalePage:
    return SalePage(
        sale_id=sale.pk,
        title=sale.title,
        merchant_name=sale.merchant.name,
        product_name=snapshot.product_name if snapshot else sale.title,
        variant_name=snapshot.variant_name if snapshot else "",
        product_url=snapshot.product_url if snapshot else "",
        thumbnail_url=snapshot.thumbnail_url if snapshot else "",
        regular_price=snapshot.price if snapshot else None,
        sale_price=sale.sale_price,
        currency=sale.currency,
        units=sale.units,
        per_buyer_limit=sale.per_buyer_limit,
        starts_at=sale.starts_at,
        ends_at=sale.ends_at,
        state=sale.state,
    )


def sale_page_get(*, sale_id: int) -> SalePage | None:
    """What the sale page shows (it changes only when the sale changes); None for an unknown sale."""
    sale = FlashSale.objects.select_related("merchant").filter(pk=sale_id).first()
    if sale is None:
        return None
    snapshot = variant_snapshots_get(variant_ids=[sale.variant_id]).get(sale.variant_id)
    return _sale_page(sale, snapshot)


def sale_list_current(*, limit: int = 50) -> list[SalePage]:
    """The sales page: current sales that have not ended, the live (and paused) ones first, then
    the upcoming ones, each by its start. Three queries, whatever the number of sales."""
    now = timezone.now()
    sales = list(
        sales_current().filter(ends_at__gt=now).select_related("merchant").order_by("starts_at", "pk")[:limit]
    )
    snapshots = variant_snapshots_get(variant_ids={sale.variant_id for sale in sales})
    pages = [_sale_page(sale, snapshots.get(sale.variant_id)) for sale in sales]
    return sorted(
        pages, key=lambda page: (page.public_state(now) == "not_started", page.starts_at, page.sale_id)
    )


def reservation_view_get(*, reservation_id: str, user_id: int) -> ReservationView | None:
    """The buyer's reservation; None when it is unknown or another buyer's (they look the same)."""
    if not reservation_id or len(reservation_id) > 64:
        return None
    row = Reservation.objects.filter(reservation_id=reservation_id).first()
    if row is not None:
        if row.user_id != user_id:
            return None
        status = "paid" if row.paid_at else row.status
        return ReservationView(
            reservation_id=row.reservation_id,
            sale_id=row.sale_id,
            status=status,
            status_label=str(row.get_status_display()),
            quantity=row.quantity,
            order_id=row.order_id,
            order_number=row.order_number,
            expires_at=row.expires_at,
            failure_reason=row.failure_reason,
        )
    return _pending_view(reservation_id=reservation_id, user_id=user_id)


def _pending_view(*, reservation_id: str, user_id: int) -> ReservationView | None:
    """Not written yet: Redis knows whose it is (the owners hash of the sale it was taken in)."""
    sale_id_part = reservation_id.split("-", 1)[0]
    if not sale_id_part.isdigit():
        return None
    sale_id = int(sale_id_part)
    owner = redis_store.client().hget(redis_store.sale_keys(sale_id).owners, reservation_id)
    if owner is None or owner != str(user_id):
        return None
    return ReservationView(
        reservation_id=reservation_id,
        sale_id=sale_id,
        status=R.PENDING,
        status_label=str(R.PENDING.label),
        quantity=0,
    )


def sale_live_stats_get(*, sale_id: int, seconds: int = 60) -> LiveStats | None:
    """The live view of one sale: Redis counters, PostgreSQL counts, admissions per second."""
    sale = FlashSale.objects.filter(pk=sale_id).first()
    if sale is None:
        return None
    counters = redis_store.counters_read(sale_id)
    counts = Reservation.objects.filter(sale_id=sale_id).aggregate(
        ordered=Sum("quantity", filter=Q(status=R.ORDERED)),
        created=Count("pk", filter=Q(order_id__isnull=False)),
        paid=Count("pk", filter=Q(paid_at__isnull=False)),
        expired=Count("pk", filter=Q(status=R.EXPIRED)),
        failed=Count("pk", filter=Q(status=R.FAILED)),
        written=Sum("quantity"),
    )
    counts = {key: value or 0 for key, value in counts.items()}
    in_flight = max(counters.admitted - counts["written"], 0) if counters.present else 0
    drift = sale.units - (counters.stock + in_flight + counts["ordered"]) if counters.present else 0
    per_second: tuple[dict, ...] = ()
    if seconds:
        now = int(time.time())
        wanted = list(range(now - seconds + 1, now + 1))
        rows = redis_store.stats_read(sale_id, seconds=wanted)
        per_second = tuple({"second": second, **rows[second]} for second in wanted)
    return LiveStats(
        sale_id=sale_id,
        title=sale.title,
        state=sale.state,
        units=sale.units,
        units_left_redis=counters.stock if counters.present else 0,
        units_left_db=sale.units_left_db,
        queue_depth=in_flight,
        pending_in_workers=counters.pending,
        orders_created=counts["created"],
        orders_paid=counts["paid"],
        orders_expired=counts["expired"],
        reservations_failed=counts["failed"],
        drift=drift if sale.state in ACTIVE else 0,
        per_second=per_second,
        sale_price=sale.sale_price,
        currency=sale.currency,
    )
