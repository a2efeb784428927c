"""A category, brand, merchant or attribute value changes: the products that show it are
re-indexed after commit (Celery, eager in tests), without `search_index --rebuild`."""

from decimal import Decimal

import pytest

from apps.catalog.models import Brand
from apps.search.models import SearchEntry
from apps.search.selectors import search_products
from apps.search.services import search_index_rebuild
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


def _names(query: str, language: str = "en") -> list[str]:
    return [hit.name for hit in search_products(query=query, language=language).hits]


@pytest.fixture
def shelf():
    merchant = MerchantFactory(slug="shelf", name="Shelf")
    kitchen = CategoryFactory(slug="kitchen", name="Kitchen", name_zh="厨房")
    kettles = CategoryFactory(slug="kettles", name="Kettles", name_zh="水壶", parent=kitchen)
    brand = BrandFactory(slug="sunbeam", name="Sunbeam")
    colour = AttributeFactory(slug="colour", name="Colour", name_zh="颜色")
    red = AttributeValueFactory(attribute=colour, slug="red", value="Red")
    kettle = ProductFactory(
        merchant=merchant, category=kettles, brand=brand, name="Steel Kettle", slug="kettle"
    )
    VariantFactory(product=kettle, sku="K1", price=Decimal("30.00"), attribute_values=[red])
    other = ProductFactory(merchant=MerchantFactory(slug="other"), name="Plain Mug", slug="mug")
    search_index_rebuild()
    return {
        "merchant": merchant,
        "kitchen": kitchen,
        "brand": brand,
        "red": red,
        "kettle": kettle,
        "mug": other,
    }


def test_renaming_a_parent_category_reindexes_the_products_below_it(
    shelf, django_capture_on_commit_callbacks
):
    # when the top category is renamed in the admin
    with django_capture_on_commit_callbacks(execute=True):
        shelf["kitchen"].name = "Cookware"
        shelf["kitchen"].name_zh = "炊具"
        shelf["kitchen"].save()

    # then the kettle, two levels down, is found by the new names and no longer by the old
    assert _names("cookware") == ["Steel Kettle"]
    assert _names("炊具", "zh-hans") == ["Steel Kettle"]
    assert _names("kitchen") == []


def test_renaming_a_brand_reindexes_its_products(shelf, django_capture_on_commit_callbacks):
    # when the brand is renamed (name and slug)
    with django_capture_on_commit_callbacks(execute=True):
        shelf["brand"].name = "Qorvex"
        shelf["brand"].slug = "qorvex"
        shelf["brand"].save()

    # then its product is found by the new name and its facet key follows the slug
    assert _names("qorvex") == ["Steel Kettle"]
    assert _names("sunbeam") == []
    assert SearchEntry.objects.get(product_id=shelf["kettle"].pk).brand_slug == "qorvex"
    assert SearchEntry.objects.get(product_id=shelf["mug"].pk).brand_slug != "qorvex"


def test_deleting_a_brand_clears_it_from_its_former_products(shelf, django_capture_on_commit_callbacks):
    # when the brand is deleted (its products keep no brand)
    with django_capture_on_commit_callbacks(execute=True):
        Brand.objects.filter(pk=shelf["brand"].pk).get().delete()

    # then the kettle's entry no longer names it
    entry = SearchEntry.objects.get(product_id=shelf["kettle"].pk)
    assert (entry.brand_slug, entry.brand_name) == ("", "")
    assert _names("sunbeam") == []


def test_switching_a_merchant_off_removes_its_products_and_on_brings_them_back(
    shelf, django_capture_on_commit_callbacks
):
    # when the merchant is switched off
    with django_capture_on_commit_callbacks(execute=True):
        shelf["merchant"].is_active = False
        shelf["merchant"].save()

    # then its products leave the results, other merchants' stay
    assert _names("kettle") == []
    assert _names("mug") == ["Plain Mug"]

    # and switching it on again brings them back
    with django_capture_on_commit_callbacks(execute=True):
        shelf["merchant"].is_active = True
        shelf["merchant"].save()
    assert _names("kettle") == ["Steel Kettle"]


def test_renaming_an_attribute_value_reindexes_the_products_holding_it(
    shelf, django_capture_on_commit_callbacks
):
    # when "Red" is renamed "Crimson"
    with django_capture_on_commit_callbacks(execute=True):
        shelf["red"].value = "Crimson"
        shelf["red"].save()

    # then the kettle is found by it and the facet shows the new label
    assert _names("crimson") == ["Steel Kettle"]
    result = search_products(query="kettle", language="en")
    colour = next(facet for facet in result.facets if facet.attribute_slug == "colour")
    assert [value.label for value in colour.values] == ["Crimson"]


def test_naming_an_attribute_value_in_chinese_makes_it_searchable_and_labels_the_facet(
    shelf, django_capture_on_commit_callbacks
):
    # given a value with no Chinese name yet: nothing answers 红色
    assert _names("红色", "zh-hans") == []
    # when the platform names it
    with django_capture_on_commit_callbacks(execute=True):
        shelf["red"].value_zh = "红色"
        shelf["red"].save()

    # then the kettle is found by it, by one of its characters too, in Chinese and in English
    assert _names("红色", "zh-hans") == ["Steel Kettle"]
    assert _names("红", "zh-hans") == ["Steel Kettle"]
    assert _names("红色") == ["Steel Kettle"]
    # and the Chinese facet says 颜色: 红色 while the English one still says Colour: Red
    for language, group, label in (("zh-hans", "颜色", "红色"), ("en", "Colour", "Red")):
        result = search_products(query="kettle", language=language)
        colour = next(facet for facet in result.facets if facet.attribute_slug == "colour")
        assert (colour.label, [value.label for value in colour.values]) == (group, [label])


def test_nothing_is_reindexed_before_the_commit(shelf, django_capture_on_commit_callbacks):
    # when the brand is renamed and the transaction has not committed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shelf["brand"].name = "Qorvex"
        shelf["brand"].save()

    # then the index is untouched until the callbacks run
    assert _names("qorvex") == []
    for callback in callbacks:
        callback()
    assert _names("qorvex") == ["Steel Kettle"]
