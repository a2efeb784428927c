"""Attribute values have a Chinese name beside the English one: a Chinese shopper reads 红色 / M
in filters, on the product page and in the cart; an English one reads Red / M; a value without a
Chinese name reads in English in both."""

from decimal import Decimal

import pytest
from django.utils import translation

from apps.catalog.selectors import (
    attribute_facet_list_for_categories,
    product_get,
    variant_snapshots_get,
)
from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_shirt():
    category = CategoryFactory(slug="shirts", name="Shirts", name_zh="衬衫")
    colour = AttributeFactory(slug="colour", name="Colour", name_zh="颜色")
    size = AttributeFactory(slug="size", name="Size", name_zh="尺码")
    red = AttributeValueFactory(attribute=colour, slug="red", value="Red", value_zh="红色")
    medium = AttributeValueFactory(attribute=size, slug="m", value="M", value_zh="")
    product = ProductFactory(category=category, name="Shirt", name_zh="衬衫", slug="shirt")
    variant = VariantFactory(product=product, name="", price=Decimal("9.00"), attribute_values=[red, medium])
    return category, product, variant


@pytest.mark.parametrize(
    ("language", "colour", "label"), [("zh-hans", "红色", "红色 / M"), ("en", "Red", "Red / M")]
)
def test_the_product_page_names_variant_values_in_the_shoppers_language(red_shirt, language, colour, label):
    # given
    _, product, _ = red_shirt
    # when
    detail = product_get(product_id=product.pk, language=language)
    # then
    (variant,) = detail.variants
    assert [value.value for value in variant.attribute_values] == [colour, "M"]
    assert variant.label == label


@pytest.mark.parametrize(("language", "colour"), [("zh-hans", "红色"), ("en", "Red")])
def test_listing_filters_name_values_in_the_shoppers_language(red_shirt, language, colour):
    # given
    category, _, _ = red_shirt
    # when
    facets = attribute_facet_list_for_categories(category_ids=[category.pk], language=language)
    # then
    assert [(facet.slug, [value[2] for value in facet.values]) for facet in facets] == [
        ("colour", [colour]),
        ("size", ["M"]),
    ]


def test_a_cart_line_is_named_in_the_shoppers_language(red_shirt):
    # given
    _, _, variant = red_shirt
    # when
    with translation.override("zh-hans"):
        chinese = variant_snapshots_get(variant_ids=[variant.pk])[variant.pk]
    english = variant_snapshots_get(variant_ids=[variant.pk], language="en")[variant.pk]
    # then
    assert (chinese.product_name, chinese.variant_name) == ("衬衫", "红色 / M")
    assert (english.product_name, english.variant_name) == ("Shirt", "Red / M")


def test_naming_a_value_in_chinese_shows_once_committed(red_shirt, django_capture_on_commit_callbacks):
    # given a Chinese listing read once (cached), with a value still unnamed in Chinese
    category, _, _ = red_shirt
    before = attribute_facet_list_for_categories(category_ids=[category.pk], language="zh-hans")
    assert [value[2] for value in before[1].values] == ["M"]
    # when the platform names it and the transaction commits
    medium = AttributeValueFactory(attribute=AttributeFactory(slug="size"), slug="m")
    with django_capture_on_commit_callbacks(execute=True):
        medium.value_zh = "中号"
        medium.save()
    # then the next read says so
    after = attribute_facet_list_for_categories(category_ids=[category.pk], language="zh-hans")
    assert [value[2] for value in after[1].values] == ["中号"]
