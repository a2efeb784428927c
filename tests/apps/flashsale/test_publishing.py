"""The flash-sale page as a published file: written in both languages for every upcoming, armed, live
or paused sale, the same for everyone (no buyer token, no CSRF token, no cookie), published again
through Celery (eager here) after the commit of a change, removed when the sale ends or is deleted.
The sales page (/flash/) is published with them and again after every change of any sale."""

import gzip
import re
from datetime import timedelta

import brotli
import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.flashsale.models import FlashSale
from apps.flashsale.publishing import FlashSalePages, sale_page_set
from apps.flashsale.services import (
    flash_sale_arm,
    flash_sale_close,
    flash_sale_pause,
    flash_sale_resume,
    flash_sales_advance,
)
from shop.publishing.registry import PageSet
from shop.publishing.render import page_render

from .factories import FlashSaleFactory, sale_ready, variant_with_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(settings, tmp_path):
    settings.PUBLISHING_ENABLED = True
    settings.PUBLISHED_ROOT = tmp_path / "published"
    return settings.PUBLISHED_ROOT


def _flash_files(root) -> list[str]:
    """The published sale pages (not the sales page)."""
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("index.html")
        if re.search(r"flash/\d+/", str(path))
    )


def _index(root, language: str = "") -> str:
    prefix = f"{language}/" if language else ""
    return (root / f"{prefix}flash/index.html").read_text()


def _page(root, sale_id: int, language: str = "") -> str:
    prefix = f"{language}/" if language else ""
    return (root / f"{prefix}flash/{sale_id}/index.html").read_text()


def _upcoming_draft() -> FlashSale:
    variant = variant_with_stock(units=10)
    return FlashSaleFactory(
        variant_id=variant.pk,
        units=10,
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=2),
    )


def test_publish_pages_all_writes_every_current_sale_in_both_languages(published):
    # given a live sale, an upcoming (scheduled) one and an ended one
    live = sale_ready(units=5)
    upcoming = _upcoming_draft()
    ended = sale_ready(units=5)
    flash_sale_close(sale_id=ended.pk)
    # when
    call_command("publish_pages", "--all")
    # then
    assert _flash_files(published) == sorted(
        [
            f"flash/{live.pk}/index.html",
            f"flash/{upcoming.pk}/index.html",
            f"zh-hans/flash/{live.pk}/index.html",
            f"zh-hans/flash/{upcoming.pk}/index.html",
        ]
    )
    assert '<html lang="zh-hans">' in _page(published, live.pk, "zh-hans")
    assert f"<title>{live.title} · " in _page(published, live.pk)
    # and the sales page lists the live and the upcoming sale, in both languages
    for language, prefix in (("", ""), ("zh-hans", "/zh-hans")):
        index = _index(published, language)
        assert f'href="{prefix}/flash/{live.pk}/"' in index
        assert f'href="{prefix}/flash/{upcoming.pk}/"' in index
        assert f'href="{prefix}/flash/{ended.pk}/"' not in index


def test_the_published_page_has_no_token_no_csrf_token_and_sets_no_cookie(published):
    sale = sale_ready(units=5)
    # when the publisher renders it (it refuses a page that used the CSRF token or set a cookie)
    rendered = page_render(f"/flash/{sale.pk}/")
    # then
    assert rendered.status == 200
    content = rendered.content.decode()
    assert 'name="token"' not in content
    assert 'data-token=""' in content
    assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', content) == ["", ""]
    assert "Live now." in content
    assert f'action="/flash/{sale.pk}/join/"' in content


def test_the_twins_of_the_sale_page_decompress_to_the_page(published):
    sale = sale_ready(units=5)
    page = published / f"flash/{sale.pk}/index.html"
    assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress(page.with_name("index.html.br").read_bytes()) == page.read_bytes()


def test_arming_publishes_the_page_through_celery_after_the_commit(
    published, django_capture_on_commit_callbacks
):
    # given an upcoming sale, not published yet
    sale = _upcoming_draft()
    # when it is armed
    with django_capture_on_commit_callbacks(execute=True):
        flash_sale_arm(sale_id=sale.pk)
        assert _flash_files(published) == []  # nothing before the commit
    # then
    assert _flash_files(published) == [f"flash/{sale.pk}/index.html", f"zh-hans/flash/{sale.pk}/index.html"]
    assert "Not started yet." in _page(published, sale.pk)
    assert f'href="/flash/{sale.pk}/"' in _index(published)


def test_the_warmup_command_publishes_the_page(published, capsys):
    # given an upcoming sale
    sale = _upcoming_draft()
    # when the operator warms it up (outside the test's on-commit capture: the command publishes itself)
    call_command("flashsale_warmup", str(sale.pk))
    # then
    out = capsys.readouterr().out
    assert f"  published /flash/{sale.pk}/" in out
    assert f"  published /zh-hans/flash/{sale.pk}/" in out
    assert _flash_files(published) == [f"flash/{sale.pk}/index.html", f"zh-hans/flash/{sale.pk}/index.html"]


def test_pause_and_resume_publish_the_page_again(published, django_capture_on_commit_callbacks):
    sale = sale_ready(units=5)
    assert "Live now." in _page(published, sale.pk)
    chinese_before = _page(published, sale.pk, "zh-hans")
    # when paused
    with django_capture_on_commit_callbacks(execute=True):
        flash_sale_pause(sale_id=sale.pk)
    # then both languages are written again
    assert "Paused, back in a moment." in _page(published, sale.pk)
    assert "Live now." not in _page(published, sale.pk)
    assert _page(published, sale.pk, "zh-hans") != chinese_before
    # when resumed
    with django_capture_on_commit_callbacks(execute=True):
        flash_sale_resume(sale_id=sale.pk)
    # then
    assert "Live now." in _page(published, sale.pk)


def test_an_admin_edit_publishes_the_page_again(published, django_capture_on_commit_callbacks):
    # given a published upcoming sale
    sale = _upcoming_draft()
    call_command("publish_pages", "--kind", "flash_sale", "--id", str(sale.pk))
    # when its title is edited (the admin saves the model)
    with django_capture_on_commit_callbacks(execute=True):
        sale.title = "Midnight lamp rush"
        sale.save()
    # then
    assert "<h1>Midnight lamp rush</h1>" in _page(published, sale.pk)
    assert "<h1>Midnight lamp rush</h1>" in _page(published, sale.pk, "zh-hans")


def test_the_pages_are_removed_when_the_sale_ends(published, django_capture_on_commit_callbacks):
    sale = sale_ready(units=5)
    assert len(_flash_files(published)) == 2
    # when the sale ends
    with django_capture_on_commit_callbacks(execute=True):
        flash_sale_close(sale_id=sale.pk)
    # then the files and their twins are gone; the dynamic page says it is over
    assert _flash_files(published) == []
    assert f'href="/flash/{sale.pk}/"' not in _index(published)
    assert "No flash sale right now." in _index(published)
    assert list((published / f"flash/{sale.pk}").iterdir()) == []
    assert list((published / f"zh-hans/flash/{sale.pk}").iterdir()) == []


def test_the_pages_are_removed_when_a_scheduled_sale_is_deleted(
    published, django_capture_on_commit_callbacks
):
    sale = _upcoming_draft()
    call_command("publish_pages", "--kind", "flash_sale", "--id", str(sale.pk))
    assert len(_flash_files(published)) == 2
    # when
    with django_capture_on_commit_callbacks(execute=True):
        sale.delete()
    # then
    assert _flash_files(published) == []


def test_ending_a_sale_keeps_the_page_of_a_sale_whose_id_starts_with_the_same_digits(published):
    # given two live sales, #880001 and #8800012 (removal goes by path prefix: "/flash/880001")
    first = sale_ready(units=5, id=880001)
    second = sale_ready(units=5, id=8800012)
    # when the first ends
    flash_sale_close(sale_id=first.pk)
    pages = sale_page_set(sale_id=first.pk)
    call_command("publish_pages", "--kind", "flash_sale", "--id", str(first.pk))
    # then only its own pages go
    assert pages == PageSet(
        publish=(f"/flash/{second.pk}/", f"/zh-hans/flash/{second.pk}/", "/flash/", "/zh-hans/flash/"),
        remove=(f"/flash/{first.pk}", f"/zh-hans/flash/{first.pk}"),
    )
    assert _flash_files(published) == [
        f"flash/{second.pk}/index.html",
        f"zh-hans/flash/{second.pk}/index.html",
    ]


def test_the_page_source_answers_only_its_own_kind():
    sale = sale_ready(units=5)
    source = FlashSalePages()
    assert source.pages_for(kind="product", object_id=sale.pk) is None
    assert source.pages_for(kind="flash_sale", object_id=sale.pk) == PageSet(
        publish=(f"/flash/{sale.pk}/", f"/zh-hans/flash/{sale.pk}/", "/flash/", "/zh-hans/flash/")
    )
    assert list(source.pages_all()) == [
        "/flash/",
        "/zh-hans/flash/",
        f"/flash/{sale.pk}/",
        f"/zh-hans/flash/{sale.pk}/",
    ]


def test_nothing_is_published_while_publishing_is_off(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.PUBLISHING_ENABLED = False
    settings.PUBLISHED_ROOT = tmp_path / "published"
    sale = _upcoming_draft()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        flash_sale_arm(sale_id=sale.pk)
    assert len(callbacks) == 1  # loading Redis only
    assert not (tmp_path / "published").exists()


def test_the_beat_closing_a_sale_past_its_end_removes_its_pages(
    published, django_capture_on_commit_callbacks
):
    sale = sale_ready(units=5)
    # when the beat's advance runs after the sale's end
    with django_capture_on_commit_callbacks(execute=True):
        flash_sales_advance(now=timezone.now() + timedelta(hours=2))
    # then
    assert FlashSale.objects.get(pk=sale.pk).state == FlashSale.State.ENDED
    assert _flash_files(published) == []


def test_the_sales_page_is_published_again_when_a_sale_starts(published, django_capture_on_commit_callbacks):
    # given an armed sale that has not started: the sales page says when it starts
    sale = _upcoming_draft()
    with django_capture_on_commit_callbacks(execute=True):
        flash_sale_arm(sale_id=sale.pk)
    assert "Starts " in _index(published)
    assert "Live now." not in _index(published)
    # when its start comes (moved to the past here) and the beat starts it
    FlashSale.objects.filter(pk=sale.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        flash_sales_advance()
    # then the sales page says it is live, in both languages
    assert FlashSale.objects.get(pk=sale.pk).state == FlashSale.State.LIVE
    assert "Live now." in _index(published)
    assert "正在进行。" in _index(published, "zh-hans")
