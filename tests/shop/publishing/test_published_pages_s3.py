"""Publishing into an object store (PUBLISHING_STORAGE_BACKEND = S3Storage) behind a CDN: the pages
and their twins become objects with the headers a CDN serves them with, an unchanged page is not
uploaded again, and removal by prefix works on the store's listing. Against an S3-compatible
server over HTTP (tests/s3.py)."""

import gzip

import brotli
import pytest
from django.core.management import call_command

from shop.publishing.services import pages_publish

BUCKET = "shop-published"


@pytest.fixture
def published_s3(published, settings, s3_server):
    settings.PUBLISHING_STORAGE_BACKEND = "storages.backends.s3.S3Storage"
    settings.PUBLISHING_STORAGE_OPTIONS = s3_server.storage_options(
        s3_server.bucket(BUCKET), querystring_auth=False
    )
    return s3_server


def _object(server, key: str) -> dict:
    return server.client().get_object(Bucket=BUCKET, Key=key)


def test_a_page_and_its_twins_are_objects_with_the_headers_a_cdn_serves(published_s3, published):
    # when
    report = pages_publish(paths=["/pages/1/"])
    # then
    assert report.written == ["/pages/1/"]
    assert published_s3.keys(BUCKET) == [
        "pages/1/index.html",
        "pages/1/index.html.br",
        "pages/1/index.html.gz",
    ]
    page = _object(published_s3, "pages/1/index.html")
    html = page["Body"].read()
    assert page["ContentType"] == "text/html"
    assert html.startswith(b"<!doctype html>")
    gz = _object(published_s3, "pages/1/index.html.gz")
    br = _object(published_s3, "pages/1/index.html.br")
    assert (gz["ContentType"], gz["ContentEncoding"]) == ("text/html", "gzip")
    assert (br["ContentType"], br["ContentEncoding"]) == ("text/html", "br")
    assert gzip.decompress(gz["Body"].read()) == html
    assert brotli.decompress(br["Body"].read()) == html
    # and nothing went to the local folder
    assert not (published / "pages").exists()


def test_an_unchanged_page_is_not_uploaded_again(published_s3):
    pages_publish(paths=["/pages/1/"])
    uploaded = _object(published_s3, "pages/1/index.html")["LastModified"]
    # when
    report = pages_publish(paths=["/pages/1/"])
    # then
    assert report.written == []
    assert report.unchanged == ["/pages/1/"]
    assert _object(published_s3, "pages/1/index.html")["LastModified"] == uploaded


def test_a_change_removes_the_objects_under_its_prefix_except_the_current_page(published_s3):
    # given thing 7 published under an old and the current slug, and thing 70
    pages_publish(paths=["/pages/7-old/", "/pages/7-new/", "/pages/70-other/"])
    # when
    report = pages_publish(paths=["/pages/7-new/"], remove=["/pages/7-"])
    # then
    assert report.removed == ["/pages/7-old/"]
    assert [key for key in published_s3.keys(BUCKET) if key.endswith("index.html")] == [
        "pages/7-new/index.html",
        "pages/70-other/index.html",
    ]
    assert not [key for key in published_s3.keys(BUCKET) if key.startswith("pages/7-old/")]


def test_the_command_publishes_everything_and_removes_orphans_in_the_store(published_s3, capsys):
    # given a page published earlier that no source names any more
    pages_publish(paths=["/pages/9/"])
    # when
    call_command("publish_pages", "--all")
    # then
    assert "2 written, 0 unchanged, 1 removed" in capsys.readouterr().out
    assert [key for key in published_s3.keys(BUCKET) if key.endswith("index.html")] == [
        "pages/1/index.html",
        "pages/2/index.html",
    ]
