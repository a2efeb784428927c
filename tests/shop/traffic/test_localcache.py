import pytest

from shop.traffic.localcache import LocalTTLCache


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_get_or_load_loads_once_per_ttl():
    clock = FakeClock()
    cache = LocalTTLCache(ttl_seconds=2, clock=clock)
    calls = []

    def loader():
        calls.append(1)
        return len(calls)

    assert cache.get_or_load("sale:1", loader) == 1
    clock.now = 1.9
    assert cache.get_or_load("sale:1", loader) == 1
    clock.now = 2.0
    assert cache.get_or_load("sale:1", loader) == 2
    assert len(calls) == 2


def test_a_failing_loader_stores_nothing():
    cache = LocalTTLCache(ttl_seconds=10)

    def broken():
        raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        cache.get_or_load("k", broken)
    assert cache.get("k", "missing") == "missing"


def test_invalidate_and_size_bound():
    cache = LocalTTLCache(ttl_seconds=10, max_entries=2)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.set("c", 3)
    assert cache.get("a") is None
    cache.invalidate("b")
    assert cache.get("b") is None
    assert cache.get("c") == 3
