"""The Elasticsearch backend: the index mapping and the query bodies checked exactly against the
client (`to_dict()`), the answer parsed from a canned response; and, only where
ELASTICSEARCH_URL points at a server, the real round trip."""

import copy
import os
from decimal import Decimal

import pytest
from elasticsearch.dsl import Search
from elasticsearch.dsl.response import Response

from apps.catalog.types import CategoryNode, CategoryTree
from apps.search.backends import backend_name
from apps.search.backends.elasticsearch import autocomplete_body, search_body
from apps.search.documents import ProductDocument
from apps.search.models import SearchEntry
from apps.search.selectors import search_autocomplete, search_products
from apps.search.services import search_index_rebuild
from apps.search.types import Facet, FacetValue, SearchFilters
from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
)

TREE = CategoryTree(
    nodes=(
        CategoryNode(id=1, parent_id=None, slug="audio", name="Audio", position=0),
        CategoryNode(id=2, parent_id=1, slug="headphones", name="Headphones", position=0),
        CategoryNode(id=3, parent_id=1, slug="speakers", name="Speakers", position=1),
        CategoryNode(id=4, parent_id=None, slug="home", name="Home", position=1),
    )
)
ENGLISH = {"type": "text", "analyzer": "shop_english", "search_analyzer": "shop_english_search"}
CHINESE = {"type": "text", "analyzer": "shop_cjk", "search_analyzer": "shop_cjk_search"}
SOURCE = ["product_id", "slug", "name", "name_zh", "brand", "price", "currency", "in_stock", "thumbnail_url"]
AGGS = {
    "brands": {"terms": {"field": "brand.slug", "size": 20}},
    "prices": {
        "range": {
            "field": "price",
            "keyed": True,
            "ranges": [
                {"key": "-25", "to": 25.0},
                {"key": "25-50", "from": 25.0, "to": 50.0},
                {"key": "50-100", "from": 50.0, "to": 100.0},
                {"key": "100-250", "from": 100.0, "to": 250.0},
                {"key": "250-", "from": 250.0},
            ],
        }
    },
    "attributes": {"terms": {"field": "attributes", "size": 200}},
}
HIGHLIGHT = {
    "fields": {"name": {}, "name_zh": {}},
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "number_of_fragments": 0,
}


def test_the_backend_follows_the_settings(settings):
    # given each way the settings can choose
    settings.SEARCH_BACKEND = "auto"
    settings.ELASTICSEARCH_URL = "http://search.internal:9200"
    with_url = backend_name()
    settings.ELASTICSEARCH_URL = ""
    without_url = backend_name()
    settings.SEARCH_BACKEND = "simple"
    forced = backend_name()
    settings.SEARCH_BACKEND = "solr"

    # then auto picks Elasticsearch when a URL is set, else the database's own; unknown names fail
    assert with_url == "elasticsearch"
    assert without_url in ("postgres", "simple")
    assert forced == "simple"
    with pytest.raises(ValueError, match="unknown SEARCH_BACKEND"):
        backend_name()


def test_the_index_mapping_and_analysis():
    # when the index definition is rendered as the client sends it
    index = ProductDocument._index.to_dict()

    # then the fields, analyzers and synonym filters are exactly these
    assert index["mappings"] == {
        "properties": {
            "product_id": {"type": "long"},
            "merchant_id": {"type": "long"},
            "slug": {"type": "keyword"},
            "name": {
                **ENGLISH,
                "fields": {
                    "plain": {"type": "text", "analyzer": "shop_plain"},
                    "raw": {"type": "keyword", "ignore_above": 256},
                },
            },
            "name_zh": {**CHINESE, "fields": {"chars": {"type": "text", "analyzer": "standard"}}},
            "description": ENGLISH,
            "description_zh": CHINESE,
            "brand": {
                "type": "object",
                "properties": {
                    "slug": {"type": "keyword"},
                    "name": {**ENGLISH, "fields": {"raw": {"type": "keyword"}}},
                },
            },
            "category_ids": {"type": "long"},
            "category_path": ENGLISH,
            "category_path_zh": CHINESE,
            "attributes": {"type": "keyword"},
            "attribute_text": {**ENGLISH, "fields": {"zh": CHINESE}},
            "price": {"type": "scaled_float", "scaling_factor": 100},
            "currency": {"type": "keyword"},
            "in_stock": {"type": "boolean"},
            "created_at": {"type": "date"},
            "thumbnail_url": {"type": "keyword", "index": False},
            "suggest": {"type": "completion", "analyzer": "shop_plain"},
        }
    }
    assert index["settings"] == {
        "number_of_shards": 1,
        "number_of_replicas": 1,
        "analysis": {
            "analyzer": {
                "shop_english": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": [
                        "lowercase",
                        "shop_english_possessive",
                        "shop_english_stop",
                        "shop_english_stemmer",
                    ],
                },
                "shop_english_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": [
                        "lowercase",
                        "shop_english_synonyms",
                        "shop_english_possessive",
                        "shop_english_stop",
                        "shop_english_stemmer",
                    ],
                },
                "shop_cjk": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["cjk_width", "lowercase", "cjk_bigram"],
                },
                "shop_cjk_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["cjk_width", "lowercase", "cjk_bigram", "shop_chinese_synonyms"],
                },
                "shop_plain": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
            },
            "filter": {
                "shop_english_possessive": {"type": "stemmer", "language": "possessive_english"},
                "shop_english_stop": {"type": "stop", "stopwords": "_english_"},
                "shop_english_stemmer": {"type": "stemmer", "language": "english"},
                "shop_english_synonyms": {
                    "type": "synonym_graph",
                    "lenient": True,
                    "synonyms": [
                        "tee, t-shirt, tshirt",
                        "phone, mobile, smartphone",
                        "headphones, headset, earphones",
                        "laptop, notebook",
                        "sneakers, trainers",
                        "sofa, couch",
                    ],
                },
                "shop_chinese_synonyms": {
                    "type": "synonym_graph",
                    "lenient": True,
                    "synonyms": ["手机, 电话", "耳机, 耳麦", "笔记本, 笔电"],
                },
            },
        },
    }


def test_the_search_body_with_text_filters_sort_and_page():
    # given a typo'd query with every kind of filter, cheapest first, page 2
    filters = SearchFilters(
        category_slug="audio",
        brand_slugs=("auralis",),
        price_range="25-50",
        attributes=(("colour", "black"), ("colour", "white")),
        in_stock=True,
    )

    # when the body is built
    body = search_body(
        query="wireles hedphones", filters=filters, sort="price_asc", page=2, page_size=24, tree=TREE
    )

    # then it is exactly this request
    assert body.to_dict() == {
        "query": {
            "bool": {
                "must": [
                    {
                        "bool": {
                            "should": [
                                {
                                    "multi_match": {
                                        "query": "wireles hedphones",
                                        "fields": [
                                            "name^4",
                                            "brand.name^3",
                                            "category_path^2",
                                            "attribute_text^2",
                                            "description",
                                        ],
                                        "type": "best_fields",
                                        "operator": "and",
                                        "fuzziness": "AUTO",
                                        "prefix_length": 1,
                                    }
                                },
                                {
                                    "multi_match": {
                                        "query": "wireles hedphones",
                                        "fields": [
                                            "name_zh^4",
                                            "category_path_zh^2",
                                            "attribute_text.zh^2",
                                            "description_zh",
                                        ],
                                        "type": "best_fields",
                                        "operator": "and",
                                    }
                                },
                                {
                                    "match_phrase": {
                                        "name_zh.chars": {"query": "wireles hedphones", "boost": 2}
                                    }
                                },
                            ],
                            "minimum_should_match": 1,
                        }
                    }
                ],
                "filter": [
                    {"term": {"category_ids": 1}},
                    {"terms": {"brand.slug": ["auralis"]}},
                    {"range": {"price": {"gte": 25.0, "lt": 50.0}}},
                    {"terms": {"attributes": ["colour:black", "colour:white"]}},
                    {"term": {"in_stock": True}},
                ],
            }
        },
        "aggs": {"categories": {"terms": {"field": "category_ids", "include": [2, 3], "size": 2}}, **AGGS},
        "sort": [{"price": {"order": "asc", "missing": "_last"}}, {"product_id": {"order": "desc"}}],
        "track_total_hits": True,
        "from": 24,
        "size": 24,
        "_source": SOURCE,
        "highlight": HIGHLIGHT,
        "suggest": {
            "did_you_mean": {
                "text": "wireles hedphones",
                "term": {"field": "name.plain", "suggest_mode": "missing"},
            }
        },
    }


def test_the_browse_body_matches_all_by_relevance():
    # when the body of an empty query without filters is built
    body = search_body(query="", filters=SearchFilters(), sort="relevance", page=1, page_size=24, tree=TREE)

    # then it matches everything, counts the root categories and asks no suggestion
    assert body.to_dict() == {
        "query": {"bool": {"must": [{"match_all": {}}]}},
        "aggs": {"categories": {"terms": {"field": "category_ids", "include": [1, 4], "size": 2}}, **AGGS},
        "sort": ["_score", {"created_at": {"order": "desc"}}, {"product_id": {"order": "desc"}}],
        "track_total_hits": True,
        "from": 0,
        "size": 24,
        "_source": SOURCE,
        "highlight": HIGHLIGHT,
    }


def test_the_autocomplete_body_uses_the_completion_suggester():
    assert autocomplete_body(prefix="蓝牙", limit=8).to_dict() == {
        "_source": ["product_id", "slug", "name", "name_zh"],
        "suggest": {
            "products": {
                "prefix": "蓝牙",
                "completion": {"field": "suggest", "size": 8, "skip_duplicates": True},
            }
        },
    }


CANNED = {
    "hits": {
        "total": {"value": 1, "relation": "eq"},
        "hits": [
            {
                "_index": "shop-products",
                "_id": "7",
                "_score": 3.2,
                "_source": {
                    "product_id": 7,
                    "slug": "auralis-pro",
                    "name": "Auralis <Pro> Headphones",
                    "name_zh": "Auralis 蓝牙耳机",
                    "brand": {"slug": "auralis", "name": "Auralis"},
                    "price": 45.5,
                    "currency": "USD",
                    "in_stock": True,
                    "thumbnail_url": "",
                },
                "highlight": {"name": ["Auralis &lt;Pro&gt; <mark>Headphones</mark>"]},
            }
        ],
    },
    "aggregations": {
        "categories": {"buckets": [{"key": "AUDIO_ID", "doc_count": 1}]},
        "brands": {"buckets": [{"key": "auralis", "doc_count": 1}]},
        "prices": {
            "buckets": {
                "-25": {"doc_count": 0},
                "25-50": {"doc_count": 1},
                "50-100": {"doc_count": 0},
                "100-250": {"doc_count": 0},
                "250-": {"doc_count": 0},
            }
        },
        "attributes": {"buckets": [{"key": "colour:black", "doc_count": 1}]},
    },
}  # fmt: skip


@pytest.mark.django_db
def test_a_response_becomes_hits_and_facets(settings, monkeypatch):
    # given the Elasticsearch backend, catalog rows for the labels and a canned server answer
    settings.SEARCH_BACKEND = "elasticsearch"
    audio = CategoryFactory(slug="audio", name="Audio")
    canned = copy.deepcopy(CANNED)
    canned["aggregations"]["categories"]["buckets"][0]["key"] = audio.pk
    value = AttributeValueFactory(
        attribute=AttributeFactory(slug="colour", name="Colour"), slug="black", value="Black"
    )
    product = ProductFactory(
        name="Auralis <Pro> Headphones", brand=BrandFactory(slug="auralis", name="Auralis")
    )
    VariantFactory(product=product, attribute_values=[value])
    SearchEntry.objects.all().delete()
    settings.SEARCH_BACKEND = "simple"
    search_index_rebuild()  # the entries (attribute labels) without touching a server
    settings.SEARCH_BACKEND = "elasticsearch"
    sent = []

    def execute(self, ignore_cache=False):
        sent.append(self.to_dict())
        return Response(self, canned)

    monkeypatch.setattr(Search, "execute", execute)

    # when a search runs
    result = search_products(query="headphones", language="en")

    # then one request was sent, and the answer is parsed into escaped hits and labelled facets
    assert len(sent) == 1
    assert result.total == 1
    hit = result.hits[0]
    assert (hit.product_id, hit.name, hit.price.amount, hit.in_stock) == (
        7,
        "Auralis <Pro> Headphones",
        Decimal("45.50"),
        True,
    )
    assert hit.name_html == "Auralis &lt;Pro&gt; <mark>Headphones</mark>"
    assert result.facets == (
        Facet(key="category", label="Category", values=(FacetValue(key="audio", label="Audio", count=1),)),
        Facet(key="brand", label="Brand", values=(FacetValue(key="auralis", label="Auralis", count=1),)),
        Facet(key="price", label="Price", values=(FacetValue(key="25-50", label="25 to 50", count=1),)),
        Facet(
            key="attr",
            label="Colour",
            attribute_slug="colour",
            values=(FacetValue(key="colour:black", label="Black", count=1),),
        ),
    )


def test_an_autocomplete_response_becomes_items(settings, monkeypatch):
    # given the Elasticsearch backend and a canned completion answer
    settings.SEARCH_BACKEND = "elasticsearch"
    canned = {
        "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
        "suggest": {
            "products": [
                {
                    "text": "蓝牙",
                    "offset": 0,
                    "length": 2,
                    "options": [
                        {"text": "Auralis 蓝牙耳机", "_id": "7", "_score": 1.0,
                         "_source": {"product_id": 7, "slug": "auralis-pro", "name": "Auralis Pro", "name_zh": "Auralis 蓝牙耳机"}},
                    ],
                }
            ]
        },
    }  # fmt: skip
    monkeypatch.setattr(Search, "execute", lambda self, ignore_cache=False: Response(self, canned))

    # when the Chinese site asks for completions
    items = search_autocomplete(prefix="蓝牙", language="zh-hans")

    # then the product comes back under its Chinese name
    assert [(item.product_id, item.slug, item.name) for item in items] == [
        (7, "auralis-pro", "Auralis 蓝牙耳机")
    ]


# --- against a real server: only where ELASTICSEARCH_URL is set --------------------------------

needs_server = pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs ELASTICSEARCH_URL")


@needs_server
@pytest.mark.django_db
def test_a_real_server_indexes_searches_and_completes(settings):
    # given the Elasticsearch backend and a small catalog, rebuilt into a fresh index
    settings.SEARCH_BACKEND = "elasticsearch"
    category = CategoryFactory(slug="audio", name="Audio", name_zh="音频")
    brand = BrandFactory(slug="auralis", name="Auralis")
    for name, name_zh in [
        ("Auralis Wireless Headphones", "Auralis 无线蓝牙耳机"),
        ("Auralis Wired Speaker", "Auralis 有线音箱"),
    ]:
        VariantFactory(product=ProductFactory(category=category, brand=brand, name=name, name_zh=name_zh))
    search_index_rebuild()

    # when it is searched with a typo, in Chinese, and completed
    typo = search_products(query="wireles hedphones", language="en")
    chinese = search_products(query="蓝牙耳", language="zh-hans")
    completed = search_autocomplete(prefix="Aura", language="en")

    # then each finds the headphones
    assert [hit.name for hit in typo.hits] == ["Auralis Wireless Headphones"]
    assert [hit.name for hit in chinese.hits] == ["Auralis 无线蓝牙耳机"]
    assert "Auralis Wireless Headphones" in [item.name for item in completed]
