"""Catalog pages are cacheable: no cookie, the right Vary and Cache-Control, 304 answers, gzip, no
SQL when the two-level cache is warm, no stale product once an edit is committed, and a page even
with Redis down."""

import gzip
import logging

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Product
from apps.catalog.selectors import product_get
from shop.core.cache import local_cache_clear
from tests.apps.catalog.factories import CategoryFactory, ProductFactory, ProductImageFactory, VariantFactory

pytestmark = pytest.mark.django_db

PAGE_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"


@pytest.fixture
def product():
    product = ProductFactory(
        name="Desk Lamp",
        name_zh="台灯",
        slug="desk-lamp",
        category=CategoryFactory(slug="lights"),
        is_featured=True,
    )
    VariantFactory(product=product)
    ProductImageFactory(product=product)
    return product


def _vary(response) -> set[str]:
    return {field.strip().lower() for field in response.get("Vary", "").split(",") if field.strip()}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/zh-hans/",
        "/c/lights/",
        "/zh-hans/c/lights/",
        "/p/{pk}-desk-lamp/",
        "/zh-hans/p/{pk}-desk-lamp/",
    ],
)
def test_anonymous_catalog_pages_set_no_cookie_and_may_be_kept_by_a_cdn(client, product, path):
    # when
    response = client.get(path.format(pk=product.pk))
    # then
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert response["Cache-Control"] == PAGE_CACHE_CONTROL
    assert _vary(response) == {"accept-encoding"}  # neither Cookie nor Accept-Language
    # the token fields (the nav's log-out form, the buy form) are empty: live.js fills them
    empty_tokens = response.content.count(b'name="csrfmiddlewaretoken" value=""')
    assert empty_tokens == response.content.count(b"csrfmiddlewaretoken") == (2 if "/p/" in path else 1)


def test_the_product_page_answers_304_to_its_etag(client, product):
    # given
    url = f"/p/{product.pk}-desk-lamp/"
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"en-')
    # when
    again = client.get(url, headers={"If-None-Match": etag})
    # then
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == PAGE_CACHE_CONTROL


def test_the_product_page_answers_304_to_if_modified_since(client, product):
    # given
    url = f"/zh-hans/p/{product.pk}-desk-lamp/"
    last_modified = client.get(url)["Last-Modified"]
    # when
    again = client.get(url, headers={"If-Modified-Since": last_modified})
    # then
    assert again.status_code == 304
    assert client.get(url, headers={"If-Modified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"}).status_code == 200


def test_home_and_category_pages_answer_304_too(client, product):
    for url in ("/", "/c/lights/?sort=price_asc"):
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_an_edit_once_committed_is_on_the_page_and_changes_the_etag(
    client, product, django_capture_on_commit_callbacks
):
    # given a page read (and cached) before the edit
    url = f"/p/{product.pk}-desk-lamp/"
    before = client.get(url)
    assert b"Desk Lamp" in before.content
    # when the product is renamed and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "Reading Lamp"
        product.save()
    # then the old ETag no longer matches and the page shows the new name
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert b"Reading Lamp" in after.content
    assert after["ETag"] != before["ETag"]


def test_an_etag_from_before_redis_lost_its_keys_no_longer_matches(client, product):
    # given a page read while no tag had ever been invalidated
    url = f"/p/{product.pk}-desk-lamp/"
    before = client.get(url)
    # when a write's invalidation is lost (Redis away: an UPDATE here, which invalidates nothing)
    # and Redis comes back empty
    Product.objects.filter(pk=product.pk).update(name="Reading Lamp")
    cache.clear()
    local_cache_clear()
    # then the old ETag gets the page as it is now, not a 304 for the old one
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert b"Reading Lamp" in after.content


def test_no_stale_product_from_the_selector_after_a_committed_edit(
    product, django_capture_on_commit_callbacks
):
    # given the product detail in both cache levels
    assert product_get(product_id=product.pk, language="en").name == "Desk Lamp"
    # when a variant's price changes and the transaction commits
    variant = product.variants.get()
    with django_capture_on_commit_callbacks(execute=True):
        variant.price = "77.00"
        variant.save()
    # then
    assert str(product_get(product_id=product.pk, language="en").price_from.amount) == "77.00"


def test_the_product_page_costs_no_sql_once_cached(client, product):
    # given
    url = f"/p/{product.pk}-desk-lamp/"
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    local_cache_clear()  # another web process: only Redis holds the values
    # when
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url)
    # then
    assert response.status_code == 200
    assert len(cold) <= 6
    assert len(warm) == 0


@pytest.mark.parametrize("query", ["", "?sort=price_asc&page=1"])
def test_a_category_listing_costs_no_sql_once_cached(client, product, query):
    # given a category page read once (brands, attribute values and the product page cached)
    url = f"/c/lights/{query}"
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    local_cache_clear()  # another web process: only Redis holds the values
    # when it is read again
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url)
    # then it is the same listing and no SQL ran
    assert response.status_code == 200
    assert b"Desk Lamp" in response.content
    assert len(cold) > 0
    assert len(warm) == 0


def test_a_product_added_once_committed_is_on_the_cached_category_listing(
    client, product, django_capture_on_commit_callbacks
):
    # given the listing read (and cached) with one product
    assert b"Floor Lamp" not in client.get("/c/lights/").content
    # when another product is added to the category and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        added = ProductFactory(
            name="Floor Lamp",
            slug="floor-lamp",
            category=product.category,
            merchant=product.merchant,
            brand=product.brand,
        )
        VariantFactory(product=added)
    # then the listing shows it
    assert b"Floor Lamp" in client.get("/c/lights/").content


def test_pages_are_gzipped_for_clients_that_accept_it(client, product):
    # when
    response = client.get(f"/p/{product.pk}-desk-lamp/", headers={"Accept-Encoding": "gzip"})
    # then
    assert response["Content-Encoding"] == "gzip"
    assert "accept-encoding" in _vary(response)
    assert b"Desk Lamp" in gzip.decompress(response.content)


def test_with_redis_down_the_product_page_is_read_from_the_database(client, product, settings, caplog):
    # given
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    # when
    with caplog.at_level(logging.WARNING, logger="shop.core.cache"):
        response = client.get(f"/p/{product.pk}-desk-lamp/")
    # then
    assert response.status_code == 200
    assert b"Desk Lamp" in response.content
    assert "ETag" not in response  # no validators without the stamps
    assert "cache unavailable, reading from the database" in [r.getMessage() for r in caplog.records]
