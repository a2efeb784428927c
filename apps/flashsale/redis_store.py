"""Everything the flash-sale engine keeps in Redis, behind small functions (private to the app).

One client per process (redis-py's pool is fork-safe: a gunicorn worker gets its own connections).
The buy path's socket timeout is short (FLASHSALE_REDIS_TIMEOUT_SECONDS): an unreachable Redis
turns into a quick 503 "please retry", never a hung request and never a sale without the gate.
"""

import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings

from .keys import GROUP, SaleKeys, sale_keys, soldout_channel

LUA_DIR = Path(__file__).resolve().parent / "lua"

_lock = threading.Lock()
_clients: dict[tuple[int, str], redis.Redis] = {}
_scripts: dict[tuple[int, str, str], object] = {}

RedisUnavailable = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError, OSError)


def client() -> redis.Redis:
    url = settings.FLASHSALE_REDIS_URL
    key = (os.getpid(), url)
    found = _clients.get(key)
    if found is None:
        with _lock:
            found = _clients.get(key)
            if found is None:
                timeout = settings.FLASHSALE_REDIS_TIMEOUT_SECONDS
                found = redis.Redis.from_url(
                    url,
                    decode_responses=True,
                    socket_timeout=timeout,
                    socket_connect_timeout=timeout,
                    health_check_interval=30,
                )
                _clients[key] = found
    return found


def script(name: str):
    """The registered Lua script `lua/<name>.lua` (EVALSHA, loaded again on NOSCRIPT)."""
    redis_client = client()
    key = (os.getpid(), settings.FLASHSALE_REDIS_URL, name)
    found = _scripts.get(key)
    if found is None:
        found = redis_client.register_script((LUA_DIR / f"{name}.lua").read_text())
        _scripts[key] = found
    return found


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


# --- loading and state ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleData:
    """What Redis must hold for a sale to take buyers."""

    sale_id: int
    state: str  # "live" (the script checks the time window), "paused" or "ended"
    starts_at_ms: int
    ends_at_ms: int
    limit: int
    units: int
    stock: int
    buyers: dict[int, int]
    admitted: int


def group_ensure(keys: SaleKeys) -> None:
    try:
        client().xgroup_create(keys.stream, GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def sale_load(data: SaleData) -> None:
    """Write the sale's meta, stock, buyers and admitted counter in one MULTI, then the group.

    The Stream and the owners hash are left as they are: entries still in flight stay claimable."""
    keys = sale_keys(data.sale_id)
    pipe = client().pipeline(transaction=True)
    pipe.delete(keys.buyers)
    if data.buyers:
        pipe.hset(keys.buyers, mapping={str(user): held for user, held in data.buyers.items() if held > 0})
    pipe.set(keys.stock, data.stock)
    pipe.set(keys.admitted, data.admitted)
    pipe.hset(
        keys.meta,
        mapping={
            "state": data.state,
            "starts_at": data.starts_at_ms,
            "ends_at": data.ends_at_ms,
            "limit": data.limit,
            "units": data.units,
        },
    )
    pipe.execute()
    group_ensure(keys)


def meta_update(*, sale_id: int, **fields) -> bool:
    """Change meta fields of a sale that Redis holds; False when it holds none (nothing written)."""
    keys = sale_keys(sale_id)
    redis_client = client()
    if not redis_client.exists(keys.meta):
        return False
    redis_client.hset(keys.meta, mapping=fields)
    return True


def meta_get(sale_id: int) -> dict[str, str]:
    return client().hgetall(sale_keys(sale_id).meta)


def sale_expire(sale_id: int, *, seconds: int) -> None:
    keys = sale_keys(sale_id)
    pipe = client().pipeline(transaction=False)
    for key in keys.all:
        pipe.expire(key, seconds)
    pipe.execute()


def sale_forget(sale_id: int) -> None:
    keys = sale_keys(sale_id)
    client().delete(*keys.all)


@dataclass(frozen=True)
class SaleCounters:
    """One atomic read of a sale's Redis counters (MULTI)."""

    present: bool
    state: str
    stock: int
    admitted: int
    stream_length: int
    pending: int
    lag: int | None


def counters_read(sale_id: int) -> SaleCounters:
    keys = sale_keys(sale_id)
    pipe = client().pipeline(transaction=True)
    pipe.hget(keys.meta, "state")
    pipe.get(keys.stock)
    pipe.get(keys.admitted)
    pipe.xlen(keys.stream)
    state, stock, admitted, length = pipe.execute()
    pending, lag = 0, None
    if length:
        try:
            for group in client().xinfo_groups(keys.stream):
                if group.get("name") == GROUP:
                    pending = int(group.get("pending") or 0)
                    lag = group.get("lag")
        except redis.ResponseError:
            pass
    return SaleCounters(
        present=state is not None,
        state=state or "",
        stock=int(stock or 0),
        admitted=int(admitted or 0),
        stream_length=int(length or 0),
        pending=pending,
        lag=int(lag) if lag is not None else None,
    )


def stats_read(sale_id: int, *, seconds: list[int]) -> dict[int, dict[str, int]]:
    """Per-second admission counters (written by the Lua script and the gate's tally)."""
    keys = sale_keys(sale_id)
    pipe = client().pipeline(transaction=False)
    for second in seconds:
        pipe.hgetall(f"{keys.stats}:{second}")
    rows = pipe.execute()
    return {second: {k: int(v) for k, v in row.items()} for second, row in zip(seconds, rows, strict=True)}


def soldout_message_set(sale_id: int) -> str:
    return f"set:{int(sale_id)}"


def soldout_message_clear(sale_id: int) -> str:
    return f"clear:{int(sale_id)}"


def units_give_back(*, sale_id: int, user_id: int, quantity: int, restock: bool = True) -> int:
    """Free `quantity` of the buyer's limit and, with `restock`, put the units back on sale.
    Returns the units left, or -1 when Redis holds no such sale (reconciliation rebuilds it)."""
    keys = sale_keys(sale_id)
    return int(
        script("give_back")(
            keys=[keys.meta, keys.stock, keys.buyers],
            args=[
                user_id,
                quantity,
                soldout_channel(),
                soldout_message_clear(sale_id),
                "1" if restock else "0",
            ],
        )
    )
