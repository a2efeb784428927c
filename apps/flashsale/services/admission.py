"""`flash_sale_admit`: the buy path, cheapest refusal first.

1. per-user and per-IP token buckets (this process, no I/O);
2. the sale's window (this process's copy, refreshed once a second): unknown, not started, over,
   paused, quantity outside 1..limit;
3. the sold-out flag (this process, kept fresh by pub/sub);
4. the in-flight cap of this process (admission control);
5. one Lua script in Redis, one round trip: live? under the buyer's limit? a unit left? → take it
   and append the reservation to the Stream. Nothing else: no database, no Celery message (the
   Stream is the queue the workers read).

Redis unreachable → "unavailable" (503, retry): without the script nobody is admitted, so the
failure can never oversell.
"""

import logging
import time
import uuid

import redis

from shop.observability import metrics as shop_metrics

from .. import redis_store
from ..gate import gate
from ..keys import sale_keys, soldout_channel
from ..metrics import REDIS_UNAVAILABLE
from ..types import AdmissionResult, SaleWindow

logger = logging.getLogger(__name__)

# The local clock may differ a little from Redis's; within this margin the script decides.
CLOCK_MARGIN_MS = 250
PROMETHEUS_OUTCOME = {
    "admitted": "admitted",
    "sold_out": "sold_out",
    "over_limit": "over_limit",
    "not_started": "not_live",
    "ended": "not_live",
    "paused": "not_live",
}


def _window_refusal(window: SaleWindow, now_ms: int) -> str | None:
    if window.availability == "unknown":
        return "unknown_sale"
    if window.availability == "draft":
        return "not_started"
    if window.availability == "ended":
        return "ended"
    if window.availability == "unavailable":
        return "unavailable"
    if window.state == "paused":
        return "paused"
    if window.state != "live":
        return "ended"
    if now_ms < window.starts_at_ms - CLOCK_MARGIN_MS:
        return "not_started"
    if now_ms >= window.ends_at_ms + CLOCK_MARGIN_MS:
        return "ended"
    return None


def _refuse(sale_id: int, outcome: str, window: SaleWindow | None = None, **extra) -> AdmissionResult:
    gate().tally(sale_id, outcome)
    shop_metrics.flash_sale_admission_record(outcome=PROMETHEUS_OUTCOME.get(outcome, "rejected"))
    return AdmissionResult(outcome=outcome, limit=window.limit if window else None, **extra)


def flash_sale_admit(*, sale_id: int, user_id: int, quantity: int, client_ip: str = "") -> AdmissionResult:
    """Try to take `quantity` units of the sale for the buyer; never touches the database while
    the sale is in Redis. See AdmissionResult for the outcomes."""
    the_gate = gate()
    if not the_gate.users.allow(user_id) or (client_ip and not the_gate.ips.allow(client_ip)):
        return _refuse(sale_id, "rate_limited")
    try:
        window = the_gate.window(sale_id)
    except redis_store.RedisUnavailable:
        REDIS_UNAVAILABLE.inc()
        return _refuse(sale_id, "unavailable")
    refusal = _window_refusal(window, int(time.time() * 1000))
    if refusal:
        return _refuse(sale_id, refusal, window)
    if not 1 <= quantity <= window.limit:
        return _refuse(sale_id, "bad_quantity", window)
    if the_gate.sold_out.is_set(str(sale_id)):
        return _refuse(sale_id, "sold_out", window, units_left=0)
    with the_gate.in_flight.slot() as admitted:
        if not admitted:
            return _refuse(sale_id, "busy", window)
        return _admit_in_redis(window=window, user_id=user_id, quantity=quantity)


def _admit_in_redis(*, window: SaleWindow, user_id: int, quantity: int) -> AdmissionResult:
    sale_id = window.sale_id
    keys = sale_keys(sale_id)
    # The sale id prefix lets the status endpoint find the owners hash of a reservation not yet written.
    reservation_id = f"{sale_id}-{uuid.uuid4().hex}"
    try:
        code, detail = redis_store.script("admit")(
            keys=[keys.meta, keys.stock, keys.buyers, keys.stream, keys.owners, keys.admitted, keys.stats],
            args=[user_id, quantity, reservation_id, sale_id, soldout_channel(), f"set:{sale_id}"],
        )
    except (*redis_store.RedisUnavailable, redis.ResponseError):
        REDIS_UNAVAILABLE.inc()
        logger.warning("flash sale: Redis unavailable on admit", extra={"sale_id": sale_id})
        return AdmissionResult(outcome="unavailable", limit=window.limit)
    code = int(code)
    if code == 1:
        shop_metrics.flash_sale_admission_record(outcome="admitted")
        return AdmissionResult(
            outcome="admitted", reservation_id=reservation_id, units_left=int(detail), limit=window.limit
        )
    if code == 0:
        if int(detail) <= 0:
            # Only when nothing is left: a unit too few for this quantity may still sell to another.
            gate().sold_out.set_local(str(sale_id))
        shop_metrics.flash_sale_admission_record(outcome="sold_out")
        return AdmissionResult(outcome="sold_out", units_left=max(int(detail), 0), limit=window.limit)
    if code == -2:
        shop_metrics.flash_sale_admission_record(outcome="over_limit")
        return AdmissionResult(outcome="over_limit", limit=window.limit)
    # Not live, or the sale's data is missing: this process's copy of the window is stale.
    gate().forget(sale_id)
    if code == -1:
        outcome = {"not_started": "not_started", "paused": "paused"}.get(str(detail), "ended")
        shop_metrics.flash_sale_admission_record(outcome="not_live")
        return AdmissionResult(outcome=outcome, limit=window.limit)
    REDIS_UNAVAILABLE.inc()
    return AdmissionResult(outcome="unavailable", limit=window.limit)
