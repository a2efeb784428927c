"""The search page and the autocomplete endpoint, in both languages, and bad input."""

import json
from decimal import Decimal

import pytest

from apps.search.services import search_index_rebuild
from tests.apps.catalog.factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(db):
    category = CategoryFactory(slug="audio", name="Audio", name_zh="音频")
    brand = BrandFactory(slug="auralis", name="Auralis")
    for index in range(30):
        product = ProductFactory(
            category=category,
            brand=brand,
            name=f"Auralis Wireless Headphones {index:02d}",
            name_zh=f"Auralis 无线蓝牙耳机 {index:02d}",
            slug=f"headphones-{index:02d}",
        )
        VariantFactory(product=product, price=Decimal("10.00") + index)
    search_index_rebuild()


def test_the_search_page_lists_highlighted_hits_facets_and_pages(client, indexed):
    # when headphones are searched
    response = client.get("/search/", {"q": "headphones"})

    # then the page shows 24 of the 30 hits with the word marked, the facets and the pagination
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="card"') == 24
    assert "Auralis Wireless <mark>Headphones</mark> 29" in body
    assert "30 products" in body
    assert "?q=headphones&amp;brand=auralis" in body
    assert 'href="?q=headphones&amp;page=2"' in body


def test_the_chinese_search_page_names_products_in_chinese(client, indexed):
    # when a Chinese substring is searched on the Chinese site
    response = client.get("/zh-hans/search/", {"q": "蓝牙耳"})

    # then the Chinese names come back with the substring marked
    assert response.status_code == 200
    body = response.content.decode()
    assert "Auralis 无线<mark>蓝牙耳</mark>机 29" in body
    assert '<html lang="zh-hans">' in body


def test_no_results_offer_did_you_mean(client, indexed):
    # when a misspelt word plus nonsense finds nothing
    response = client.get("/search/", {"q": "zzqqy hedphones"})

    # then the page offers the corrected query
    assert response.status_code == 200
    body = response.content.decode()
    assert "No products match" in body
    assert '<a href="?q=headphones">headphones</a>' in body


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {},
        {"q": "x" * 10_000},
        {"q": "'; DROP TABLE search_searchentry; --"},
        {"q": "headphones' OR 1=1 --", "page": "abc"},
        {"q": "<script>alert(1)</script>"},
        {"q": "a & b | !c <-> d:*"},
        {"q": "headphones", "brand": ["nope", "<b>"], "category": "../../etc", "price": "1-2"},
        {"q": "headphones", "attr": ["colour", ":", "x:y:z", "colour:<i>"], "sort": "DROP"},
        {"q": "headphones", "page": "-5"},
        {"q": "headphones", "page": "99999999999999999999"},
        {"q": "\x00\x1f耳机\x7f"},
    ],
)
def test_bad_input_gets_a_normal_page(client, indexed, params):
    # when the search page gets odd or hostile input
    response = client.get("/search/", params)

    # then it answers a normal page, which never echoes markup unescaped
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<b>" not in body and "<i>" not in body


def test_a_long_query_is_cut_to_two_hundred_characters(client, indexed):
    # when a 10,000-character query is sent
    response = client.get("/search/", {"q": "y" * 10_000})

    # then the page searched (and shows) its first 200 characters
    assert response.context["query"] == "y" * 200
    assert response.context["result"].total == 0


def test_script_in_the_query_is_shown_escaped(client, indexed):
    # when the query holds a script tag
    response = client.get("/search/", {"q": "<script>alert(1)</script>"})

    # then it appears escaped only
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_autocomplete_answers_json_suggestions(client, indexed):
    # when the search box asks for completions of "wirel"
    response = client.get("/search/autocomplete/", {"q": "auralis wirel"})

    # then up to eight products come back with their names and page URLs
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert len(data["suggestions"]) == 8
    first = data["suggestions"][0]
    assert first["name"].startswith("Auralis Wireless Headphones ")
    assert first["url"] == f"/p/{first['id']}-headphones-{first['name'][-2:]}/"


def test_autocomplete_in_chinese_and_with_bad_input(client, indexed):
    # when the Chinese site asks for a completion, and then for nothing or for junk
    chinese = json.loads(client.get("/zh-hans/search/autocomplete/", {"q": "蓝牙"}).content)
    empty = client.get("/search/autocomplete/")
    junk = client.get("/search/autocomplete/", {"q": "';--<>" * 3000})

    # then Chinese names come back, and the bad requests get an empty list
    assert chinese["suggestions"][0]["name"].startswith("Auralis 无线蓝牙耳机 ")
    assert chinese["suggestions"][0]["url"].startswith("/zh-hans/p/")
    assert json.loads(empty.content) == {"suggestions": []}
    assert junk.status_code == 200
    assert json.loads(junk.content) == {"suggestions": []}


def test_the_search_page_is_public_sets_no_cookie_and_is_the_same_for_a_logged_in_shopper(client, indexed):
    from tests.shop.accounts.factories import UserFactory

    # given what a visitor gets
    anonymous = client.get("/search/", {"q": "headphones"})
    # when a logged-in shopper searches the same
    client.force_login(UserFactory(full_name="Mei Lin"))
    response = client.get("/search/", {"q": "headphones"})
    # then it is one public page for everybody: their name comes from /live/session/
    assert response.content == anonymous.content
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert "accept-language" not in response.get("Vary", "").lower()
    assert "Mei Lin" not in response.content.decode()
    assert 'data-live-session="/live/session/"' in response.content.decode()


def test_the_search_page_is_gzipped_and_answers_304_to_its_etag(client, indexed):
    import gzip

    first = client.get("/search/", {"q": "headphones"}, headers={"Accept-Encoding": "gzip"})
    assert first["Content-Encoding"] == "gzip"
    assert b"<mark>Headphones</mark>" in gzip.decompress(first.content)
    again = client.get(
        "/search/", {"q": "headphones"}, headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    # another query has another ETag
    other = client.get(
        "/search/", {"q": "auralis 29"}, headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]}
    )
    assert other.status_code == 200


def test_the_search_page_refuses_a_post(client, indexed):
    assert client.post("/search/", {"q": "headphones"}).status_code == 405
