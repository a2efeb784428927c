"""A small process-local cache for values that may be a second or two stale (a sale's window, its
live state): one lookup per key per TTL per process instead of one per request."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LocalTTLCache:
    def __init__(
        self, *, ttl_seconds: float, max_entries: int = 1024, clock: Callable[[], float] = time.monotonic
    ):
        self.ttl = float(ttl_seconds)
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= self._clock():
                return default
            return entry[1]

    def set(self, key: Hashable, value: Any, ttl_seconds: float | None = None) -> None:
        ttl = self.ttl if ttl_seconds is None else ttl_seconds
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (self._clock() + ttl, value)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_load(self, key: Hashable, loader: Callable[[], Any], ttl_seconds: float | None = None) -> Any:
        """The cached value, or `loader()` stored for the TTL. A loader that raises stores nothing.

        Two threads missing at once may both load (no lock is held while loading, so a slow
        loader never blocks readers of other keys); the loaders must be idempotent reads."""
        missing = object()
        value = self.get(key, missing)
        if value is not missing:
            return value
        value = loader()
        self.set(key, value, ttl_seconds)
        return value

    def invalidate(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
