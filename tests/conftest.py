"""Fixtures every test may use.

`postgres` marks a test that needs the real PostgreSQL: it is skipped on SQLite (the embedded
default), and an error instead when SHOP_REQUIRE_SERVICES=1 (CI), so CI can never skip one.
"""

import os

import pytest
from django.db import connection

pytest_plugins = ["tests.s3"]  # the s3_server fixture

REQUIRE_SERVICES = os.environ.get("SHOP_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            if REQUIRE_SERVICES:
                raise pytest.UsageError(
                    "SHOP_REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL: refusing to skip "
                    f"{item.nodeid}"
                )
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    from shop.core import cache as two_level

    cache.clear()
    two_level.local_cache_clear()  # the in-process level of shop.core.cache, which cache.clear() cannot reach
    two_level._unsent.clear()  # invalidations an earlier test's "Redis down" kept back
    yield


@pytest.fixture
def redis_client():
    """A client of the real Redis the settings point at (CI: the machine's; else the private one)."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()
