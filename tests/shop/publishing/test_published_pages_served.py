"""PublishedPagesMiddleware: published files answer GETs without a query string, precompressed,
with validators and the page Cache-Control; everything else reaches Django."""

import brotli
import pytest

from shop.publishing.services import pages_publish

PAGE_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"


@pytest.fixture
def page(published):
    pages_publish(paths=["/pages/1/"])
    return (published / "pages/1/index.html").read_bytes()


def test_a_published_page_is_served_from_its_file(client, page):
    # when
    response = client.get("/pages/1/")
    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == page
    assert response["X-Published"] == "1"
    assert response["Cache-Control"] == PAGE_CACHE_CONTROL
    assert response["Content-Type"] == 'text/html; charset="utf-8"'
    assert response["Vary"] == "Accept-Encoding"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware runs before it
    assert "Set-Cookie" not in response.headers


def test_the_brotli_twin_is_served_to_clients_that_accept_it(client, page):
    response = client.get("/pages/1/", headers={"Accept-Encoding": "gzip, br"})
    assert response["Content-Encoding"] == "br"
    assert brotli.decompress(b"".join(response.streaming_content)) == page


def test_a_published_page_answers_304_to_its_etag_and_last_modified(client, page):
    # given
    first = client.get("/pages/1/")
    # when
    by_etag = client.get("/pages/1/", headers={"If-None-Match": first["ETag"]})
    by_date = client.get("/pages/1/", headers={"If-Modified-Since": first["Last-Modified"]})
    # then
    assert (by_etag.status_code, by_date.status_code) == (304, 304)


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/pages/1/?sort=new"), ("post", "/pages/1/"), ("get", "/pages/2/")]
)
def test_query_strings_posts_and_unpublished_pages_reach_django(client, page, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 200
    assert "X-Published" not in response
    assert response.content.startswith(b"<!doctype html>")


def test_nothing_is_served_when_publishing_is_off(client, page, settings):
    settings.PUBLISHING_ENABLED = False
    assert "X-Published" not in client.get("/pages/1/")


def test_a_path_that_climbs_out_of_the_root_is_not_served(client, page, published):
    (published.parent / "secret").mkdir()
    (published.parent / "secret" / "index.html").write_text("secret")
    response = client.get("/pages/../../secret/")
    assert "X-Published" not in response
    assert response.content == b"django"
