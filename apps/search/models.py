"""The search index's own rows: one `SearchEntry` per visible product, copied from the catalog
through its selector (ids and values, no foreign key into the catalog).

Both backends read these rows: PostgreSQL searches them directly (a stored, GIN-indexed tsvector,
a GIN index on the facet keys and pg_trgm indexes, created by migrations on PostgreSQL only),
Elasticsearch builds its documents from them.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    product_id = models.BigIntegerField(_("product id"), unique=True)
    merchant_id = models.BigIntegerField(_("merchant id"), db_index=True)
    slug = models.CharField(max_length=220)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    description = models.TextField(blank=True)
    description_zh = models.TextField(blank=True)
    brand_slug = models.CharField(max_length=140, blank=True, db_index=True)
    brand_name = models.CharField(max_length=120, blank=True)
    category_id = models.BigIntegerField()
    # Category path names (root first) and attribute values, English and Chinese, as plain text.
    category_text = models.CharField(max_length=500, blank=True)
    category_text_zh = models.CharField(max_length=500, blank=True)
    attribute_text = models.CharField(max_length=1000, blank=True)
    # What PostgreSQL's tsvector is built from, one text per weight (A: names, B: brand and
    # category, C: attributes, D: descriptions). Chinese runs are cut into overlapping bigrams
    # (names also into single characters) so a tsvector can match any Chinese substring: the idea
    # of Elasticsearch's `cjk_bigram` filter, without a segmentation dictionary.
    doc_name = models.TextField(blank=True)
    doc_labels = models.TextField(blank=True)
    doc_body = models.TextField(blank=True)
    price_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    in_stock = models.BooleanField(default=False)
    thumbnail_url = models.CharField(max_length=500, blank=True)
    # Every facet value of the product, one key a line, with a newline at both ends:
    # c:<category id> (the category and its ancestors), b:<brand slug>, a:<attribute>:<value>,
    # p:<price band>. Attribute filters look keys up (PostgreSQL: a GIN index on the array of
    # lines); Elasticsearch's documents are built from them.
    facet_keys = models.TextField(blank=True, default="\n")
    # The same facts as scalar columns, what facet counting groups by: one GROUP BY GROUPING SETS
    # pass over the matched rows (no per-row unnesting) gives the count of every category (leaf
    # counts, summed up the tree in Python), brand, price band and attribute combination (few
    # distinct ones: a product's sorted `a:` keys, one a line, split in Python).
    price_band = models.CharField(max_length=40, blank=True)
    attribute_keys = models.TextField(blank=True)
    product_created_at = models.DateTimeField()
    search_vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(fields=["price_min"], name="search_entry_price"),
            models.Index(fields=["-product_created_at"], name="search_entry_newest"),
            # Covering (PostgreSQL; a plain index elsewhere): browsing a category counts its
            # facets and picks its page from the index alone, never visiting the wide rows.
            models.Index(
                fields=["category_id"],
                include=[
                    "id",
                    "brand_slug",
                    "price_band",
                    "attribute_keys",
                    "product_created_at",
                    "price_min",
                    "in_stock",
                ],  # fmt: skip
                name="search_entry_category",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SearchFacetLabel(models.Model):
    """What a facet key is called (`b:auralis` -> "Auralis"; `a:colour:black` -> "Black"/"黑色" in
    the group "Colour"/"颜色"), written beside the entries so counting facets needs no join."""

    key = models.CharField(max_length=200, unique=True)
    label = models.CharField(max_length=120)
    label_zh = models.CharField(max_length=120, blank=True)
    group_label = models.CharField(max_length=60, blank=True)
    group_label_zh = models.CharField(max_length=60, blank=True)

    def __str__(self) -> str:
        return self.key


class SearchTerm(models.Model):
    """The vocabulary of the index (lower-case words of names, brands, categories, attributes):
    typo correction and "did you mean" look the nearest word up here (pg_trgm on PostgreSQL)."""

    term = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.term
