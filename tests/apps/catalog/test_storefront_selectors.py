"""Catalog selectors other apps rely on, and the category tree walk."""

from decimal import Decimal

import pytest
from django.utils import translation

from apps.catalog.models import Product
from apps.catalog.selectors import category_tree_get, localized, variant_snapshots_get
from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    MerchantFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def test_localized_prefers_chinese_only_for_chinese_readers_and_only_when_present():
    assert localized(english="Shirt", chinese="衬衫", language="zh-hans") == "衬衫"
    assert localized(english="Shirt", chinese="", language="zh-hans") == "Shirt"
    assert localized(english="Shirt", chinese="衬衫", language="en") == "Shirt"
    assert localized(english="Shirt", chinese="衬衫", language=None) == "Shirt"


def test_category_tree_paths_and_descendants():
    # given
    root = CategoryFactory(slug="root", name="Root", name_zh="根")
    child = CategoryFactory(slug="child", parent=root)
    grandchild = CategoryFactory(slug="grandchild", parent=child)
    CategoryFactory(slug="other")
    # when
    tree = category_tree_get(language="zh-hans")
    # then
    assert [node.slug for node in tree.path_to(grandchild.id)] == ["root", "child", "grandchild"]
    assert set(tree.descendant_ids(root.id)) == {root.id, child.id, grandchild.id}
    assert tree.descendant_ids(grandchild.id) == (grandchild.id,)
    assert sorted(node.slug for node in tree.roots()) == ["other", "root"]
    assert tree.by_slug("root").name == "根"
    assert tree.by_slug("missing") is None


def test_variant_snapshots_get_copies_what_other_apps_need(django_assert_num_queries):
    # given
    merchant = MerchantFactory(name="Good Goods")
    size = AttributeFactory(name="Size", slug="size")
    product = ProductFactory(merchant=merchant, name="Shirt", name_zh="衬衫", slug="shirt", max_per_order=3)
    ProductImageFactory(product=product)
    variant = VariantFactory(
        product=product,
        sku="SH-M",
        price=Decimal("12.50"),
        weight_grams=250,
        attribute_values=[AttributeValueFactory(attribute=size, value="M", slug="m")],
    )
    # when
    with django_assert_num_queries(2), translation.override("en"):
        snapshots = variant_snapshots_get(variant_ids=[variant.pk, 987654])
    # then
    assert list(snapshots) == [variant.pk]
    snapshot = snapshots[variant.pk]
    assert snapshot.variant_id == variant.pk
    assert snapshot.product_id == product.pk
    assert snapshot.merchant_id == merchant.pk
    assert snapshot.merchant_name == "Good Goods"
    assert snapshot.product_name == "Shirt"
    assert snapshot.variant_name == "M"
    assert snapshot.sku == "SH-M"
    assert snapshot.price == Decimal("12.50")
    assert snapshot.currency == "USD"
    assert snapshot.weight_grams == 250
    assert snapshot.max_per_order == 3
    assert snapshot.is_available is True
    assert snapshot.thumbnail_url.startswith("/media/products/")
    assert snapshot.product_url == f"/p/{product.pk}-shirt/"
    assert (
        variant_snapshots_get(variant_ids=[variant.pk], language="zh-hans")[variant.pk].product_name == "衬衫"
    )


@pytest.mark.parametrize("reason", ["inactive_variant", "draft_product", "inactive_merchant"])
def test_variant_snapshot_is_unavailable_when_anything_above_it_is_off(reason):
    # given
    product = ProductFactory(
        status=Product.Status.DRAFT if reason == "draft_product" else Product.Status.ACTIVE,
        merchant=MerchantFactory(is_active=reason != "inactive_merchant"),
    )
    variant = VariantFactory(product=product, is_active=reason != "inactive_variant")
    # when
    snapshot = variant_snapshots_get(variant_ids=[variant.pk])[variant.pk]
    # then
    assert snapshot.is_available is False
