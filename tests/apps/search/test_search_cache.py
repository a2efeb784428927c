"""Search answers are cached through the two-level cache and dropped when the index changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.search.selectors import search_products
from tests.apps.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_repeated_search_is_answered_from_the_cache_until_the_index_changes(
    settings, django_capture_on_commit_callbacks
):
    # given answers cached for a minute and one indexed product
    settings.SEARCH_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(name="Sunbeam Kettle", slug="kettle")
    first = search_products(query="kettle", language="en")

    # when the same search runs again
    with CaptureQueriesContext(connection) as queries:
        again = search_products(query="kettle", language="en")

    # then it touches no database and answers the same
    assert len(queries) == 0
    assert again == first

    # and once the product is renamed (committed), the next search sees the change
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "Sunbeam Teapot"
        product.save()
    assert search_products(query="kettle", language="en").total == 0
    assert [hit.name for hit in search_products(query="teapot", language="en").hits] == ["Sunbeam Teapot"]
