"""The sales page (/flash/): every current sale a shopper can open, live ones first, the same public
page for everybody, linked from every page's navigation."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.flashsale.selectors import sale_list_current
from apps.flashsale.services import flash_sale_close, flash_sale_pause

from .factories import FlashSaleFactory, UserFactory, sale_ready, variant_with_stock

pytestmark = pytest.mark.django_db


def _upcoming(*, starts_in: timedelta, title: str):
    return FlashSaleFactory(
        variant_id=variant_with_stock(units=10).pk,
        title=title,
        starts_at=timezone.now() + starts_in,
        ends_at=timezone.now() + starts_in + timedelta(hours=1),
    )


def _sale_links(content: str) -> list[str]:
    return re.findall(r'<a class="card-link" href="(/(?:zh-hans/)?flash/\d+/)">', content)


def test_the_sales_page_lists_live_sales_first_then_upcoming_ones_by_start_and_no_ended_one(client):
    # given an upcoming sale in two days, one tomorrow, a live one, a paused one and an ended one
    later = _upcoming(starts_in=timedelta(days=2), title="Later sale")
    tomorrow = _upcoming(starts_in=timedelta(days=1), title="Tomorrow's sale")
    live = sale_ready(units=5, title="Live sale")
    paused = sale_ready(units=5, title="Paused sale")
    flash_sale_pause(sale_id=paused.pk)
    ended = sale_ready(units=5, title="Ended sale")
    flash_sale_close(sale_id=ended.pk)
    # when
    response = client.get("/flash/")
    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert _sale_links(content) == [f"/flash/{pk}/" for pk in (live.pk, paused.pk, tomorrow.pk, later.pk)]
    assert "Ended sale" not in content
    assert "Live now." in content
    assert "Paused, back in a moment." in content
    assert f"Starts {timezone.localtime(tomorrow.starts_at):%Y-%m-%d %H:%M}" in content
    assert "49.00 USD" in content


def test_an_upcoming_sale_whose_end_has_passed_is_not_listed():
    # given a scheduled sale whose end beat has not closed yet, and a live one past its end
    stale = FlashSaleFactory(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    overdue = sale_ready(units=5)
    type(overdue).objects.filter(pk=overdue.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    # then neither is offered, though both still exist
    assert [page.sale_id for page in sale_list_current()] == []
    assert type(stale).objects.filter(pk__in=[stale.pk, overdue.pk]).count() == 2


def test_the_sales_page_is_the_same_public_page_for_everybody_and_sets_no_cookie(client):
    sale_ready(units=5)
    anonymous = client.get("/flash/")
    client.force_login(UserFactory())
    response = client.get("/flash/")
    assert response.content == anonymous.content
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert not response.cookies


def test_the_sales_page_in_chinese_links_to_the_chinese_sale_pages(client):
    sale = sale_ready(units=5)
    content = client.get("/zh-hans/flash/").content.decode()
    assert _sale_links(content) == [f"/zh-hans/flash/{sale.pk}/"]
    assert "<h1>限时秒杀</h1>" in content
    assert "正在进行。" in content


def test_with_no_current_sale_it_says_so(client):
    response = client.get("/flash/")
    assert response.status_code == 200
    assert "No flash sale right now." in response.content.decode()


def test_its_queries_do_not_grow_with_the_number_of_sales(django_assert_max_num_queries):
    for days in range(1, 4):
        _upcoming(starts_in=timedelta(days=days), title=f"Sale {days}")
    with django_assert_max_num_queries(4) as few:
        assert len(sale_list_current()) == 3
    for days in range(4, 12):
        _upcoming(starts_in=timedelta(days=days), title=f"Sale {days}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(sale_list_current()) == 11


def test_every_page_links_to_the_sales_page(client):
    assert 'href="/flash/"' in client.get("/").content.decode()
    assert 'href="/zh-hans/flash/"' in client.get("/zh-hans/").content.decode()
    assert 'href="/flash/"' in client.get("/cart/").content.decode()


@pytest.mark.parametrize("path", ["/flash/", "/flash/{sale}/"])
def test_the_public_sale_pages_are_gzipped_and_answer_304_when_django_serves_them(client, path):
    import gzip

    sale = sale_ready(units=5, title="Gzip sale")
    url = path.format(sale=sale.pk)
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first["Content-Encoding"] == "gzip"
    assert b"Gzip sale" in gzip.decompress(first.content)
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]})
    assert again.status_code == 304
