import pytest
from django.db import connection


@pytest.fixture(scope="session", autouse=True)
def _pg_trgm(django_db_setup, django_db_blocker):
    """The test database is built without migrations: add the extension migration 0002 adds."""
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


@pytest.fixture(autouse=True)
def _search_answers_not_cached(settings):
    """Most tests look at the backends; test_search_cache.py turns the answer cache back on."""
    settings.SEARCH_CACHE_SECONDS = 0
