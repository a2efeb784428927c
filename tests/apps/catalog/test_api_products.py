from decimal import Decimal

import pytest

from apps.catalog.models import Product
from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    BrandFactory,
    CategoryFactory,
    MerchantFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/catalog/products/"


def _product(price: str = "10.00", **kwargs) -> Product:
    product = ProductFactory(**kwargs)
    VariantFactory(product=product, price=Decimal(price))
    return product


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_the_list_shows_only_active_products_of_active_merchants_that_have_a_price(client):
    # given one sellable product, a draft, one of a suspended merchant and one without active variants
    sellable = _product()
    _product(status=Product.Status.DRAFT)
    _product(merchant=MerchantFactory(is_active=False))
    VariantFactory(product=ProductFactory(), is_active=False)

    # when the list is read
    response = client.get(LIST_URL)

    # then only the sellable one is listed
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert _ids(response) == [sellable.pk]


def test_a_list_item_has_the_lowest_active_price_merchant_category_and_first_thumbnail(client):
    # given a product with three variants (the cheapest inactive) and two pictures
    merchant = MerchantFactory(name="Acme Traders")
    category = CategoryFactory(slug="kettles")
    brand = BrandFactory(slug="steamco")
    product = ProductFactory(merchant=merchant, category=category, brand=brand, name="Kettle", slug="kettle")
    VariantFactory(product=product, price=Decimal("9.00"))
    VariantFactory(product=product, price=Decimal("7.50"))
    VariantFactory(product=product, price=Decimal("1.00"), is_active=False)
    ProductImageFactory(product=product, position=5)
    first = ProductImageFactory(product=product, position=1)

    # when the list is read
    response = client.get(LIST_URL)

    # then the item carries exactly these values
    assert response.json()["results"] == [
        {
            "id": product.pk,
            "slug": "kettle",
            "name": "Kettle",
            "merchant_name": "Acme Traders",
            "category_slug": "kettles",
            "brand_slug": "steamco",
            "lowest_price": {"amount": "7.50", "currency": "USD"},
            "thumbnail_url": f"http://testserver{first.thumbnail.url}",
        }
    ]


def test_a_product_without_pictures_or_brand_has_null_thumbnail_and_brand(client):
    _product()

    item = client.get(LIST_URL).json()["results"][0]

    assert item["thumbnail_url"] is None
    assert item["brand_slug"] is None


def test_the_category_filter_includes_every_descendant(client):
    # given a tree home > kitchen > kettles and a separate garden
    home = CategoryFactory(slug="home")
    kitchen = CategoryFactory(slug="kitchen", parent=home)
    kettles = CategoryFactory(slug="kettles", parent=kitchen)
    garden = CategoryFactory(slug="garden")
    in_home, in_kitchen, in_kettles = (
        _product(category=home),
        _product(category=kitchen),
        _product(category=kettles),
    )
    _product(category=garden)

    # when the list is filtered by the root and by the middle category
    by_home = client.get(LIST_URL, {"category": "home"})
    by_kitchen = client.get(LIST_URL, {"category": "kitchen"})

    # then each holds its own products and those below it
    assert sorted(_ids(by_home)) == sorted([in_home.pk, in_kitchen.pk, in_kettles.pk])
    assert sorted(_ids(by_kitchen)) == sorted([in_kitchen.pk, in_kettles.pk])


def test_the_brand_filter(client):
    steamco = BrandFactory(slug="steamco")
    wanted = _product(brand=steamco)
    _product(brand=BrandFactory(slug="other-brand"))
    _product()

    response = client.get(LIST_URL, {"brand": "steamco"})

    assert _ids(response) == [wanted.pk]


def test_the_price_filters_use_the_lowest_price_inclusively(client):
    cheap, middle, dear = _product("5.00"), _product("10.00"), _product("20.00")

    both = client.get(LIST_URL, {"min_price": "10", "max_price": "20.00"})
    low = client.get(LIST_URL, {"max_price": "9.99"})
    high = client.get(LIST_URL, {"min_price": "10.01"})

    assert sorted(_ids(both)) == sorted([middle.pk, dear.pk])
    assert _ids(low) == [cheap.pk]
    assert _ids(high) == [dear.pk]


def test_q_matches_the_name_without_regard_to_case(client):
    kettle = _product(name="Steel Kettle")
    _product(name="Teapot")

    response = client.get(LIST_URL, {"q": "kETTle"})

    assert _ids(response) == [kettle.pk]


def test_ordering_by_price_both_ways_and_newest_by_default(client):
    # given three products created in this order
    first, second, third = _product("20.00"), _product("5.00"), _product("10.00")

    # when the list is read in each order
    default = client.get(LIST_URL)
    newest = client.get(LIST_URL, {"ordering": "newest"})
    cheapest = client.get(LIST_URL, {"ordering": "price"})
    dearest = client.get(LIST_URL, {"ordering": "-price"})

    # then each comes in its order
    assert _ids(default) == [third.pk, second.pk, first.pk]
    assert _ids(newest) == [third.pk, second.pk, first.pk]
    assert _ids(cheapest) == [second.pk, third.pk, first.pk]
    assert _ids(dearest) == [first.pk, third.pk, second.pk]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"min_price": "abc"}, {"min_price": ["Enter a number."]}),
        ({"max_price": "-1"}, {"max_price": ["Ensure this value is greater than or equal to 0."]}),
        ({"min_price": "NaN"}, {"min_price": ["Enter a number."]}),
        (
            {"min_price": "12345678901"},
            {"min_price": ["Ensure this value is less than or equal to 9999999999.99."]},
        ),
        (
            {"min_price": "20", "max_price": "10"},
            {"max_price": ["The maximum price must not be below the minimum price."]},
        ),
        (
            {"ordering": "name"},
            {"ordering": ["Select a valid choice. name is not one of the available choices."]},
        ),
        ({"category": "no-such-category"}, {"category": ["No category has this slug."]}),
        ({"brand": "no-such-brand"}, {"brand": ["No brand has this slug."]}),
        ({"q": "nul\x00byte"}, {"q": ["Null characters are not allowed."]}),
        ({"q": "x" * 101}, {"q": ["Ensure this value has at most 100 characters (it has 101)."]}),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(client, params, errors):
    # given one sellable product
    _product()

    # when the list is asked with a bad value
    response = client.get(LIST_URL, params)

    # then the answer is a 400 whose JSON names the parameter and the problem
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == errors


def test_the_list_is_paginated_by_24(client):
    for _ in range(30):
        _product()

    first = client.get(LIST_URL).json()
    second = client.get(LIST_URL, {"page": 2}).json()

    assert first["count"] == 30
    assert len(first["results"]) == 24
    assert first["next"] == "http://testserver/api/catalog/products/?page=2"
    assert first["previous"] is None
    assert len(second["results"]) == 6
    assert second["next"] is None


def test_a_page_past_the_end_is_a_json_404(client):
    _product()

    response = client.get(LIST_URL, {"page": 9})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def _catalog_of(count: int) -> None:
    category = CategoryFactory(slug="everything")
    brand = BrandFactory(slug="one-brand")
    for index in range(count):
        product = _product(category=category, brand=brand, name=f"Thing {index}")
        VariantFactory(product=product, price=Decimal("3.00"))
        ProductImageFactory(product=product)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_two_queries_whatever_the_number_of_products(
    client, django_assert_max_num_queries, count
):
    # given a catalog of 3 or of 30 products, each with two variants and a picture
    _catalog_of(count)

    # when the list is read: the count and the page
    with django_assert_max_num_queries(2):
        response = client.get(LIST_URL)

    # then it answered in full
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_filtered_list_adds_one_query_per_slug_filter(client, django_assert_max_num_queries, count):
    _catalog_of(count)

    with django_assert_max_num_queries(4):
        response = client.get(LIST_URL, {"category": "everything", "brand": "one-brand", "ordering": "price"})

    assert response.json()["count"] == count


def test_the_list_may_be_cached_by_a_cdn_for_a_minute(client):
    response = client.get(LIST_URL)

    assert response["Cache-Control"] == "public, max-age=60"


def test_the_detail_has_variants_with_attribute_values_and_pictures(client):
    # given a product with two active variants carrying attribute values, an inactive one, two pictures
    colour = AttributeFactory(slug="colour", name="Colour")
    red = AttributeValueFactory(attribute=colour, slug="red", value="Red")
    size = AttributeFactory(slug="size", name="Size")
    large = AttributeValueFactory(attribute=size, slug="l", value="L")
    product = ProductFactory(
        merchant=MerchantFactory(name="Acme Traders"),
        category=CategoryFactory(slug="kettles", parent=CategoryFactory(slug="kitchen")),
        brand=BrandFactory(name="SteamCo", slug="steamco"),
        name="Kettle",
        slug="kettle",
        description="Boils water.",
        max_per_order=3,
    )
    dear = VariantFactory(
        product=product, sku="K-RED-L", name="", price=Decimal("12.00"), attribute_values=[red, large]
    )
    cheap = VariantFactory(product=product, sku="K-PLAIN", name="Plain", price=Decimal("8.00"))
    VariantFactory(product=product, sku="K-OLD", price=Decimal("1.00"), is_active=False)
    second = ProductImageFactory(product=product, position=2, alt="Side")
    first = ProductImageFactory(product=product, position=1, alt="Front")

    # when its detail is read
    response = client.get(f"/api/catalog/products/{product.pk}/")

    # then it has exactly these values
    assert response.status_code == 200
    assert response.json() == {
        "id": product.pk,
        "slug": "kettle",
        "name": "Kettle",
        "description": "Boils water.",
        "brand_name": "SteamCo",
        "merchant_id": product.merchant_id,
        "merchant_name": "Acme Traders",
        "category_slug": "kettles",
        "max_per_order": 3,
        "lowest_price": {"amount": "8.00", "currency": "USD"},
        "pictures": [
            {
                "url": f"http://testserver{image.image.url}",
                "thumbnail_url": f"http://testserver{image.thumbnail.url}",
                "alt": image.alt,
            }
            for image in (first, second)
        ],
        "variants": [
            {
                "id": cheap.pk,
                "sku": "K-PLAIN",
                "name": "Plain",
                "label": "Plain",
                "price": {"amount": "8.00", "currency": "USD"},
                "attribute_values": [],
            },
            {
                "id": dear.pk,
                "sku": "K-RED-L",
                "name": "",
                "label": "Red / L",
                "price": {"amount": "12.00", "currency": "USD"},
                "attribute_values": [
                    {"attribute_slug": "colour", "attribute_name": "Colour", "slug": "red", "value": "Red"},
                    {"attribute_slug": "size", "attribute_name": "Size", "slug": "l", "value": "L"},
                ],
            },
        ],
    }


def test_the_detail_speaks_chinese_when_asked(client):
    product = _product(name="Kettle", name_zh="水壶")

    response = client.get(f"/api/catalog/products/{product.pk}/", headers={"Accept-Language": "zh-hans"})
    listing = client.get(LIST_URL, headers={"Accept-Language": "zh-hans"})

    assert response.json()["name"] == "水壶"
    assert listing.json()["results"][0]["name"] == "水壶"
    assert "Accept-Language" in listing["Vary"]


def test_a_bad_filter_is_explained_in_chinese_when_asked(client):
    response = client.get(LIST_URL, {"category": "nope"}, headers={"Accept-Language": "zh-CN,zh;q=0.9"})

    assert response.status_code == 400
    assert list(response.json()) == ["category"]


def test_an_unsupported_language_falls_back_to_english(client):
    product = _product(name="Kettle", name_zh="水壶")

    response = client.get(f"/api/catalog/products/{product.pk}/", headers={"Accept-Language": "fr, *"})

    assert response.json()["name"] == "Kettle"


def test_an_unknown_or_draft_product_is_a_json_404(client):
    draft = _product(status=Product.Status.DRAFT)
    hidden = _product(merchant=MerchantFactory(is_active=False))

    for product_id in (draft.pk, hidden.pk, 987654):
        response = client.get(f"/api/catalog/products/{product_id}/")

        assert response.status_code == 404
        assert response.json() == {"detail": "No product has this id."}


def test_a_non_numeric_product_id_is_a_json_404(client):
    response = client.get("/api/catalog/products/kettle/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_api_is_read_only(client):
    product = _product()

    created = client.post(LIST_URL, {"name": "x"})
    deleted = client.delete(f"/api/catalog/products/{product.pk}/")

    assert created.status_code == 405
    assert deleted.status_code == 405
    assert Product.objects.filter(pk=product.pk).exists()
