import pytest

from apps.flashsale import redis_store
from apps.flashsale.gate import gate_reset


@pytest.fixture(autouse=True)
def _flash_redis(settings):
    """Each test starts with an empty flash-sale Redis (the test run's own Redis db) and a fresh
    process-local gate; no rate limit unless the test sets one."""
    settings.FLASHSALE_USER_RATE_PER_SECOND = 0
    settings.FLASHSALE_IP_RATE_PER_SECOND = 0
    gate_reset()
    redis_store.client().flushdb()
    yield
    gate_reset()
