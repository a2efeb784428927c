"""Relevance on a fixed catalog of 300 products (tests/apps/search/dataset.py), on PostgreSQL:
each query must bring its product into the top 3."""

import pytest
from django.core.cache import cache
from django.db import transaction

from apps.search.selectors import search_products
from apps.search.services import search_index_rebuild
from shop.core.cache import local_cache_clear

from .dataset import build_dataset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(scope="module", autouse=True)
def relevance_catalog(django_db_setup, django_db_blocker):
    # Built once for the module inside a transaction rolled back at the end (like setUpTestData).
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # The catalog's cache is invalidated on commit, which this outer transaction never does.
            build_dataset()
            cache.clear()
            local_cache_clear()
            report = search_index_rebuild()
            assert report.indexed == 300
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


RELEVANCE = [
    # exact names
    ("Auralis Wireless Headphones Pro", "Auralis Wireless Headphones Pro"),
    ("Nordwind Trail Running Shoes", "Nordwind Trail Running Shoes"),
    ("Sunbeam Espresso Machine", "Sunbeam Espresso Machine"),
    # plain words, plurals and singulars
    ("wireless headphones", "Auralis Wireless Headphones Pro"),
    ("headphone auralis", "Auralis Wireless Headphones Pro"),
    ("oak coffee table", "Maple Oak Coffee Table"),
    ("stainless kettle", "Sunbeam Stainless Steel Kettle"),
    ("merino sweater", "Kestrel Merino Wool Sweater"),
    # typos
    ("wireles hedphones", "Auralis Wireless Headphones Pro"),
    ("runing shoes nordwind", "Nordwind Trail Running Shoes"),
    ("noise canceling earbuds", "Huasheng Noise Cancelling Earbuds"),
    ("espreso machine", "Sunbeam Espresso Machine"),
    # brand + category words
    ("pixelon phones", "Pixelon X5 Smartphone 128GB"),
    ("kestrel tops", "Kestrel Organic Cotton T-Shirt"),
    ("sunbeam kitchen", "Sunbeam Stainless Steel Kettle"),
    # synonyms
    ("kestrel tee", "Kestrel Organic Cotton T-Shirt"),
    ("pixelon mobile", "Pixelon X5 Smartphone 128GB"),
    ("pixelon notebook", "Pixelon Ultrabook Laptop 14"),
    ("huasheng headset", "Huasheng Noise Cancelling Earbuds"),
    # Chinese substrings and Chinese synonyms
    ("蓝牙耳", "Auralis Wireless Headphones Pro"),
    ("越野跑鞋", "Nordwind Trail Running Shoes"),
    ("智能手机", "Pixelon X5 Smartphone 128GB"),
    ("智能电话", "Pixelon X5 Smartphone 128GB"),
    ("有机棉", "Kestrel Organic Cotton T-Shirt"),
    ("咖啡桌", "Maple Oak Coffee Table"),
    ("咖啡机", "Sunbeam Espresso Machine"),
    ("笔电", "Pixelon Ultrabook Laptop 14"),
    ("华声 降噪", "Huasheng Noise Cancelling Earbuds"),
    ("羊毛", "Kestrel Merino Wool Sweater"),
    ("壶", "Sunbeam Stainless Steel Kettle"),
]


@pytest.mark.parametrize(("query", "expected"), RELEVANCE, ids=[query for query, _ in RELEVANCE])
def test_the_expected_product_is_in_the_top_three(query, expected):
    # given the 300-product catalog, indexed
    # when the query is searched in English
    result = search_products(query=query, language="en")

    # then the product is among the first three hits
    top = [hit.name for hit in result.hits[:3]]
    assert expected in top, f"{query!r} -> {top} (total {result.total})"


def test_a_chinese_search_answers_chinese_names_with_the_match_marked():
    # when a Chinese substring is searched by a shopper reading Chinese
    result = search_products(query="蓝牙耳", language="zh-hans")

    # then the hit is named in Chinese with the matched characters marked
    assert result.total == 1
    assert result.hits[0].name == "Auralis 无线蓝牙耳机 Pro"
    assert result.hits[0].name_html == "Auralis 无线<mark>蓝牙耳</mark>机 Pro"


def test_a_query_that_finds_nothing_offers_a_did_you_mean():
    # when a query with a misspelt word and a word the shop does not know is searched
    result = search_products(query="qzxwv kettel", language="en")

    # then nothing is found and the nearest known words are offered
    assert result.total == 0
    assert result.suggestion == "kettle"


def test_sorting_by_price_orders_the_hits_by_their_lowest_price():
    # when headphones are searched cheapest first
    result = search_products(query="headphones", sort="price_asc", language="en")

    # then the prices never go down along the page
    prices = [hit.price.amount for hit in result.hits]
    assert prices == sorted(prices)
    assert result.total > 24 or len(prices) == result.total
