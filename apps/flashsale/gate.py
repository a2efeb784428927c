"""The process-local part of the buy path: what a web process can decide without Redis.

- the sale's window (state, start, end, limit), cached for FLASHSALE_LOCAL_CACHE_SECONDS;
- the sold-out flag per sale, set by this process when the script answers "sold out" and by the
  pub/sub message the script publishes when the last unit goes (shop.traffic.flags);
- per-user and per-IP token buckets and the in-flight cap (shop.traffic);
- a tally of the requests refused here, flushed to Redis at most once a second per process so the
  live view can show refusals per second without a Redis call per refused request.

Built lazily from settings and rebuilt when a FLASHSALE_* setting changes (tests).
"""

import logging
import threading
import time
from collections import Counter

from django.core.signals import setting_changed
from django.dispatch import receiver

from shop.traffic.admission import InFlightLimiter
from shop.traffic.flags import FlagCache
from shop.traffic.localcache import LocalTTLCache
from shop.traffic.ratelimit import TokenBucketLimiter

from . import redis_store
from .keys import sale_keys, soldout_channel
from .models import FlashSale, FlashSaleState
from .types import SaleWindow

logger = logging.getLogger(__name__)
TALLY_TTL_SECONDS = 180


class Gate:
    def __init__(self):
        from django.conf import settings

        self.windows = LocalTTLCache(ttl_seconds=settings.FLASHSALE_LOCAL_CACHE_SECONDS)
        self.live_states = LocalTTLCache(ttl_seconds=settings.FLASHSALE_LOCAL_CACHE_SECONDS)
        self.sold_out = FlagCache(
            channel=soldout_channel(),
            ttl_seconds=settings.FLASHSALE_SOLDOUT_FLAG_SECONDS,
            redis_url=lambda: settings.FLASHSALE_REDIS_URL,
        )
        self.users = TokenBucketLimiter(
            rate=settings.FLASHSALE_USER_RATE_PER_SECOND, burst=settings.FLASHSALE_USER_BURST
        )
        self.ips = TokenBucketLimiter(
            rate=settings.FLASHSALE_IP_RATE_PER_SECOND, burst=settings.FLASHSALE_IP_BURST
        )
        self.in_flight = InFlightLimiter(limit=settings.FLASHSALE_MAX_IN_FLIGHT)
        self._tally: Counter[tuple[int, int, str]] = Counter()
        self._tally_lock = threading.Lock()
        self._tally_second = int(time.time())

    # --- the sale's window --------------------------------------------------------------------
    def window(self, sale_id: int) -> SaleWindow:
        """Raises redis_store.RedisUnavailable when Redis cannot be asked (the caller answers 503)."""
        return self.windows.get_or_load(sale_id, lambda: window_load(sale_id))

    def forget(self, sale_id: int) -> None:
        self.windows.invalidate(sale_id)
        self.live_states.invalidate(sale_id)

    # --- refusals per second ------------------------------------------------------------------
    def tally(self, sale_id: int, outcome: str) -> None:
        now = int(time.time())
        with self._tally_lock:
            self._tally[(sale_id, now, f"gate_{outcome}")] += 1
            if now == self._tally_second:
                return
            pending, self._tally = self._tally, Counter()
            self._tally_second = now
        self._flush(pending)

    def _flush(self, pending: Counter) -> None:
        try:
            pipe = redis_store.client().pipeline(transaction=False)
            for (sale_id, second, field), count in pending.items():
                key = f"{sale_keys(sale_id).stats}:{second}"
                pipe.hincrby(key, field, count)
                pipe.expire(key, TALLY_TTL_SECONDS)
            pipe.execute()
        except redis_store.RedisUnavailable:
            pass  # statistics only: never fail or slow down a buyer for them


def window_load(sale_id: int) -> SaleWindow:
    meta = redis_store.meta_get(sale_id)
    if meta:
        return SaleWindow(
            sale_id=sale_id,
            availability="redis",
            state=meta.get("state", ""),
            starts_at_ms=int(meta.get("starts_at", 0)),
            ends_at_ms=int(meta.get("ends_at", 0)),
            limit=int(meta.get("limit", 0)),
        )
    # Redis does not hold the sale: is it unknown, not armed yet, over, or lost by Redis?
    row = FlashSale.objects.filter(pk=sale_id).values("state", "per_buyer_limit").first()
    if row is None:
        return SaleWindow(sale_id=sale_id, availability="unknown")
    if row["state"] in (FlashSaleState.DRAFT, FlashSaleState.ENDED):
        return SaleWindow(sale_id=sale_id, availability=row["state"], limit=row["per_buyer_limit"])
    return SaleWindow(sale_id=sale_id, availability="unavailable", limit=row["per_buyer_limit"])


_gate: Gate | None = None
_gate_lock = threading.Lock()


def gate() -> Gate:
    global _gate
    if _gate is None:
        with _gate_lock:
            if _gate is None:
                _gate = Gate()
    return _gate


def gate_reset() -> None:
    global _gate
    with _gate_lock:
        if _gate is not None:
            _gate.sold_out.stop()
        _gate = None


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("FLASHSALE_"):
        gate_reset()
