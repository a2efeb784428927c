from decimal import Decimal

import pytest

from apps.catalog.models import Product
from apps.catalog.selectors import variant_snapshots_get
from apps.catalog.types import VariantPurchaseSnapshot
from tests.apps.catalog.factories import AttributeValueFactory, ProductImageFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_variant_snapshots_get_answers_every_known_variant_in_two_queries(django_assert_num_queries):
    # given an active variant with a picture and attributes, a variant of a draft product
    red = AttributeValueFactory(value="Red")
    sellable = VariantFactory(
        sku="SH-RED",
        name="",
        price=Decimal("19.90"),
        attribute_values=[red],
        product__name="Shirt",
        product__max_per_order=3,
        weight_grams=250,
    )
    ProductImageFactory(product=sellable.product)
    draft = VariantFactory(product__status=Product.Status.DRAFT)
    # when both and an unknown id are asked for
    with django_assert_num_queries(2):
        snapshots = variant_snapshots_get(variant_ids=[sellable.pk, draft.pk, 10**9])
    # then unknown ids are absent, the draft one is there but not available
    assert set(snapshots) == {sellable.pk, draft.pk}
    assert snapshots[draft.pk].is_available is False
    snapshot = snapshots[sellable.pk]
    assert isinstance(snapshot, VariantPurchaseSnapshot)
    assert (
        snapshot.product_name,
        snapshot.variant_name,
        snapshot.sku,
        snapshot.price,
        snapshot.currency,
    ) == (
        "Shirt",
        "Red",
        "SH-RED",
        Decimal("19.90"),
        "USD",
    )
    assert (snapshot.max_per_order, snapshot.weight_grams, snapshot.is_available) == (3, 250, True)
    assert (snapshot.merchant_id, snapshot.merchant_name) == (sellable.merchant_id, sellable.merchant.name)
    assert snapshot.thumbnail_url.endswith(".png")
    assert snapshot.product_url == f"/p/{sellable.product_id}-{sellable.product.slug}/"


def test_an_inactive_merchant_makes_its_variants_unavailable():
    variant = VariantFactory()
    variant.merchant.is_active = False
    variant.merchant.save()
    assert variant_snapshots_get(variant_ids=[variant.pk])[variant.pk].is_available is False
