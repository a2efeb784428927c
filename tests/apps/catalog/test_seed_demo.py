from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import RequestFactory

from apps.catalog.management.commands.seed_demo import demo_seeders
from apps.catalog.models import Attribute, AttributeValue, Brand, Category, Product, ProductImage, Variant
from shop.accounts.models import Merchant, MerchantMembership, User

pytestmark = pytest.mark.django_db

DEMO_EMAILS = [
    "admin@shop.test",
    "merchant1@shop.test",
    "merchant2@shop.test",
    "merchant3@shop.test",
    "merchant4@shop.test",
]


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Merchant,
            MerchantMembership,
            Category,
            Brand,
            Attribute,
            AttributeValue,
            Product,
            Variant,
            Variant.attribute_values.through,
            ProductImage,
        )
    }


def _seed(products: int) -> str:
    out = StringIO()
    call_command("seed_demo", products=products, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_demo_catalog():
    # when
    output = _seed(30)

    # then
    counts = _counts()
    assert counts["User"] == 5
    assert counts["Merchant"] == 4
    assert counts["MerchantMembership"] == 4
    assert counts["Category"] == 24
    assert Category.objects.filter(parent=None).count() == 6
    assert counts["Brand"] == 10
    assert counts["Attribute"] == 2
    assert counts["AttributeValue"] == 10
    assert counts["Product"] == 30
    assert counts["ProductImage"] == 30
    assert counts["Variant"] == 80
    assert Product.objects.filter(status=Product.Status.ACTIVE).count() == 30
    assert Product.objects.filter(is_featured=True).count() == 1
    assert Product.objects.exclude(name_zh="").count() == 30
    assert Category.objects.filter(name_zh="").count() == 0
    assert "catalog: 24 categories, 10 brands, 30 products (30 new)" in output
    assert "admin@shop.test / shop-demo-password" in output


def test_seed_demo_twice_creates_nothing_new():
    # given
    _seed(30)
    first = _counts()

    # when
    output = _seed(30)

    # then
    assert _counts() == first
    assert "30 products (0 new)" in output


def test_seed_demo_gives_every_product_a_picture_and_a_variant():
    # when
    _seed(30)

    # then
    assert Product.objects.filter(variants=None).count() == 0
    assert Product.objects.filter(images=None).count() == 0
    for image in ProductImage.objects.all():
        assert default_storage.exists(image.image.name)
        assert default_storage.exists(image.thumbnail.name)
        assert image.image.width == 480
        assert image.thumbnail.width == 320


def test_seed_demo_variants_have_unique_skus_prices_and_attribute_values():
    # when
    _seed(30)

    # then
    variants = list(Variant.objects.select_related("product").prefetch_related("attribute_values"))
    assert len({(v.merchant_id, v.sku) for v in variants}) == len(variants)
    for variant in variants:
        assert variant.merchant_id == variant.product.merchant_id
        assert isinstance(variant.price, Decimal)
        assert variant.price > 0
        assert variant.currency == "USD"
        slugs = {value.attribute.slug for value in variant.attribute_values.all()}
        assert "colour" in slugs


@pytest.mark.parametrize("email", DEMO_EMAILS)
def test_seed_demo_logins_authenticate(email):
    # given
    _seed(0)
    request = RequestFactory().post("/accounts/login/")

    # when
    user = authenticate(request=request, username=email, password="shop-demo-password")

    # then
    assert user is not None
    assert user.email == email
    assert user.is_staff is True


def test_seed_demo_merchant_staff_are_members_in_the_staff_group():
    # when
    _seed(0)

    # then
    staff_group = Group.objects.get(name="Merchant staff")
    admin = User.objects.get(email="admin@shop.test")
    assert admin.is_superuser is True
    for number in range(1, 5):
        user = User.objects.get(email=f"merchant{number}@shop.test")
        assert user.is_superuser is False
        assert list(user.groups.all()) == [staff_group]
        assert user.merchant_memberships.count() == 1
    assert set(MerchantMembership.objects.values_list("merchant__slug", flat=True)) == {
        "red-lantern",
        "blue-harbor",
        "green-valley",
        "golden-panda",
    }


def test_seed_demo_finds_one_seeder_per_app_accounts_before_catalog():
    # when
    labels = [label for label, _seeder in demo_seeders()]

    # then
    assert len(labels) == len(set(labels))
    assert labels.index("accounts") < labels.index("catalog")
