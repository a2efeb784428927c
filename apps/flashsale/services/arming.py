"""A sale's life: armed (units set aside, Redis loaded), live, paused, extended, closed.

Arming moves the units from the variant's ordinary stock to `reserved` (inventory, ref
`flashsale:<id>`) in the same transaction that marks the sale armed; Redis is loaded after the
commit, so Redis never holds a sale whose units the database did not set aside. If loading fails
(Redis down) the sale is armed but not in Redis: buyers get "please retry" until a warm-up or the
reconciliation task loads it (`flash_sale_redis_rebuild`).
"""

import contextlib
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.inventory.services import InsufficientStock, stock_release, stock_reserve
from apps.inventory.types import StockLine

from .. import redis_store
from ..locks import flash_sale_lock
from ..models import FlashSale, FlashSaleState, Reservation, ReservationStatus
from ..publishing import sale_pages_publish_on_commit
from .errors import FlashSaleError, FlashSaleNotFound

logger = logging.getLogger(__name__)
S = FlashSaleState
ACTIVE = (S.ARMED, S.LIVE, S.PAUSED)
ENDED_KEYS_TTL_SECONDS = 7 * 24 * 3600  # an ended sale's Redis keys (status of old reservations) then go
REDIS_STATE = {S.ARMED: "live", S.LIVE: "live", S.PAUSED: "paused", S.ENDED: "ended"}


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def sale_data_from_db(*, sale: FlashSale, state: str | None = None) -> redis_store.SaleData:
    """What Redis should hold according to PostgreSQL, once nothing is in flight: the units not
    yet turned into orders, each buyer's units in live orders, every reservation ever written."""
    held = (
        Reservation.objects.filter(sale_id=sale.pk, status=ReservationStatus.ORDERED)
        .values("user_id")
        .annotate(units=Sum("quantity"))
    )
    admitted = Reservation.objects.filter(sale_id=sale.pk).aggregate(units=Sum("quantity"))["units"] or 0
    return redis_store.SaleData(
        sale_id=sale.pk,
        state=state or REDIS_STATE.get(sale.state, "paused"),
        starts_at_ms=_ms(sale.starts_at),
        ends_at_ms=_ms(sale.ends_at),
        limit=sale.per_buyer_limit,
        units=sale.units,
        stock=sale.units_left_db,
        buyers={row["user_id"]: row["units"] for row in held},
        admitted=admitted,
    )


def _get(sale_id: int) -> FlashSale:
    sale = FlashSale.objects.filter(pk=sale_id).first()
    if sale is None:
        raise FlashSaleNotFound(_("There is no flash sale %(id)s.") % {"id": sale_id})
    return sale


def flash_sale_arm(*, sale_id: int, actor_id: int | None = None) -> str:
    """Set the sale's units aside and load it into Redis. Returns "armed", or "loaded" for a sale
    already armed whose Redis data was missing (rebuilt), or "ready" when there was nothing to do.
    Raises FlashSaleError when the sale is over or the variant lacks the units."""
    with transaction.atomic():
        try:
            sale = flash_sale_lock(sale_id=sale_id)
        except FlashSale.DoesNotExist:
            raise FlashSaleNotFound(_("There is no flash sale %(id)s.") % {"id": sale_id}) from None
        if sale.state == S.ENDED or sale.ends_at <= timezone.now():
            raise FlashSaleError(_("The flash sale is over."))
        if sale.state == S.DRAFT:
            try:
                stock_reserve(
                    lines=[StockLine(variant_id=sale.variant_id, quantity=sale.units)],
                    order_ref=sale.order_ref,
                    actor_id=actor_id,
                )
            except InsufficientStock:
                raise FlashSaleError(
                    _("The variant has fewer than %(units)s units available.") % {"units": sale.units}
                ) from None
            FlashSale.objects.filter(pk=sale.pk, state=S.DRAFT).update(
                state=S.ARMED, units_left_db=sale.units, armed_at=timezone.now(), updated_at=timezone.now()
            )
            sale.state, sale.units_left_db = S.ARMED, sale.units
            data = sale_data_from_db(sale=sale)
            transaction.on_commit(lambda: redis_store.sale_load(data))
            sale_pages_publish_on_commit(sale_id=sale.pk)
            logger.info("flash sale armed", extra={"sale_id": sale.pk, "units": sale.units})
            return "armed"
    # A warm-up of an armed sale publishes its page again too (a new deploy, a lost file).
    sale_pages_publish_on_commit(sale_id=sale.pk)
    if not redis_store.meta_get(sale.pk):
        flash_sale_redis_rebuild(sale_id=sale.pk)
        return "loaded"
    return "ready"


def flash_sale_redis_rebuild(*, sale_id: int) -> redis_store.SaleData:
    """Reload Redis from PostgreSQL: pause, turn everything in the Stream into orders, load, resume.

    Entries still in the Stream are drained first so that PostgreSQL counts them; entries Redis
    lost with its data (a restart without persistence) cannot be drained: those admitted buyers
    have no order and their units are on sale again."""
    from .drain import reservations_drain_all

    sale = _get(sale_id)
    if sale.state not in ACTIVE:
        raise FlashSaleError(_("Only an armed, live or paused sale has data in Redis."))
    had_meta = redis_store.meta_update(sale_id=sale_id, state="paused")
    if had_meta:
        reservations_drain_all(sale_id=sale_id)
    else:
        redis_store.group_ensure(redis_store.sale_keys(sale_id))
    with transaction.atomic():
        # The row lock makes a drain that is committing a batch right now finish first, so the
        # snapshot counts it (a batch read before Redis lost its data can still commit later:
        # PostgreSQL's conditional UPDATE then fails what no longer fits, it never oversells).
        sale = flash_sale_lock(sale_id=sale_id)
        data = sale_data_from_db(sale=sale)
        redis_store.sale_load(data)
    logger.warning(
        "flash sale Redis data rebuilt from PostgreSQL",
        extra={"sale_id": sale_id, "stock": data.stock, "had_meta": had_meta},
    )
    return data


def _state_set(*, sale_id: int, source: tuple[str, ...], target: str) -> None:
    updated = FlashSale.objects.filter(pk=sale_id, state__in=source).update(
        state=target, updated_at=timezone.now()
    )
    if not updated:
        raise FlashSaleError(
            _("The flash sale cannot go to %(state)s from its current state.") % {"state": target}
        )
    redis_store.meta_update(sale_id=sale_id, state=REDIS_STATE[target])
    sale_pages_publish_on_commit(sale_id=sale_id)


def flash_sale_pause(*, sale_id: int) -> None:
    """Stop admitting buyers (the Lua script refuses); orders in flight are still written."""
    _state_set(sale_id=sale_id, source=(S.ARMED, S.LIVE), target=S.PAUSED)


def flash_sale_resume(*, sale_id: int) -> None:
    sale = _get(sale_id)
    target = S.LIVE if sale.starts_at <= timezone.now() else S.ARMED
    _state_set(sale_id=sale_id, source=(S.PAUSED,), target=target)


def flash_sale_end_extend(*, sale_id: int, ends_at: datetime) -> None:
    """Move the end of an armed or live sale later (never earlier: buyers were told the time)."""
    with transaction.atomic():
        sale = flash_sale_lock(sale_id=sale_id)
        if ends_at <= sale.ends_at:
            raise FlashSaleError(_("A sale that has been armed can only end later, not earlier."))
        if sale.state == S.ENDED:
            raise FlashSaleError(_("The flash sale is over."))
        FlashSale.objects.filter(pk=sale_id).update(ends_at=ends_at, updated_at=timezone.now())
        transaction.on_commit(lambda: redis_store.meta_update(sale_id=sale_id, ends_at=_ms(ends_at)))
        sale_pages_publish_on_commit(sale_id=sale_id)


def flash_sale_close(*, sale_id: int) -> int:
    """End the sale: stop admissions, write every reservation in flight, give the units left back
    to the variant's ordinary stock. Returns the units given back. Idempotent."""
    from .drain import reservations_drain_all

    sale = _get(sale_id)
    if sale.state == S.ENDED:
        return 0
    redis_store.meta_update(sale_id=sale_id, state="ended")
    if redis_store.meta_get(sale_id):
        reservations_drain_all(sale_id=sale_id)
    with transaction.atomic():
        sale = flash_sale_lock(sale_id=sale_id)
        if sale.state == S.ENDED:
            return 0
        left = sale.units_left_db if sale.state != S.DRAFT else 0
        FlashSale.objects.filter(pk=sale_id).update(
            state=S.ENDED,
            units_left_db=0,
            units_returned=sale.units_returned + left,
            ended_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if left:
            stock_release(
                lines=[StockLine(variant_id=sale.variant_id, quantity=left)],
                order_ref=sale.order_ref,
                reason="flash sale ended",
            )
        sale_pages_publish_on_commit(sale_id=sale_id)  # removed: the dynamic page says it is over
    with contextlib.suppress(*redis_store.RedisUnavailable):  # only memory: the keys are small
        redis_store.sale_expire(sale_id, seconds=ENDED_KEYS_TTL_SECONDS)
    logger.info("flash sale closed", extra={"sale_id": sale_id, "units_returned": left})
    return left


def flash_sales_arm_upcoming(*, now: datetime | None = None, ahead_seconds: int | None = None) -> list[int]:
    """Arm every scheduled sale starting within `ahead_seconds`; returns the ids armed."""
    from django.conf import settings

    now = now or timezone.now()
    ahead = settings.FLASHSALE_ARM_AHEAD_SECONDS if ahead_seconds is None else ahead_seconds
    due = FlashSale.objects.filter(
        state=S.DRAFT, starts_at__lte=now + timedelta(seconds=ahead), ends_at__gt=now
    ).values_list("pk", flat=True)
    armed = []
    for sale_id in list(due):
        try:
            flash_sale_arm(sale_id=sale_id)
            armed.append(sale_id)
        except FlashSaleError as exc:
            logger.error("flash sale could not be armed", extra={"sale_id": sale_id, "reason": str(exc)})
    return armed


def flash_sales_advance(*, now: datetime | None = None) -> dict[str, list[int]]:
    """armed → live once started; every sale past its end → closed."""
    now = now or timezone.now()
    started = list(FlashSale.objects.filter(state=S.ARMED, starts_at__lte=now).values_list("pk", flat=True))
    FlashSale.objects.filter(pk__in=started, state=S.ARMED).update(state=S.LIVE, updated_at=now)
    for sale_id in started:
        sale_pages_publish_on_commit(sale_id=sale_id)
    over = list(
        FlashSale.objects.filter(state__in=(S.DRAFT, *ACTIVE), ends_at__lte=now).values_list("pk", flat=True)
    )
    for sale_id in over:
        flash_sale_close(sale_id=sale_id)
    return {"started": started, "closed": over}
