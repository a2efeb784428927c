"""Two-level cache-aside reads for hot objects (product cards and details, the category tree, price
lists): the unified data-access helper of the mission.

    value = cache_get_or_build(key="catalog:product:12:en", build=..., tags=("catalog:product:12",))

Level 1 is a small LRU in this process (a few seconds, bounded size): it spares the Redis round trip
for the hottest keys. Level 2 is Redis through Django's cache. Keys are versioned by their tags: a
write bumps the version of every tag it touches (after commit, `cache_invalidate_on_commit`), so
every key built before it is never read again and expires on its own; a reader that raced the write
and stores an old value stores it under the old version, where nobody looks. Level 1 of the writing
process is dropped at once; other processes see the change within SHOP_CACHE_LOCAL_TTL_SECONDS.

Stampede protection: a value is kept in Redis SHOP_CACHE_STALE_SECONDS past its freshness. When a
hot key goes stale, one reader takes a short Redis lock (SET NX PX) and rebuilds while the others
are served the stale value; when there is no value at all (after a write), the others wait briefly
for the rebuilder, then read the database themselves.

Redis down: every read falls back to `build()` (the database) with a warning log; nothing raises.
An invalidation Redis did not take is kept in this process and sent again with its next Redis
round trip, so a write made during the outage is not hidden by old values once Redis is back.
"""

import contextlib
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from cachetools import TTLCache
from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULTS = {
    "SHOP_CACHE_ENABLED": True,
    "SHOP_CACHE_ALIAS": "default",
    "SHOP_CACHE_LOCAL_TTL_SECONDS": 2.0,
    "SHOP_CACHE_LOCAL_MAX_ITEMS": 2048,
    "SHOP_CACHE_STALE_SECONDS": 60,
    "SHOP_CACHE_LOCK_MS": 3000,
    "SHOP_CACHE_WAIT_SECONDS": 1.0,
    "SHOP_CACHE_RETRY_SECONDS": 1.0,
}
_POLL_SECONDS = 0.02
_RELEASE_LOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def _setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


class CacheUnavailableError(Exception):
    """Redis (or whatever the cache alias is) did not answer."""


@dataclass(frozen=True)
class _Entry:
    value: Any
    fresh_until: float  # epoch seconds; past it the value is stale but still served to all but one


@dataclass(frozen=True)
class Stamp:
    """What HTTP validators need: `token` changes whenever a tag is invalidated, `modified_at` is
    the time of the last invalidation of any tag (or of the first time it was asked for)."""

    token: str
    modified_at: datetime


# --- level 1: this process ------------------------------------------------------------------------

_local_lock = threading.Lock()
_local: TTLCache | None = None


def _local_store() -> TTLCache | None:
    global _local
    ttl = float(_setting("SHOP_CACHE_LOCAL_TTL_SECONDS"))
    if ttl <= 0:
        return None
    if _local is None or _local.ttl != ttl:
        _local = TTLCache(maxsize=int(_setting("SHOP_CACHE_LOCAL_MAX_ITEMS")), ttl=ttl)
    return _local


_ABSENT = object()


def _local_get(key: str) -> Any:
    with _local_lock:
        store = _local_store()
        return _ABSENT if store is None else store.get(key, _ABSENT)


def _local_set(key: str, value: Any) -> None:
    with _local_lock:
        store = _local_store()
        if store is not None:
            store[key] = value


def local_cache_clear() -> None:
    """Forget level 1 of this process (after a write here, and between tests)."""
    global _local
    with _local_lock:
        _local = None


def _on_setting_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("SHOP_CACHE") or setting == "CACHES":
        local_cache_clear()


setting_changed.connect(_on_setting_changed)


# --- level 2: Redis through Django's cache ----------------------------------------------------------


def _backend():
    return caches[_setting("SHOP_CACHE_ALIAS")]


def _shared(operation: Callable[[], T]) -> T:
    try:
        return operation()
    except (RedisError, OSError) as exc:
        raise CacheUnavailableError(str(exc)) from exc


def _version_key(tag: str) -> str:
    return f"cache-version:{tag}"


def _stamp_key(tag: str) -> str:
    return f"cache-stamp:{tag}"


def _versioned_key(key: str, tags: tuple[str, ...]) -> str:
    if not tags:
        return key
    versions = _shared(lambda: _backend().get_many([_version_key(tag) for tag in tags]))
    return f"{key}@" + ".".join(str(versions.get(_version_key(tag), 0)) for tag in tags)


def _raw_client():
    """The redis-py client behind Django's RedisCache (for SET NX PX and the Lua unlock), or None
    for another backend, which then gets `add`/`delete` instead."""
    client_factory = getattr(getattr(_backend(), "_cache", None), "get_client", None)
    return client_factory(write=True) if client_factory is not None else None


def _lock_acquire(name: str) -> str | None:
    token = uuid.uuid4().hex
    lock_ms = int(_setting("SHOP_CACHE_LOCK_MS"))
    backend = _backend()
    client = _raw_client()
    if client is not None:
        taken = client.set(backend.make_and_validate_key(name), token, nx=True, px=lock_ms)
    else:
        taken = backend.add(name, token, timeout=max(1, math.ceil(lock_ms / 1000)))
    return token if taken else None


def _lock_release(name: str, token: str) -> None:
    backend = _backend()
    client = _raw_client()
    if client is not None:
        client.eval(_RELEASE_LOCK, 1, backend.make_and_validate_key(name), token)
    elif backend.get(name) == token:
        backend.delete(name)


def _fresh(entry: Any) -> bool:
    return isinstance(entry, _Entry) and entry.fresh_until > time.time()


def _store(key: str, value: Any, timeout: int) -> None:
    entry = _Entry(value=value, fresh_until=time.time() + timeout)
    try:
        _shared(
            lambda: _backend().set(key, entry, timeout=timeout + int(_setting("SHOP_CACHE_STALE_SECONDS")))
        )
    except CacheUnavailableError as exc:
        logger.warning("cache write failed", extra={"cache_key": key, "error": str(exc)})


def _rebuild_locked(key: str, build: Callable[[], T], timeout: int, token: str) -> T:
    lock = f"{key}:lock"
    try:
        # Another rebuilder may have finished between our read and our lock: use its value.
        current = _shared(lambda: _backend().get(key))
        if _fresh(current):
            return current.value
        value = build()
        _store(key, value, timeout)
        return value
    finally:
        with contextlib.suppress(CacheUnavailableError):  # else it expires after SHOP_CACHE_LOCK_MS
            _shared(lambda: _lock_release(lock, token))


def _wait_for_rebuilder(key: str) -> Any:
    deadline = time.monotonic() + float(_setting("SHOP_CACHE_WAIT_SECONDS"))
    while time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        current = _shared(lambda: _backend().get(key))
        if isinstance(current, _Entry):
            return current
    return None


def _shared_get_or_build(key: str, build: Callable[[], T], tags: tuple[str, ...], timeout: int) -> T:
    key = _versioned_key(key, tags)
    entry = _shared(lambda: _backend().get(key))
    if _fresh(entry):
        return entry.value
    token = _shared(lambda: _lock_acquire(f"{key}:lock"))
    if token is not None:
        return _rebuild_locked(key, build, timeout, token)
    if isinstance(entry, _Entry):
        return entry.value  # stale, while the lock holder rebuilds it
    waited = _wait_for_rebuilder(key)
    if waited is not None:
        return waited.value
    return build()  # the rebuilder is slow or gone: read the database ourselves


# --- the public helpers -----------------------------------------------------------------------------


def cache_get_or_build(
    *, key: str, build: Callable[[], T], tags: Iterable[str] = (), timeout: int = 300
) -> T:
    """The value under `key` (fresh for `timeout` seconds), built by `build()` on a miss. `tags`
    name what the value is made of; `cache_invalidate(tags=...)` makes every key carrying one of them
    miss. `build` may return None, which is cached like any value."""
    if not _setting("SHOP_CACHE_ENABLED"):
        return build()
    value = _local_get(key)
    if value is not _ABSENT:
        return value
    try:
        _replay_unsent()
        value = _shared_get_or_build(key, build, tuple(tags), timeout)
    except CacheUnavailableError as exc:
        logger.warning(
            "cache unavailable, reading from the database", extra={"cache_key": key, "error": str(exc)}
        )
        value = build()
    _local_set(key, value)
    return value


def _bump(tag: str, now_ms: int) -> None:
    backend = _backend()
    try:
        backend.incr(_version_key(tag))
    except ValueError:
        # No version yet (never bumped, or evicted): start from the clock, so a version that was
        # evicted cannot come back to a number some old key was stored under.
        if not backend.add(_version_key(tag), now_ms, timeout=None):
            backend.incr(_version_key(tag))
    backend.set(_stamp_key(tag), now_ms, timeout=None)


# Tags whose invalidation Redis did not take (it was unreachable): bumped again by this process as
# soon as Redis answers, so a write made during an outage does not leave other processes reading
# the old value (and the old ETag matching) once Redis is back. Bounded: past the bound, the
# values' own timeouts are what remains.
_UNSENT_MAX = 10_000
_unsent: dict[str, None] = {}
_unsent_lock = threading.Lock()
_retry_at = 0.0  # time.monotonic() before which no replay is tried (Redis just failed)


def _bump_all(tags: Iterable[str], *, replaying: bool = False) -> None:
    """Bump these tags and any kept back; at the first failure keep the rest for later (one warning
    per invalidation, none while replaying: Redis is still away)."""
    global _retry_at
    now_ms = int(time.time() * 1000)
    with _unsent_lock:
        pending = list(dict.fromkeys([*_unsent, *tags]))
        _unsent.clear()
    for index, tag in enumerate(pending):
        try:
            _shared(lambda tag=tag: _bump(tag, now_ms))
        except CacheUnavailableError as exc:
            _retry_at = time.monotonic() + _setting("SHOP_CACHE_RETRY_SECONDS")
            _keep(pending[index:])
            if not replaying:
                logger.warning(
                    "cache invalidation failed, kept to send again",
                    extra={"cache_tag": tag, "kept": len(_unsent), "error": str(exc)},
                )
            return


def _keep(tags: list[str]) -> None:
    with _unsent_lock:
        room = max(0, _UNSENT_MAX - len(_unsent))
        _unsent.update(dict.fromkeys(tags[:room]))
    if len(tags) > room:
        logger.error("cache invalidations dropped", extra={"dropped": len(tags) - room})


def _replay_unsent() -> None:
    """Send the invalidations an outage kept back, once Redis answers again: tried before a read
    at most every SHOP_CACHE_RETRY_SECONDS, so an outage does not double every read's wait (and
    free when there are none)."""
    if _unsent and time.monotonic() >= _retry_at:
        _bump_all((), replaying=True)


def cache_invalidations_pending() -> int:
    """How many invalidations wait in this process for Redis to answer again."""
    return len(_unsent)


def cache_invalidate(*, tags: Iterable[str]) -> None:
    """Every key carrying one of `tags` misses from now on (level 2 for everyone, level 1 here).
    Call it after the commit (`cache_invalidate_on_commit`): a reader between the write and the
    commit would otherwise cache the old row under the new version. When Redis is unreachable the
    tags are kept and sent again by this process once Redis answers."""
    local_cache_clear()
    if not _setting("SHOP_CACHE_ENABLED"):
        return
    _bump_all(tags)


def cache_invalidate_on_commit(*, tags: Iterable[str], using: str | None = None) -> None:
    tags = tuple(tags)
    transaction.on_commit(lambda: cache_invalidate(tags=tags), using=using)


def cache_stamp(*, tags: Iterable[str]) -> Stamp | None:
    """The validators of what `tags` name, in one round trip (None when Redis is down or the cache
    is off: then the page is simply not conditional)."""
    tags = tuple(tags)
    if not _setting("SHOP_CACHE_ENABLED") or not tags:
        return None
    _replay_unsent()
    try:
        return _shared(lambda: _stamp_read(tags))
    except CacheUnavailableError as exc:
        logger.warning("cache unavailable, no validators", extra={"error": str(exc)})
        return None


def _stamp_read(tags: tuple[str, ...]) -> Stamp:
    backend = _backend()
    keys = [_version_key(tag) for tag in tags] + [_stamp_key(tag) for tag in tags]
    found = backend.get_many(keys)
    now_ms = int(time.time() * 1000)
    stamps = []
    for tag in tags:
        stamp = found.get(_stamp_key(tag))
        if stamp is None:
            # Never invalidated since Redis was emptied: remember "now" as its first known state.
            backend.add(_stamp_key(tag), now_ms, timeout=None)
            stamp = backend.get(_stamp_key(tag), now_ms)
        stamps.append(int(stamp))
    # The versions change with every invalidation; the latest stamp (ms) changes too when Redis has
    # lost its keys (a restart: it keeps nothing on disk), which sets every stamp to "now" again. So
    # an ETag handed out before cannot match afterwards, even for tags whose versions read 0 both
    # times, in case a write was made while Redis was away and its invalidation lost.
    versions = ".".join(str(found.get(_version_key(tag), 0)) for tag in tags)
    token = f"{versions}-{max(stamps)}"
    return Stamp(token=token, modified_at=datetime.fromtimestamp(max(stamps) // 1000, tz=UTC))
