"""The catalog's published pages: `publish_pages`, and re-publishing after a change through the
receivers, transaction.on_commit and the Celery task (eager in tests)."""

import gzip
from html.parser import HTMLParser

import brotli
import pytest
from django.core.management import call_command

from apps.catalog.models import Product
from tests.apps.catalog.factories import CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    def __init__(self, content: bytes):
        super().__init__()
        self.html_lang = None
        self.title = ""
        self._in_title = False
        self.feed(content.decode())
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture
def published(settings, tmp_path):
    settings.PUBLISHING_ENABLED = True
    settings.PUBLISHED_ROOT = tmp_path / "published"
    return settings.PUBLISHED_ROOT


@pytest.fixture
def lamp():
    lights = CategoryFactory(
        slug="lights", name="Lights", parent=CategoryFactory(slug="home-goods", name="Home")
    )
    product = ProductFactory(
        name="Desk Lamp", name_zh="台灯", slug="desk-lamp", category=lights, is_featured=True
    )
    VariantFactory(product=product)
    return product


def test_publish_pages_all_writes_home_categories_and_products_in_both_languages(published, lamp):
    # given a draft, which is not public
    ProductFactory(slug="secret", category=lamp.category, status=Product.Status.DRAFT)
    # when
    call_command("publish_pages", "--all")
    # then
    files = sorted(str(path.relative_to(published)) for path in published.rglob("index.html"))
    assert files == [
        "c/home-goods/index.html",
        "c/lights/index.html",
        "flash/index.html",  # the sales page (apps.flashsale's page source), with no sale yet
        "index.html",
        f"p/{lamp.pk}-desk-lamp/index.html",
        "zh-hans/c/home-goods/index.html",
        "zh-hans/c/lights/index.html",
        "zh-hans/flash/index.html",
        "zh-hans/index.html",
        f"zh-hans/p/{lamp.pk}-desk-lamp/index.html",
    ]
    english = Page((published / f"p/{lamp.pk}-desk-lamp/index.html").read_bytes())
    chinese = Page((published / f"zh-hans/p/{lamp.pk}-desk-lamp/index.html").read_bytes())
    assert (english.html_lang, english.title.split(" · ")[0]) == ("en", "Desk Lamp")
    assert (chinese.html_lang, chinese.title.split(" · ")[0]) == ("zh-hans", "台灯")


def test_the_twins_of_a_product_page_decompress_to_the_page(published, lamp):
    # when
    call_command("publish_pages", "--product", str(lamp.pk))
    # then
    page = published / f"p/{lamp.pk}-desk-lamp/index.html"
    assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress(page.with_name("index.html.br").read_bytes()) == page.read_bytes()


def test_publish_pages_product_writes_its_page_its_categories_and_home(published, lamp, capsys):
    call_command("publish_pages", "--product", str(lamp.pk))
    assert "8 written, 0 unchanged, 0 removed" in capsys.readouterr().out


def test_publish_pages_category_writes_it_and_its_parent(published, lamp, capsys):
    call_command("publish_pages", "--category", str(lamp.category_id))
    out = capsys.readouterr().out
    assert "4 written, 0 unchanged, 0 removed" in out
    assert "  written /zh-hans/c/home-goods/" in out


def test_a_product_edit_republishes_its_pages_through_celery_after_the_commit(
    published, lamp, django_capture_on_commit_callbacks
):
    # given
    call_command("publish_pages", "--all")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        lamp.name = "Reading Lamp"
        lamp.save()
        # nothing is re-published before the commit
        assert b"Reading Lamp" not in (published / f"p/{lamp.pk}-desk-lamp/index.html").read_bytes()
    # then
    assert Page((published / f"p/{lamp.pk}-desk-lamp/index.html").read_bytes()).title.startswith(
        "Reading Lamp ·"
    )
    assert b"Reading Lamp" in (published / "c/lights/index.html").read_bytes()
    assert b"Reading Lamp" in (published / "c/home-goods/index.html").read_bytes()
    assert b"Reading Lamp" in (published / "index.html").read_bytes()
    page = (published / f"p/{lamp.pk}-desk-lamp/index.html").read_bytes()
    assert brotli.decompress((published / f"p/{lamp.pk}-desk-lamp/index.html.br").read_bytes()) == page


def test_a_new_slug_moves_the_page_and_removes_the_old_one(
    published, lamp, django_capture_on_commit_callbacks
):
    # given
    call_command("publish_pages", "--all")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        lamp.slug = "lamp"
        lamp.save()
    # then
    assert (published / f"p/{lamp.pk}-lamp/index.html").exists()
    assert (published / f"zh-hans/p/{lamp.pk}-lamp/index.html").exists()
    assert not (published / f"p/{lamp.pk}-desk-lamp/index.html").exists()
    assert not (published / f"p/{lamp.pk}-desk-lamp/index.html.br").exists()


def test_a_product_moved_to_another_category_leaves_the_old_listing(
    published, lamp, django_capture_on_commit_callbacks
):
    # given
    other = CategoryFactory(slug="other", name="Other")
    call_command("publish_pages", "--all")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        lamp.category = other
        lamp.save()
    # then
    assert b"Desk Lamp" not in (published / "c/lights/index.html").read_bytes()
    assert b"Desk Lamp" in (published / "c/other/index.html").read_bytes()


def test_a_deactivated_product_loses_its_pages_and_leaves_its_listing(
    published, lamp, django_capture_on_commit_callbacks
):
    # given
    call_command("publish_pages", "--all")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        lamp.status = Product.Status.DRAFT
        lamp.save()
    # then
    assert not list(published.glob("p/*/index.html"))
    assert not list(published.glob("zh-hans/p/*/index.html*"))
    assert b"Desk Lamp" not in (published / "c/lights/index.html").read_bytes()
    assert b"Desk Lamp" not in (published / "index.html").read_bytes()


def test_a_deleted_product_loses_its_pages(published, lamp, django_capture_on_commit_callbacks):
    # given
    call_command("publish_pages", "--all")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        lamp.delete()
    # then
    assert not list(published.glob("p/*/index.html*"))
    assert not list(published.glob("zh-hans/p/*/index.html*"))
    assert b"Desk Lamp" not in (published / "zh-hans/c/lights/index.html").read_bytes()


def test_a_category_rename_republishes_every_page(published, lamp, django_capture_on_commit_callbacks):
    # given
    call_command("publish_pages", "--all")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        lamp.category.parent.name = "Household"
        lamp.category.parent.save()
    # then the nav and breadcrumbs of the product page show it
    assert b"Household" in (published / f"p/{lamp.pk}-desk-lamp/index.html").read_bytes()
    assert b"Household" in (published / "index.html").read_bytes()


def test_the_site_serves_the_published_product_page(client, published, lamp):
    # given
    call_command("publish_pages", "--product", str(lamp.pk))
    # when
    response = client.get(f"/zh-hans/p/{lamp.pk}-desk-lamp/", headers={"Accept-Encoding": "br"})
    # then
    assert response["X-Published"] == "1"
    assert response["Content-Encoding"] == "br"
    assert "台灯" in brotli.decompress(b"".join(response.streaming_content)).decode()
