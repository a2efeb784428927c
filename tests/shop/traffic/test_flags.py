import time
import uuid

from django.conf import settings

from shop.traffic.flags import FlagCache


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_local_flag_expires_after_its_ttl():
    clock = FakeClock()
    flags = FlagCache(channel="unused", ttl_seconds=5, clock=clock)
    flags.set_local("12")
    assert flags.is_set("12") is True
    clock.now = 5.0
    assert flags.is_set("12") is False


def test_messages_set_and_clear_flags():
    flags = FlagCache(channel="unused", ttl_seconds=5)
    flags.apply(b"set:7")
    assert flags.is_set("7") is True
    flags.apply("clear:7")
    assert flags.is_set("7") is False
    flags.apply("garbage")
    assert flags.is_set("garbage") is False


def _wait_for(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_a_flag_published_by_one_process_reaches_the_subscriber_of_another(redis_client):
    # given two caches on the same channel (two web processes), subscribed through real Redis
    channel = f"test-flags-{uuid.uuid4().hex}"
    reader = FlagCache(channel=channel, ttl_seconds=30, redis_url=settings.REDIS_URL)
    reader.start()
    assert reader.subscribed.wait(3)
    writer = FlagCache(channel=channel, ttl_seconds=30)
    try:
        # when the writer publishes a set, then a clear
        writer.publish_set(redis_client, "99")
        # then the reader learns both, with no request of its own to Redis
        assert _wait_for(lambda: reader.is_set("99"))
        writer.publish_clear(redis_client, "99")
        assert _wait_for(lambda: not reader.is_set("99"))
    finally:
        reader.stop()
