"""Facet counts, filters, sorting and pagination on a small catalog, on whichever database runs
the suite (the PostgreSQL and the simple backend share this code path)."""

import random
from collections import Counter
from decimal import Decimal

import pytest

from apps.catalog.models import Category
from apps.inventory.models import StockItem
from apps.search.models import SearchEntry
from apps.search.selectors import search_products
from apps.search.services import search_index_rebuild
from apps.search.types import Facet, FacetValue, SearchFilters
from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    BrandFactory,
    CategoryFactory,
    MerchantFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_catalog():
    merchant = MerchantFactory(slug="facets", name="Facets")
    audio = CategoryFactory(slug="audio", name="Audio", name_zh="音频")
    headphones = CategoryFactory(slug="headphones", name="Headphones", name_zh="耳机", parent=audio)
    speakers = CategoryFactory(slug="speakers", name="Speakers", name_zh="音箱", parent=audio)
    home = CategoryFactory(slug="home", name="Home", name_zh="家居")
    auralis = BrandFactory(slug="auralis", name="Auralis")
    bolt = BrandFactory(slug="bolt", name="Bolt")
    colour = AttributeFactory(slug="colour", name="Colour", name_zh="颜色")
    black = AttributeValueFactory(attribute=colour, slug="black", value="Black")
    white = AttributeValueFactory(attribute=colour, slug="white", value="White")
    hidden = AttributeFactory(slug="batch", name="Batch", is_filterable=False)
    batch = AttributeValueFactory(attribute=hidden, slug="b1", value="B1")
    rows = [
        # name, category, brand, price, colours, available
        ("Auralis Studio Headphones", headphones, auralis, "20.00", [black, batch], 5),
        ("Auralis Travel Headphones", headphones, auralis, "45.00", [white], 0),
        ("Bolt Sport Headphones", headphones, bolt, "75.00", [black], 3),
        ("Bolt Party Speaker", speakers, bolt, "120.00", [black, white], 1),
        ("Plain Headphones Cushion", home, None, "300.00", [], 0),
    ]
    for index, (name, category, brand, price, values, available) in enumerate(rows):
        product = ProductFactory(
            merchant=merchant, category=category, brand=brand, name=name, slug=f"p{index}"
        )
        variant = VariantFactory(
            product=product, sku=f"F{index}", price=Decimal(price), attribute_values=values
        )
        StockItem.objects.create(
            variant_id=variant.pk, merchant=merchant, sku=variant.sku, available=available
        )
    ProductFactory(merchant=merchant, category=home, name="Draft Headphones", slug="draft", status="draft")
    search_index_rebuild()


def _facet(result, key, attribute=""):
    return next(f for f in result.facets if f.key == key and f.attribute_slug == attribute)


def test_facet_counts_are_exact(small_catalog):
    # when everything with "headphones" is searched
    result = search_products(query="headphones", language="en")

    # then four products match (the draft is not indexed) and each facet counts them exactly
    assert result.total == 4
    assert _facet(result, "category") == Facet(
        key="category",
        label="Category",
        values=(
            FacetValue(key="audio", label="Audio", count=3),
            FacetValue(key="home", label="Home", count=1),
        ),
    )
    assert _facet(result, "brand").values == (
        FacetValue(key="auralis", label="Auralis", count=2),
        FacetValue(key="bolt", label="Bolt", count=1),
    )
    assert _facet(result, "price").values == (
        FacetValue(key="-25", label="Under 25", count=1),
        FacetValue(key="25-50", label="25 to 50", count=1),
        FacetValue(key="50-100", label="50 to 100", count=1),
        FacetValue(key="250-", label="250 and above", count=1),
    )
    assert _facet(result, "attr", "colour") == Facet(
        key="attr",
        label="Colour",
        attribute_slug="colour",
        values=(
            FacetValue(key="colour:black", label="Black", count=2),
            FacetValue(key="colour:white", label="White", count=1),
        ),
    )
    assert [facet.attribute_slug for facet in result.facets if facet.key == "attr"] == ["colour"]


def test_a_chosen_category_shows_its_children_and_filters(small_catalog):
    # when the search is narrowed to the audio category, in Chinese
    result = search_products(query="", filters=SearchFilters(category_slug="audio"), language="zh-hans")

    # then only audio products remain and the facet lists audio's children, named in Chinese
    assert result.total == 4
    assert _facet(result, "category").values == (
        FacetValue(key="headphones", label="耳机", count=3),
        FacetValue(key="speakers", label="音箱", count=1),
    )
    assert _facet(result, "attr", "colour").label == "颜色"


def test_filters_combine_brand_price_colour_and_stock(small_catalog):
    # given filters on brand, colour and stock
    filters = SearchFilters(brand_slugs=("auralis", "bolt"), attributes=(("colour", "black"),), in_stock=True)

    # when they are applied to a search, cheapest first
    result = search_products(query="", filters=filters, sort="price_asc", language="en")

    # then exactly the in-stock black products of those brands are listed, by price
    assert [hit.name for hit in result.hits] == [
        "Auralis Studio Headphones",
        "Bolt Sport Headphones",
        "Bolt Party Speaker",
    ]
    assert _facet(result, "brand").values == (
        FacetValue(key="bolt", label="Bolt", count=2, selected=True),
        FacetValue(key="auralis", label="Auralis", count=1, selected=True),
    )
    filtered = search_products(query="", filters=SearchFilters(price_range="25-50"), language="en")
    assert [hit.name for hit in filtered.hits] == ["Auralis Travel Headphones"]
    assert _facet(filtered, "price").values == (
        FacetValue(key="25-50", label="25 to 50", count=1, selected=True),
    )


def test_unknown_facet_values_match_nothing_or_are_ignored(small_catalog):
    # when filters name things that do not exist
    unknown_brand = search_products(query="", filters=SearchFilters(brand_slugs=("nope",)), language="en")
    unknown_category = search_products(query="", filters=SearchFilters(category_slug="nope"), language="en")
    unknown_price = search_products(query="", filters=SearchFilters(price_range="1-2"), language="en")

    # then an unknown brand matches nothing, an unknown category or price band is ignored
    assert unknown_brand.total == 0
    assert unknown_category.total == 5
    assert unknown_price.total == 5


def test_pages_past_the_end_answer_the_last_page(small_catalog):
    # when page 9 of two-per-page results is asked for, newest first
    result = search_products(query="", sort="newest", page=9, page_size=2, language="en")

    # then the last page (3 of 3) answers with the oldest product
    assert (result.page, result.num_pages, result.total) == (3, 3, 5)
    assert [hit.name for hit in result.hits] == ["Auralis Studio Headphones"]
    assert result.page_range == (1, 2, 3)


def test_hits_carry_price_stock_and_a_marked_name(small_catalog):
    # when a brand is searched
    result = search_products(query="bolt sport", language="en")

    # then the hit says its price, its stock and marks the matched words
    hit = result.hits[0]
    assert (hit.name, str(hit.price), hit.in_stock) == ("Bolt Sport Headphones", "75.00 USD", True)
    assert hit.name_html == "<mark>Bolt</mark> <mark>Sport</mark> Headphones"


@pytest.fixture
def random_catalog():
    """60 products drawn from a seeded random: three levels of categories, five brands (and none),
    prices in every band (and no price), colours and sizes in many combinations."""
    rng = random.Random(7)
    merchant = MerchantFactory(slug="random", name="Random")
    roots = [CategoryFactory(slug=f"root{i}", name=f"Root {i}") for i in range(3)]
    middles = [CategoryFactory(slug=f"mid{i}", name=f"Mid {i}", parent=roots[i % 3]) for i in range(5)]
    leaves = [CategoryFactory(slug=f"leaf{i}", name=f"Leaf {i}", parent=middles[i % 5]) for i in range(6)]
    brands = [BrandFactory(slug=f"brand{i}", name=f"Brand {i}") for i in range(5)] + [None]
    colour = AttributeFactory(slug="colour", name="Colour")
    size = AttributeFactory(slug="size", name="Size")
    colours = [
        AttributeValueFactory(attribute=colour, slug=c, value=c.title()) for c in ("red", "blue", "green")
    ]
    sizes = [AttributeValueFactory(attribute=size, slug=s, value=s.upper()) for s in ("s", "m", "l")]
    words = ("Studio", "Travel", "Sport", "Lamp", "Kettle")
    for index in range(60):
        product = ProductFactory(
            merchant=merchant,
            category=rng.choice(roots + middles + leaves),
            brand=rng.choice(brands),
            name=f"{rng.choice(words)} {rng.choice(words)} Item {index}",
            slug=f"r{index}",
        )
        for number in range(rng.randrange(0, 3)):  # some products have no variant, so no price
            variant = VariantFactory(
                product=product,
                sku=f"R{index}-{number}",
                price=Decimal(rng.choice(["9.99", "30.00", "60.00", "120.00", "400.00"])),
                attribute_values=rng.sample(colours, rng.randrange(0, 2))
                + rng.sample(sizes, rng.randrange(0, 2)),
            )
            StockItem.objects.create(
                variant_id=variant.pk, merchant=merchant, sku=variant.sku, available=rng.choice([0, 4])
            )
    search_index_rebuild()


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", SearchFilters()),
        ("studio", SearchFilters()),
        ("lamp", SearchFilters(category_slug="root1")),
        ("", SearchFilters(category_slug="mid2")),
        ("", SearchFilters(brand_slugs=("brand0", "brand3"))),
        ("sport", SearchFilters(price_range="50-100")),
        ("", SearchFilters(attributes=(("colour", "red"), ("size", "m")))),
        ("kettle", SearchFilters(in_stock=True)),
    ],
)
def test_facet_counts_match_counting_the_indexed_keys_one_by_one(random_catalog, query, filters):
    # when a search is made (one page holds every match)
    result = search_products(query=query, filters=filters, page_size=100, language="en")

    # then each facet value's count is the number of matched entries holding its key, counted
    # one entry at a time from the keys written at indexing (not from the columns grouped by)
    entries = SearchEntry.objects.filter(product_id__in=[hit.product_id for hit in result.hits])
    assert result.total == len(result.hits) == entries.count() > 0
    held = Counter(key for entry in entries for key in entry.facet_keys.split("\n") if key)
    category_ids = dict(Category.objects.values_list("slug", "pk"))
    prefixes = {"brand": "b:", "price": "p:", "attr": "a:"}

    def key_of(facet: Facet, value: FacetValue) -> str:
        if facet.key == "category":
            return f"c:{category_ids[value.key]}"
        return prefixes[facet.key] + value.key

    shown = {key_of(facet, value): value.count for facet in result.facets for value in facet.values}
    assert shown == {key: held[key] for key in shown}
    # and nothing held is missing: every brand, band and attribute value of a match is shown
    assert {key for key in held if key[:2] in ("b:", "p:", "a:")} == {key for key in shown if key[:2] != "c:"}
