"""Process-local flags kept fresh across processes by Redis pub/sub.

A flag ("sale 12 is sold out") is checked on every request of a hot path, so reading it must cost
nothing: it is a dict lookup in this process. Every process subscribes (one daemon thread) to a
Redis channel on which any process publishes `set:<name>` or `clear:<name>`; the thread applies
them to the local dict. Each local flag also expires after `ttl_seconds`, which bounds the damage
of a message the subscriber missed (it was reconnecting): a stale "set" only costs the next
request one trip to the authority (which sets the flag again if it still holds), a stale "clear"
self-heals the same way.

The subscriber starts lazily on first use in each process (and again after a fork, gunicorn
pre-forks its workers), so importing this module starts nothing. It reconnects with a back-off
when Redis goes away.

    SOLD_OUT = FlagCache(channel="fs:soldout", ttl_seconds=5, redis_url=settings.REDIS_URL)
    if SOLD_OUT.is_set("12"): ...           # local, no I/O
    SOLD_OUT.set_local("12")                 # this process learnt it first hand
    SOLD_OUT.publish_clear(client, "12")     # tell every process
"""

import logging
import os
import threading
import time
from collections.abc import Callable

import redis

logger = logging.getLogger(__name__)

SET = "set:"
CLEAR = "clear:"


class FlagCache:
    def __init__(
        self,
        *,
        channel: str,
        ttl_seconds: float,
        redis_url: str | Callable[[], str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        """`redis_url` (or a callable returning it, read when the subscriber starts) enables the
        subscriber; None keeps the cache purely local (flags expire by TTL only)."""
        self.channel = channel
        self.ttl = float(ttl_seconds)
        self._redis_url = redis_url
        self._clock = clock
        self._flags: dict[str, float] = {}
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.subscribed = threading.Event()

    # --- messages -----------------------------------------------------------------------------
    @staticmethod
    def set_message(name: str) -> str:
        return f"{SET}{name}"

    @staticmethod
    def clear_message(name: str) -> str:
        return f"{CLEAR}{name}"

    def publish_set(self, client: redis.Redis, name: str) -> None:
        self.set_local(name)
        client.publish(self.channel, self.set_message(name))

    def publish_clear(self, client: redis.Redis, name: str) -> None:
        self.clear_local(name)
        client.publish(self.channel, self.clear_message(name))

    def apply(self, message: str | bytes) -> None:
        """Apply one pub/sub message (the subscriber thread calls this; tests may too)."""
        text = message.decode() if isinstance(message, bytes) else str(message)
        if text.startswith(SET):
            self.set_local(text[len(SET) :])
        elif text.startswith(CLEAR):
            self.clear_local(text[len(CLEAR) :])

    # --- local state --------------------------------------------------------------------------
    def is_set(self, name: str) -> bool:
        self._ensure_subscriber()
        expires = self._flags.get(name)
        if expires is None:
            return False
        if expires <= self._clock():
            with self._lock:
                self._flags.pop(name, None)
            return False
        return True

    def set_local(self, name: str) -> None:
        with self._lock:
            self._flags[name] = self._clock() + self.ttl

    def clear_local(self, name: str) -> None:
        with self._lock:
            self._flags.pop(name, None)

    def clear_all(self) -> None:
        with self._lock:
            self._flags.clear()

    # --- the subscriber -----------------------------------------------------------------------
    def _ensure_subscriber(self) -> None:
        pid = os.getpid()
        if self._pid == pid or self._redis_url is None:
            return
        with self._lock:
            if self._pid == pid:
                return
            # A forked child inherits the parent's dict but not its thread: start afresh.
            self._pid = pid
            self._flags = {}
            self._stop = threading.Event()
            self.subscribed = threading.Event()
            self._thread = threading.Thread(
                target=self._listen_forever, name=f"flags:{self.channel}", daemon=True
            )
            self._thread.start()

    def start(self) -> None:
        """Start the subscriber now (otherwise the first `is_set` does)."""
        self._ensure_subscriber()

    def stop(self) -> None:
        self._stop.set()

    def _url(self) -> str:
        return self._redis_url() if callable(self._redis_url) else str(self._redis_url)

    def _listen_forever(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                self._listen_once()
                backoff = 0.1
            except Exception:  # any failure: reconnect, never kill the thread
                logger.warning("flag subscriber lost its Redis connection", extra={"channel": self.channel})
            self.subscribed.clear()
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _listen_once(self) -> None:
        client = redis.Redis.from_url(self._url(), socket_connect_timeout=2, health_check_interval=30)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            self.subscribed.set()
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message and message.get("type") == "message":
                    self.apply(message["data"])
        finally:
            pubsub.close()
            client.close()
