"""Process-local token-bucket rate limiting.

Each key (a user id, an IP address) owns a bucket holding up to `burst` tokens that refills at
`rate` tokens per second; a request takes one token or is refused. The buckets live in this
process only: no Redis or database round trip is spent on a request that is refused, which is the
point when a flood arrives. The price is that a limit holds per process, so with W web processes a
client can get up to W × the rate through (still a hard, known bound); the sticky routing of a
proxy in front makes it closer to 1 ×.

Memory is bounded: at most `max_keys` buckets are kept, the least recently used one is dropped
first (dropping gives that key a full bucket again, which only ever errs on the side of allowing).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class TokenBucketLimiter:
    def __init__(
        self,
        *,
        rate: float,
        burst: float,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        """`rate` <= 0 disables the limiter (every request is allowed)."""
        self.rate = float(rate)
        self.burst = float(max(burst, 1))
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def allow(self, key: Hashable, cost: float = 1.0) -> bool:
        """Take `cost` tokens from `key`'s bucket; False (nothing taken) when it has too few."""
        if not self.enabled:
            return True
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return allowed

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def __len__(self) -> int:
        return len(self._buckets)
