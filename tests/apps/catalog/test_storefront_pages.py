"""Home, category and product pages in English and Simplified Chinese; 404s and slug redirects."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

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


def _template_names(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.fixture
def shirt():
    root = CategoryFactory(name="Clothing", name_zh="服装", slug="clothing")
    tops = CategoryFactory(name="Tops", name_zh="上衣", slug="tops", parent=root)
    colour = AttributeFactory(name="Colour", name_zh="颜色", slug="colour")
    red = AttributeValueFactory(attribute=colour, value="Red", slug="red")
    product = ProductFactory(
        category=tops,
        brand=BrandFactory(name="Acme", slug="acme"),
        name="Linen shirt",
        name_zh="亚麻衬衫",
        slug="linen-shirt",
        description="Cool in summer.",
        description_zh="夏天很凉快。",
        is_featured=True,
    )
    VariantFactory(product=product, sku="SHIRT-RED", price=Decimal("25.00"), attribute_values=[red])
    VariantFactory(product=product, sku="SHIRT-OFF", price=Decimal("1.00"), is_active=False)
    ProductImageFactory(product=product, alt="Front view")
    return product


def test_home_lists_categories_featured_and_newest_in_english(client, shirt):
    # when
    response = client.get("/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert 'href="/c/clothing/"' in html
    assert html.count("Linen shirt") == 2  # featured and newest
    assert "$25.00" in html
    assert "亚麻衬衫" not in html


def test_home_in_chinese_shows_chinese_names(client, shirt):
    # when
    response = client.get("/zh-hans/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "服装" in html
    assert html.count("亚麻衬衫") == 2
    assert "Linen shirt" not in html
    assert f'href="/zh-hans/p/{shirt.pk}-linen-shirt/"' in html


def test_category_page_in_both_languages(client, shirt):
    # when
    english = client.get("/c/clothing/").content.decode()
    chinese = client.get("/zh-hans/c/clothing/").content.decode()
    # then: products of descendant categories are listed, with localised names
    assert "<h1>Clothing</h1>" in english
    assert "Linen shirt" in english
    assert "Colour" in english
    assert '<html lang="zh-hans">' in chinese
    assert "<h1>服装</h1>" in chinese
    assert "上衣" in chinese  # sub-category chip
    assert "亚麻衬衫" in chinese
    assert "颜色" in chinese  # attribute facet name


def test_product_page_shows_details_variants_and_pictures(client, shirt):
    # when
    response = client.get(f"/p/{shirt.pk}-linen-shirt/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "catalog/product_detail.html" in _template_names(response)
    assert "<h1>Linen shirt</h1>" in html
    assert "Cool in summer." in html
    assert "Acme" in html
    assert 'href="/c/clothing/"' in html and 'href="/c/tops/"' in html  # breadcrumbs
    assert 'name="variant" value="{}"'.format(shirt.variants.get(sku="SHIRT-RED").pk) in html
    assert "SHIRT-OFF" not in html and "$1.00" not in html  # inactive variant hidden
    assert "Colour: Red" in html
    assert html.count('loading="lazy"') == 1  # one picture: the main image, no thumbnail strip
    assert 'action="{}" class="buy"'.format(response.context["add_to_cart_url"]) in html


def test_product_page_in_chinese(client, shirt):
    # when
    response = client.get(f"/zh-hans/p/{shirt.pk}-linen-shirt/")
    # then
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>亚麻衬衫</h1>" in html
    assert "夏天很凉快。" in html
    assert "颜色: Red" in html
    assert "服装" in html and "上衣" in html


def test_product_without_chinese_name_falls_back_to_english(client):
    # given
    product = ProductFactory(name="Plain mug", name_zh="", slug="plain-mug", description="Holds tea.")
    VariantFactory(product=product)
    # when
    html = client.get(f"/zh-hans/p/{product.pk}-plain-mug/").content.decode()
    # then
    assert "<h1>Plain mug</h1>" in html
    assert "Holds tea." in html


def test_product_page_with_several_pictures_has_lazy_thumbnails(client, shirt):
    # given
    ProductImageFactory(product=shirt, alt="Back view")
    # when
    html = client.get(f"/p/{shirt.pk}-linen-shirt/").content.decode()
    # then: the main image and two thumbnails
    assert html.count('loading="lazy"') == 3
    assert 'alt="Back view"' in html


def test_wrong_slug_redirects_to_the_right_one(client, shirt):
    # when
    response = client.get(f"/zh-hans/p/{shirt.pk}-old-name/")
    # then
    assert response.status_code == 301
    assert response["Location"] == f"/zh-hans/p/{shirt.pk}-linen-shirt/"


def test_product_url_name_builds_the_shopper_url_per_language(shirt):
    # when
    with translation.override("en"):
        english = reverse("catalog:product", kwargs={"pk": shirt.pk, "slug": shirt.slug})
    with translation.override("zh-hans"):
        chinese = reverse("catalog:product", kwargs={"pk": shirt.pk, "slug": shirt.slug})
    # then
    assert english == f"/p/{shirt.pk}-linen-shirt/"
    assert chinese == f"/zh-hans/p/{shirt.pk}-linen-shirt/"


def test_unknown_product_is_the_shops_404(client):
    # when
    response = client.get("/p/999999-nothing/")
    # then
    assert response.status_code == 404
    assert "404.html" in _template_names(response)
    assert "Page not found" in response.content.decode()


def test_draft_product_is_404_even_with_the_right_slug(client):
    # given
    product = ProductFactory(slug="secret", status=Product.Status.DRAFT)
    VariantFactory(product=product)
    # when
    response = client.get(f"/p/{product.pk}-secret/")
    # then
    assert response.status_code == 404
    assert "404.html" in _template_names(response)


def test_product_of_inactive_merchant_is_404(client):
    # given
    product = ProductFactory(slug="gone", merchant=MerchantFactory(is_active=False))
    VariantFactory(product=product)
    # when
    response = client.get(f"/p/{product.pk}-gone/")
    # then
    assert response.status_code == 404
    assert "404.html" in _template_names(response)


def test_unknown_category_is_the_shops_404_in_chinese_too(client):
    # when
    response = client.get("/zh-hans/c/no-such-thing/")
    # then
    assert response.status_code == 404
    assert "404.html" in _template_names(response)
    assert '<html lang="zh-hans">' in response.content.decode()


def test_draft_and_inactive_merchant_products_are_not_listed(client, shirt):
    # given
    ProductFactory(category=shirt.category, name="Draft hat", status=Product.Status.DRAFT)
    ProductFactory(category=shirt.category, name="Closed shop hat", merchant=MerchantFactory(is_active=False))
    # when
    home = client.get("/").content.decode()
    listing = client.get("/c/clothing/").content.decode()
    # then
    for html in (home, listing):
        assert "Linen shirt" in html
        assert "Draft hat" not in html
        assert "Closed shop hat" not in html


def test_500_template_shows_the_trace_id_without_context_processors():
    # given
    from django.template import loader

    # when
    html = loader.get_template("500.html").render({"trace_id": "abc123trace"})
    # then
    assert "<code>abc123trace</code>" in html
    assert "Something went wrong" in html
