"""Admission control: let through what this process can serve, answer the rest at once.

A web process has a fixed number of threads; when a burst arrives, requests past that number wait
in the socket backlog and every one of them gets slow. `InFlightLimiter` caps how many requests of
one kind run at the same time in this process and refuses the next ones immediately (the caller
answers 503 with Retry-After), so the ones admitted stay fast and the refused learn it in
microseconds:

    with limiter.slot() as admitted:
        if not admitted:
            return busy_response()
        ...
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class InFlightLimiter:
    def __init__(self, *, limit: int):
        """`limit` <= 0 disables the limiter."""
        self.limit = limit
        self._semaphore = threading.BoundedSemaphore(limit) if limit > 0 else None

    @contextmanager
    def slot(self) -> Iterator[bool]:
        if self._semaphore is None:
            yield True
            return
        acquired = self._semaphore.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                self._semaphore.release()
