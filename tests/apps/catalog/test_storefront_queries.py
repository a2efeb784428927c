"""The storefront's SQL query counts are fixed: they do not grow with products, variants or
pictures (an anonymous shopper, no session)."""

from decimal import Decimal

import pytest

from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uncached(settings):
    # These count the SQL of pages built from the database; with the two-level cache on, a second
    # request reads nothing (tests/apps/catalog/test_http_caching.py counts that).
    settings.SHOP_CACHE_ENABLED = False


def _product_with(*, variants: int, pictures: int):
    colour = AttributeFactory(slug="colour")
    size = AttributeFactory(slug="size")
    product = ProductFactory(
        category=CategoryFactory(parent=CategoryFactory()), brand=BrandFactory(), slug="thing"
    )
    for number in range(variants):
        VariantFactory(
            product=product,
            price=Decimal(10 + number),
            attribute_values=[
                AttributeValueFactory(attribute=colour, slug=f"c{number}"),
                AttributeValueFactory(attribute=size, slug=f"s{number}"),
            ],
        )
    for _ in range(pictures):
        ProductImageFactory(product=product)
    return product


def _count_queries(client, url: str, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(50) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_product_page_at_most_6_queries(client, django_assert_max_num_queries):
    # given
    product = _product_with(variants=10, pictures=8)
    # when / then
    with django_assert_max_num_queries(6):
        response = client.get(f"/p/{product.pk}-thing/")
    assert response.status_code == 200
    assert len(response.context["product"].variants) == 10
    assert len(response.context["product"].images) == 8


def test_product_page_query_count_is_the_same_for_1_or_10_variants_and_1_or_8_pictures(
    client, django_assert_max_num_queries
):
    # given
    small = _product_with(variants=1, pictures=1)
    small_count = _count_queries(client, f"/p/{small.pk}-thing/", django_assert_max_num_queries)
    small.delete()
    large = _product_with(variants=10, pictures=8)
    # when
    large_count = _count_queries(client, f"/p/{large.pk}-thing/", django_assert_max_num_queries)
    # then
    assert small_count == large_count == 5


def _category_with(products: int):
    category = CategoryFactory(slug="full", parent=CategoryFactory(slug="root"))
    colour = AttributeFactory(slug="colour")
    for number in range(products):
        product = ProductFactory(category=category, brand=BrandFactory(slug=f"brand-{number % 4}"))
        VariantFactory(
            product=product,
            price=Decimal(5 + number),
            attribute_values=[AttributeValueFactory(attribute=colour, slug=f"v{number % 5}")],
        )
        ProductImageFactory(product=product)


@pytest.mark.parametrize("query", ["", "?sort=price_asc&brand=brand-1&colour=v1&min_price=1&page=1"])
def test_category_page_query_count_is_the_same_for_3_or_30_products(
    client, django_assert_num_queries, django_assert_max_num_queries, query
):
    # given
    _category_with(3)
    three = _count_queries(client, f"/c/root/{query}", django_assert_max_num_queries)
    # when
    _category_with(30)
    # then
    with django_assert_num_queries(three):
        response = client.get(f"/c/root/{query}")
    assert response.status_code == 200
    assert three == 5


def test_home_page_query_count_is_fixed(client, django_assert_num_queries):
    # given
    category = CategoryFactory()
    for number in range(20):
        product = ProductFactory(category=category, is_featured=number % 2 == 0)
        VariantFactory(product=product)
        ProductImageFactory(product=product)
    # when / then: the category tree, featured cards, newest cards
    with django_assert_num_queries(3):
        response = client.get("/")
    assert len(response.context["featured"]) == 8
    assert len(response.context["newest"]) == 12
