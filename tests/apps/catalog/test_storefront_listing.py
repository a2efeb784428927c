"""Category listing: filters, sorting, pagination and the answer to bad query parameters."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Product
from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [card.name for card in response.context["page"].cards]


def _notices(response) -> list[str]:
    return response.context["notices"]


def _product(*, name, category, price, brand=None, values=(), age_days=0, extra_prices=()):
    product = ProductFactory(name=name, slug=name.lower().replace(" ", "-"), category=category, brand=brand)
    Product.objects.filter(pk=product.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    VariantFactory(product=product, price=Decimal(price), attribute_values=list(values))
    for extra in extra_prices:
        VariantFactory(product=product, price=Decimal(extra))
    return product


@pytest.fixture
def shelf():
    """Clothing > Tops; four products with brands, colours, sizes, prices and ages."""
    clothing = CategoryFactory(name="Clothing", slug="clothing")
    tops = CategoryFactory(name="Tops", slug="tops", parent=clothing)
    other = CategoryFactory(name="Garden", slug="garden")
    acme, zeta = BrandFactory(name="Acme", slug="acme"), BrandFactory(name="Zeta", slug="zeta")
    colour = AttributeFactory(name="Colour", slug="colour")
    size = AttributeFactory(name="Size", slug="size")
    red = AttributeValueFactory(attribute=colour, value="Red", slug="red")
    blue = AttributeValueFactory(attribute=colour, value="Blue", slug="blue")
    medium = AttributeValueFactory(attribute=size, value="M", slug="m")
    _product(name="Red tee", category=tops, price="20.00", brand=acme, values=[red, medium], age_days=1)
    _product(name="Blue tee", category=tops, price="15.00", brand=zeta, values=[blue], age_days=2)
    _product(name="Coat", category=clothing, price="120.00", brand=acme, values=[blue, medium], age_days=3)
    # its card price is its lowest variant price, 5.00
    _product(name="Socks", category=clothing, price="9.00", values=[red], age_days=0, extra_prices=["5.00"])
    _product(name="Rake", category=other, price="30.00", age_days=0)


def test_listing_shows_category_and_descendants_newest_first(client, shelf):
    # when
    response = client.get("/c/clothing/")
    # then
    assert response.status_code == 200
    assert _names(response) == ["Socks", "Red tee", "Blue tee", "Coat"]
    assert _notices(response) == []
    assert [str(card.price) for card in response.context["page"].cards] == [
        "5.00 USD",
        "20.00 USD",
        "15.00 USD",
        "120.00 USD",
    ]


def test_sub_category_lists_only_its_products(client, shelf):
    response = client.get("/c/tops/")
    assert _names(response) == ["Red tee", "Blue tee"]


def test_sort_by_price_ascending_and_descending(client, shelf):
    # when
    ascending = client.get("/c/clothing/?sort=price_asc")
    descending = client.get("/c/clothing/?sort=price_desc")
    newest = client.get("/c/clothing/?sort=newest")
    # then
    assert _names(ascending) == ["Socks", "Blue tee", "Red tee", "Coat"]
    assert _names(descending) == ["Coat", "Red tee", "Blue tee", "Socks"]
    assert _names(newest) == ["Socks", "Red tee", "Blue tee", "Coat"]


def test_filter_by_brand(client, shelf):
    response = client.get("/c/clothing/?brand=acme")
    assert _names(response) == ["Red tee", "Coat"]
    assert _notices(response) == []


def test_filter_by_price_range_uses_the_card_price(client, shelf):
    # when
    response = client.get("/c/clothing/?min_price=5&max_price=20")
    # then: Socks' lowest price 5.00 is inside, Coat's 120.00 is not
    assert _names(response) == ["Socks", "Red tee", "Blue tee"]
    assert _names(client.get("/c/clothing/?min_price=15.50")) == ["Red tee", "Coat"]


def test_filter_by_one_attribute_value(client, shelf):
    assert _names(client.get("/c/clothing/?colour=red")) == ["Socks", "Red tee"]


def test_filter_by_several_values_of_one_attribute_is_an_or(client, shelf):
    assert _names(client.get("/c/clothing/?colour=red&colour=blue")) == [
        "Socks",
        "Red tee",
        "Blue tee",
        "Coat",
    ]


def test_filter_by_two_attributes_needs_one_variant_with_both(client, shelf):
    assert _names(client.get("/c/clothing/?colour=blue&size=m")) == ["Coat"]


def test_filters_combine_with_sorting(client, shelf):
    response = client.get("/c/clothing/?size=m&brand=acme&sort=price_desc")
    assert _names(response) == ["Coat", "Red tee"]


def test_bad_page_number_shows_first_page_with_a_message(client, shelf):
    # when
    response = client.get("/c/clothing/?page=abc")
    # then
    assert response.status_code == 200
    assert _names(response) == ["Socks", "Red tee", "Blue tee", "Coat"]
    assert _notices(response) == ["“abc” is not a page number; showing the first page."]
    assert "“abc” is not a page number" in response.content.decode()


def test_page_past_the_end_shows_the_last_page_with_a_message(client, shelf):
    # when
    response = client.get("/c/clothing/?page=99999")
    # then
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert _names(response) == ["Socks", "Red tee", "Blue tee", "Coat"]
    assert _notices(response) == ["There is no page 99999; showing page 1 of 1."]


def test_zero_page_shows_first_page_with_a_message(client, shelf):
    response = client.get("/c/clothing/?page=0")
    assert response.status_code == 200
    assert _notices(response) == ["“0” is not a page number; showing the first page."]


def test_unknown_sort_falls_back_to_newest_with_a_message(client, shelf):
    # when
    response = client.get("/c/clothing/?sort=evil")
    # then
    assert response.status_code == 200
    assert _names(response) == ["Socks", "Red tee", "Blue tee", "Coat"]
    assert _notices(response) == ["Unknown sort order “evil”; showing the newest first."]


@pytest.mark.parametrize("bad", ["-1", "abc", "1e999", "NaN", "12.345"])
def test_bad_min_price_is_ignored_with_a_message(client, shelf, bad):
    # when
    response = client.get("/c/clothing/", {"min_price": bad, "max_price": "20"})
    # then: the valid max price still applies
    assert response.status_code == 200
    assert _names(response) == ["Socks", "Red tee", "Blue tee"]
    assert _notices(response) == [f"“{bad}” is not a valid price (a number of 0 or more); it was ignored."]


def test_min_above_max_is_swapped_with_a_message(client, shelf):
    response = client.get("/c/clothing/?min_price=20&max_price=5")
    assert _names(response) == ["Socks", "Red tee", "Blue tee"]
    assert _notices(response) == ["The minimum price was above the maximum price; they were swapped."]


def test_unknown_brand_is_ignored_with_a_message(client, shelf):
    response = client.get("/c/clothing/?brand=nobody")
    assert response.status_code == 200
    assert _names(response) == ["Socks", "Red tee", "Blue tee", "Coat"]
    assert _notices(response) == ["No brand “nobody” in this category; the brand filter was ignored."]


def test_unknown_attribute_value_is_ignored_and_known_ones_kept(client, shelf):
    response = client.get("/c/clothing/?colour=red&colour=purple")
    assert response.status_code == 200
    assert _names(response) == ["Socks", "Red tee"]
    assert _notices(response) == ["No Colour “purple” in this category; it was ignored."]


def test_unknown_attribute_is_ignored_with_a_message(client, shelf):
    response = client.get("/c/clothing/?flavour=mint&utm_source=newsletter")
    assert response.status_code == 200
    assert _names(response) == ["Socks", "Red tee", "Blue tee", "Coat"]
    assert _notices(response) == ["Unknown filter “flavour”; it was ignored."]


def test_notice_with_markup_is_escaped(client, shelf):
    response = client.get("/c/clothing/?sort=<script>alert(1)</script>")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pagination_24_per_page_and_links_keep_clean_filters(client):
    # given: 30 products, the oldest is #0
    category = CategoryFactory(slug="many")
    for number in range(30):
        _product(name=f"Item {number:02d}", category=category, price="1.00", age_days=30 - number)
    # when
    first = client.get("/c/many/?sort=evil")
    second = client.get("/c/many/?page=2")
    # then
    assert len(first.context["page"].cards) == 24
    assert first.context["page"].num_pages == 2
    assert _names(second) == [f"Item {number:02d}" for number in range(5, -1, -1)]
    html = first.content.decode()
    assert 'href="?page=2"' in html  # the bad sort is not carried into the links
    assert re.findall(r'href="[^"]*evil[^"]*"', html) == []


def test_empty_filter_result_says_so(client, shelf):
    response = client.get("/c/clothing/?min_price=1000")
    assert response.status_code == 200
    assert _names(response) == []
    assert "No products match these filters." in response.content.decode()
