"""shop.core.cache: two levels, versioned keys, stampede protection, Redis down. Real Redis (the
settings' REDIS_URL), real threads."""

import logging
import threading
import time

import pytest
from django.core.cache import cache

from shop.core.cache import (
    cache_get_or_build,
    cache_invalidate,
    cache_invalidate_on_commit,
    cache_invalidations_pending,
    cache_stamp,
    local_cache_clear,
)

CLOSED_PORT_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: connection refused
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


class Builder:
    """A build function that counts its calls (thread-safe) and returns a new value each time."""

    def __init__(self, value="built", delay: float = 0.0):
        self.calls = 0
        self.value = value
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.calls += 1
            calls = self.calls
        time.sleep(self.delay)
        return f"{self.value}-{calls}"


def test_a_value_is_built_once_then_read_from_either_level():
    # given
    build = Builder()
    # when
    first = cache_get_or_build(key="k", build=build, tags=("t",))
    second = cache_get_or_build(key="k", build=build, tags=("t",))
    local_cache_clear()  # another process: only Redis has it
    third = cache_get_or_build(key="k", build=build, tags=("t",))
    # then
    assert (first, second, third) == ("built-1", "built-1", "built-1")
    assert build.calls == 1


def test_with_redis_down_level_one_still_spares_the_database(settings):
    # given a value in level 1
    build = Builder()
    cache_get_or_build(key="k", build=build)
    # when Redis is gone
    settings.CACHES = CLOSED_PORT_CACHES
    # then level 1 was forgotten with the settings change, so a fresh read goes to the builder...
    assert cache_get_or_build(key="k", build=build) == "built-2"
    # ...and the next one within the TTL is served by level 1 without a build
    assert cache_get_or_build(key="k", build=build) == "built-2"
    assert build.calls == 2


def test_none_is_cached_like_any_value():
    # given
    calls = []
    # when
    for _ in range(3):
        cache_get_or_build(key="missing", build=lambda: calls.append(1))
    # then
    assert calls == [1]


def test_invalidating_a_tag_makes_every_key_carrying_it_miss():
    # given two keys, one tagged with the product
    build_a, build_b = Builder("a"), Builder("b")
    cache_get_or_build(key="a", build=build_a, tags=("catalog", "product:1"))
    cache_get_or_build(key="b", build=build_b, tags=("catalog", "product:2"))
    # when product 1 changes
    cache_invalidate(tags=("product:1",))
    # then only the key made of product 1 is rebuilt
    assert cache_get_or_build(key="a", build=build_a, tags=("catalog", "product:1")) == "a-2"
    assert cache_get_or_build(key="b", build=build_b, tags=("catalog", "product:2")) == "b-1"
    assert cache.get("cache-version:product:1") > 0
    assert cache.get("cache-version:product:2") is None


@pytest.mark.django_db(transaction=True)
def test_invalidation_on_commit_waits_for_the_commit():
    # given
    from django.db import transaction

    build = Builder()
    cache_get_or_build(key="k", build=build, tags=("t",))
    # when a transaction asks for the invalidation, it has not happened before the commit
    with transaction.atomic():
        cache_invalidate_on_commit(tags=("t",))
        local_cache_clear()
        assert cache_get_or_build(key="k", build=build, tags=("t",)) == "built-1"
    # then after the commit the key misses
    assert cache_get_or_build(key="k", build=build, tags=("t",)) == "built-2"


def _hammer(n: int, read) -> list:
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def reader(index: int) -> None:
        barrier.wait()
        results[index] = read()

    threads = [threading.Thread(target=reader, args=(index,)) for index in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_20_readers_of_an_expired_hot_key_cause_exactly_one_rebuild(settings):
    # given a hot key whose freshness (1 s) has passed, its stale value still kept beside it
    settings.SHOP_CACHE_LOCAL_TTL_SECONDS = 0  # every reader goes to Redis, like 20 processes
    build = Builder(delay=0.3)
    cache_get_or_build(key="hot", build=build, tags=("t",), timeout=1)
    time.sleep(1.1)
    # when 20 threads read it at once
    results = _hammer(20, lambda: cache_get_or_build(key="hot", build=build, tags=("t",), timeout=1))
    # then one rebuilt it while the 19 others were served the stale value at once
    assert build.calls == 2
    assert sorted(results) == ["built-1"] * 19 + ["built-2"]
    assert cache_get_or_build(key="hot", build=build, tags=("t",), timeout=1) == "built-2"


def test_20_readers_of_a_key_nobody_has_wait_for_the_one_rebuild(settings):
    # given a key invalidated by a write: no stale value may be served
    settings.SHOP_CACHE_LOCAL_TTL_SECONDS = 0
    build = Builder(delay=0.3)
    cache_get_or_build(key="hot", build=build, tags=("t",))
    cache_invalidate(tags=("t",))
    # when 20 threads read it at once
    results = _hammer(20, lambda: cache_get_or_build(key="hot", build=build, tags=("t",)))
    # then one rebuilt it and the others waited for its value
    assert build.calls == 2
    assert results == ["built-2"] * 20


def test_with_redis_down_reads_fall_back_to_the_builder_with_a_warning(settings, caplog):
    # given
    settings.CACHES = CLOSED_PORT_CACHES
    build = Builder()
    # when
    with caplog.at_level(logging.WARNING, logger="shop.core.cache"):
        value = cache_get_or_build(key="k", build=build, tags=("t",))
        cache_invalidate(tags=("t",))
    # then
    assert value == "built-1"
    messages = [record.getMessage() for record in caplog.records]
    assert "cache unavailable, reading from the database" in messages
    assert "cache invalidation failed, kept to send again" in messages
    assert cache_stamp(tags=("t",)) is None


def test_an_invalidation_made_while_redis_is_down_is_sent_once_it_is_back(settings, caplog):
    # given a value cached by every process
    settings.SHOP_CACHE_RETRY_SECONDS = 0.5
    build = Builder()
    assert cache_get_or_build(key="k", build=build, tags=("t",)) == "built-1"
    real_caches = settings.CACHES
    # when a write's invalidation meets Redis down, and reads go on during the outage
    settings.CACHES = CLOSED_PORT_CACHES
    with caplog.at_level(logging.WARNING, logger="shop.core.cache"):
        cache_invalidate(tags=("t", "u"))
        assert cache_invalidations_pending() == 2
        assert cache_get_or_build(key="other", build=Builder("x")) == "x-1"  # replay fails quietly
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings.count("cache invalidation failed, kept to send again") == 1
    assert cache_invalidations_pending() == 2
    # and Redis comes back (another process would still find the old value under the old version)
    settings.CACHES = real_caches
    local_cache_clear()
    time.sleep(0.5)  # replays are tried at most every SHOP_CACHE_RETRY_SECONDS
    # then the next round trip sends it first: the value is built again, not read stale
    assert cache_get_or_build(key="k", build=build, tags=("t",)) == "built-2"
    assert cache_invalidations_pending() == 0


def test_the_stamp_changes_when_a_tag_is_invalidated():
    # given
    before = cache_stamp(tags=("catalog", "product:1"))
    assert cache_stamp(tags=("catalog", "product:1")) == before  # stable while nothing changes
    time.sleep(1.05)  # Last-Modified has whole seconds
    # when
    cache_invalidate(tags=("product:1",))
    after = cache_stamp(tags=("catalog", "product:1"))
    # then
    assert after.token != before.token
    assert after.modified_at > before.modified_at
    assert cache_stamp(tags=("catalog",)).modified_at == before.modified_at


def test_the_stamp_changes_when_redis_loses_its_keys_though_no_tag_was_ever_invalidated():
    # given the validators of tags nobody has invalidated (every version reads 0)
    before = cache_stamp(tags=("catalog", "product:1"))
    time.sleep(0.01)
    # when Redis loses everything (a restart; a write meanwhile may have lost its invalidation)
    cache.clear()
    local_cache_clear()
    after = cache_stamp(tags=("catalog", "product:1"))
    # then an ETag handed out before cannot match any more
    assert after.token != before.token
    assert after.modified_at >= before.modified_at
    assert cache_stamp(tags=("catalog", "product:1")) == after  # and it is stable again


def test_a_disabled_cache_always_builds(settings):
    # given
    settings.SHOP_CACHE_ENABLED = False
    build = Builder()
    # when
    values = [cache_get_or_build(key="k", build=build) for _ in range(3)]
    # then
    assert values == ["built-1", "built-2", "built-3"]
    assert cache_stamp(tags=("t",)) is None
