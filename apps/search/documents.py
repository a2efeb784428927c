"""The Elasticsearch product document (django-elasticsearch-dsl), built from `SearchEntry` rows.

Analysis, chosen to need no plugin (ICU and smartcn may not be installed on the cluster):
- English text: standard tokenizer, lower case, possessive and English stemmer, English stop
  words; at search time a `synonym_graph` filter runs before stemming.
- Chinese text: the built-in CJK approach: standard tokenizer, `cjk_width`, lower case, then
  `cjk_bigram` (overlapping bigrams, as the built-in `cjk` analyzer does), with the Chinese
  synonyms after the bigrams at search time. A `.chars` sub-field keeps one token per character
  (standard analyzer) so a phrase query finds any substring, even a single character.
The document is registered with django-elasticsearch-dsl (its `search_index` machinery and
`Document.update`), but its automatic signal sync is off: updates go through Celery after commit.
"""

from django.conf import settings as django_settings
from django_elasticsearch_dsl import Document, fields
from django_elasticsearch_dsl.registries import registry
from elasticsearch.dsl import analyzer, token_filter

from .models import SearchEntry
from .text import DEFAULT_SYNONYMS, is_cjk


def _synonym_rules(*, chinese: bool) -> list[str]:
    groups = getattr(django_settings, "SEARCH_SYNONYMS", DEFAULT_SYNONYMS)
    return [", ".join(group) for group in groups if all(is_cjk(phrase) for phrase in group) == chinese]


english_possessive = token_filter("shop_english_possessive", type="stemmer", language="possessive_english")
english_stop = token_filter("shop_english_stop", type="stop", stopwords="_english_")
english_stemmer = token_filter("shop_english_stemmer", type="stemmer", language="english")
english_synonyms = token_filter(
    "shop_english_synonyms", type="synonym_graph", synonyms=_synonym_rules(chinese=False), lenient=True
)
chinese_synonyms = token_filter(
    "shop_chinese_synonyms", type="synonym_graph", synonyms=_synonym_rules(chinese=True), lenient=True
)

shop_english = analyzer(
    "shop_english",
    tokenizer="standard",
    filter=["lowercase", english_possessive, english_stop, english_stemmer],
)
shop_english_search = analyzer(
    "shop_english_search",
    tokenizer="standard",
    filter=["lowercase", english_synonyms, english_possessive, english_stop, english_stemmer],
)
shop_cjk = analyzer("shop_cjk", tokenizer="standard", filter=["cjk_width", "lowercase", "cjk_bigram"])
shop_cjk_search = analyzer(
    "shop_cjk_search", tokenizer="standard", filter=["cjk_width", "lowercase", "cjk_bigram", chinese_synonyms]
)
shop_plain = analyzer("shop_plain", tokenizer="standard", filter=["lowercase"])


def _english(**extra) -> fields.TextField:
    return fields.TextField(analyzer=shop_english, search_analyzer=shop_english_search, **extra)


def _chinese(**extra) -> fields.TextField:
    return fields.TextField(analyzer=shop_cjk, search_analyzer=shop_cjk_search, **extra)


@registry.register_document
class ProductDocument(Document):
    product_id = fields.LongField()
    merchant_id = fields.LongField()
    slug = fields.KeywordField()
    name = _english(
        fields={"plain": fields.TextField(analyzer=shop_plain), "raw": fields.KeywordField(ignore_above=256)}
    )
    name_zh = _chinese(fields={"chars": fields.TextField(analyzer="standard")})
    description = _english()
    description_zh = _chinese()
    brand = fields.ObjectField(
        properties={"slug": fields.KeywordField(), "name": _english(fields={"raw": fields.KeywordField()})}
    )
    category_ids = fields.LongField(multi=True)
    category_path = _english(attr="category_text")
    category_path_zh = _chinese(attr="category_text_zh")
    attributes = fields.KeywordField(multi=True)
    attribute_text = _english(fields={"zh": _chinese()})
    price = fields.ScaledFloatField(scaling_factor=100)
    currency = fields.KeywordField()
    in_stock = fields.BooleanField()
    created_at = fields.DateField(attr="product_created_at")
    thumbnail_url = fields.KeywordField(index=False)
    suggest = fields.CompletionField(analyzer=shop_plain)

    class Index:
        name = django_settings.SEARCH_ES_INDEX
        settings = {"number_of_shards": 1, "number_of_replicas": django_settings.SEARCH_ES_REPLICAS}

    class Django:
        model = SearchEntry
        ignore_signals = True
        queryset_pagination = 1000

    def get_queryset(self):
        return SearchEntry.objects.order_by("id")

    @classmethod
    def generate_id(cls, object_instance: SearchEntry) -> int:
        return object_instance.product_id

    def prepare_brand(self, entry: SearchEntry) -> dict:
        return {"slug": entry.brand_slug, "name": entry.brand_name}

    def prepare_category_ids(self, entry: SearchEntry) -> list[int]:
        return sorted(int(key[2:]) for key in entry.facet_keys.split("\n") if key.startswith("c:"))

    def prepare_attributes(self, entry: SearchEntry) -> list[str]:
        return sorted(key[2:] for key in entry.facet_keys.split("\n") if key.startswith("a:"))

    def prepare_price(self, entry: SearchEntry) -> float | None:
        return float(entry.price_min) if entry.price_min is not None else None

    def prepare_suggest(self, entry: SearchEntry) -> dict:
        inputs = [text for text in (entry.name, entry.name_zh, entry.brand_name) if text]
        return {"input": inputs, "weight": 2 if entry.in_stock else 1}
