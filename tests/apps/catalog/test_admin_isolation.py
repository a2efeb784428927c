"""Merchant isolation in the catalog admin: merchant A's staff against merchant B's rows.

Every admin URL kind a merchant can reach is tried against B's product, variant and picture. Each
must answer a 404 (exactly as for an id that does not exist), a form error, or a list without B's
rows, and B's rows must be unchanged.
"""

import io
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from apps.catalog.models import Product, ProductImage, Variant
from apps.catalog.services import product_image_create_thumbnail, product_set_status
from shop.accounts.models import Merchant, User
from shop.accounts.selectors import MERCHANT_STAFF_GROUP, PLATFORM_STAFF_GROUP
from tests.apps.catalog.factories import (
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
)
from tests.shop.accounts.factories import MerchantFactory, MerchantMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SELECT_VALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@dataclass
class World:
    merchant_a: Merchant
    merchant_b: Merchant
    staff_a: User
    product_a: Product
    variant_a: Variant
    picture_a: ProductImage
    product_b: Product
    variant_b: Variant
    picture_b: ProductImage


def merchant_staff_of(merchant: Merchant) -> User:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=MERCHANT_STAFF_GROUP))
    MerchantMembershipFactory(user=user, merchant=merchant)
    return user


def png_upload(name: str = "photo.png", size: tuple[int, int] = (640, 480)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 128)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world() -> World:
    call_command("ensure_groups", stdout=io.StringIO())
    merchant_a, merchant_b = MerchantFactory(name="Alpha"), MerchantFactory(name="Beta")
    colour = AttributeValueFactory()
    product_a = ProductFactory(merchant=merchant_a, status=Product.Status.DRAFT)
    product_b = ProductFactory(merchant=merchant_b, status=Product.Status.DRAFT)
    variant_b = VariantFactory(product=product_b, sku="B-1")
    variant_b.attribute_values.add(colour)
    return World(
        merchant_a=merchant_a,
        merchant_b=merchant_b,
        staff_a=merchant_staff_of(merchant_a),
        product_a=product_a,
        variant_a=VariantFactory(product=product_a, sku="A-1"),
        picture_a=ProductImageFactory(product=product_a),
        product_b=product_b,
        variant_b=variant_b,
        picture_b=ProductImageFactory(product=product_b),
    )


@pytest.fixture
def client_a(client, world):
    client.force_login(world.staff_a)
    return client


def b_snapshot(w: World) -> dict:
    """Every field value of B's rows, B's row counts and B's files in storage."""
    return {
        "products": list(Product.objects.filter(merchant=w.merchant_b).order_by("pk").values()),
        "variants": list(Variant.objects.filter(merchant=w.merchant_b).order_by("pk").values()),
        "variant_values": list(
            Variant.attribute_values.through.objects.filter(variant__merchant=w.merchant_b)
            .order_by("pk")
            .values()
        ),
        "pictures": list(ProductImage.objects.filter(product__merchant=w.merchant_b).order_by("pk").values()),
        "files": [
            default_storage.exists(name) for name in (w.picture_b.image.name, w.picture_b.thumbnail.name)
        ],
        "merchant": list(Merchant.objects.filter(pk=w.merchant_b.pk).values()),
    }


def assert_not_found(response, verbose_name: str, object_id: int) -> None:
    # Another merchant's object is a plain 404, exactly like an id that does not exist.
    assert response.status_code == 404
    assert [str(m) for m in get_messages(response.wsgi_request)] == []


def product_form_data(w: World, **overrides) -> dict:
    data = {
        "merchant": w.merchant_a.pk,
        "name": "Kettle",
        "name_zh": "",
        "slug": "kettle",
        "category": w.product_a.category_id,
        "brand": "",
        "description": "",
        "description_zh": "",
        "status": "draft",
        "max_per_order": 10,
        **inline_management("variants", total=0),
        **inline_management("images", total=0),
    }
    data.update(overrides)
    return data


def inline_management(prefix: str, *, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def variant_form_data(product_id: int, **overrides) -> dict:
    data = {
        "product": product_id,
        "sku": "NEW-1",
        "name": "",
        "price": "12.50",
        "currency": "USD",
        "weight_grams": 300,
        "is_active": "on",
    }
    data.update(overrides)
    return data


def changelist_pks(response) -> list[int]:
    assert response.status_code == 200
    return sorted(obj.pk for obj in response.context["cl"].result_list)


# --- the matrix: one function per admin URL kind, each asserting Django's exact answer ---------


def product_changelist(client, w):
    response = client.get(reverse("admin:catalog_product_changelist"))
    assert changelist_pks(response) == [w.product_a.pk]


def product_changelist_filtered_by_b(client, w):
    response = client.get(
        reverse("admin:catalog_product_changelist"), {"merchant__id__exact": w.merchant_b.pk}
    )
    # A merchant filter with a single choice (A) is not shown, and Django drops its parameter.
    assert changelist_pks(response) == [w.product_a.pk]


def product_changelist_search_for_b_sku(client, w):
    response = client.get(reverse("admin:catalog_product_changelist"), {"q": "B-1"})
    assert changelist_pks(response) == []


def product_change_get(client, w):
    response = client.get(reverse("admin:catalog_product_change", args=[w.product_b.pk]))
    assert_not_found(response, "product", w.product_b.pk)


def product_change_post(client, w):
    data = product_form_data(w, merchant=w.merchant_b.pk, name="Hijacked", slug=w.product_b.slug)
    response = client.post(reverse("admin:catalog_product_change", args=[w.product_b.pk]), data)
    assert_not_found(response, "product", w.product_b.pk)


def product_delete_get(client, w):
    response = client.get(reverse("admin:catalog_product_delete", args=[w.product_b.pk]))
    assert_not_found(response, "product", w.product_b.pk)


def product_delete_post(client, w):
    response = client.post(reverse("admin:catalog_product_delete", args=[w.product_b.pk]), {"post": "yes"})
    assert_not_found(response, "product", w.product_b.pk)


def product_history(client, w):
    response = client.get(reverse("admin:catalog_product_history", args=[w.product_b.pk]))
    assert_not_found(response, "product", w.product_b.pk)


def product_add_with_forged_merchant(client, w):
    response = client.post(
        reverse("admin:catalog_product_add"), product_form_data(w, merchant=w.merchant_b.pk)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"merchant": [SELECT_VALID_CHOICE]}
    assert Product.objects.filter(slug="kettle").count() == 0


def product_edit_own_moving_it_to_b(client, w):
    data = product_form_data(w, merchant=w.merchant_b.pk, slug=w.product_a.slug)
    response = client.post(reverse("admin:catalog_product_change", args=[w.product_a.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"merchant": [SELECT_VALID_CHOICE]}
    assert Product.objects.get(pk=w.product_a.pk).merchant_id == w.merchant_a.pk


def variant_changelist(client, w):
    response = client.get(reverse("admin:catalog_variant_changelist"))
    assert changelist_pks(response) == [w.variant_a.pk]


def variant_change_get(client, w):
    response = client.get(reverse("admin:catalog_variant_change", args=[w.variant_b.pk]))
    assert_not_found(response, "variant", w.variant_b.pk)


def variant_change_post(client, w):
    data = variant_form_data(w.product_a.pk, sku="STOLEN")
    response = client.post(reverse("admin:catalog_variant_change", args=[w.variant_b.pk]), data)
    assert_not_found(response, "variant", w.variant_b.pk)


def variant_delete_post(client, w):
    response = client.post(reverse("admin:catalog_variant_delete", args=[w.variant_b.pk]), {"post": "yes"})
    assert_not_found(response, "variant", w.variant_b.pk)


def variant_history(client, w):
    response = client.get(reverse("admin:catalog_variant_history", args=[w.variant_b.pk]))
    assert_not_found(response, "variant", w.variant_b.pk)


def variant_add_on_b_product(client, w):
    response = client.post(reverse("admin:catalog_variant_add"), variant_form_data(w.product_b.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"product": [SELECT_VALID_CHOICE]}
    assert not Variant.objects.filter(sku="NEW-1").exists()


def variant_edit_own_moving_it_to_b_product(client, w):
    data = variant_form_data(w.product_b.pk, sku=w.variant_a.sku)
    response = client.post(reverse("admin:catalog_variant_change", args=[w.variant_a.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"product": [SELECT_VALID_CHOICE]}
    assert Variant.objects.get(pk=w.variant_a.pk).product_id == w.product_a.pk


def autocomplete(client, app_label, model_name, field_name):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == 200
    return sorted(int(result["id"]) for result in response.json()["results"])


def autocomplete_variant_product(client, w):
    assert autocomplete(client, "catalog", "variant", "product") == [w.product_a.pk]


def autocomplete_variant_product_searching_b(client, w):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "catalog", "model_name": "variant", "field_name": "product", "term": w.product_b.name},
    )
    assert response.json() == {"results": [], "pagination": {"more": False}}


def autocomplete_product_merchant(client, w):
    assert autocomplete(client, "catalog", "product", "merchant") == [w.merchant_a.pk]


def raw_id_popup_products(client, w):
    response = client.get(reverse("admin:catalog_product_changelist"), {"_to_field": "id", "_popup": "1"})
    assert changelist_pks(response) == [w.product_a.pk]


def raw_id_popup_variants(client, w):
    response = client.get(reverse("admin:catalog_variant_changelist"), {"_to_field": "id", "_popup": "1"})
    assert changelist_pks(response) == [w.variant_a.pk]


def raw_id_popup_merchants(client, w):
    response = client.get(reverse("admin:accounts_merchant_changelist"), {"_to_field": "id", "_popup": "1"})
    assert changelist_pks(response) == [w.merchant_a.pk]


def merchant_change_get(client, w):
    response = client.get(reverse("admin:accounts_merchant_change", args=[w.merchant_b.pk]))
    assert_not_found(response, "merchant", w.merchant_b.pk)


def bulk_delete_products(client, w):
    url = reverse("admin:catalog_product_changelist")
    data = {"action": "delete_selected", "_selected_action": [w.product_b.pk], "post": "yes"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == url


def bulk_delete_variants(client, w):
    url = reverse("admin:catalog_variant_changelist")
    data = {"action": "delete_selected", "_selected_action": [w.variant_b.pk], "post": "yes"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == url


def bulk_mark_active(client, w):
    url = reverse("admin:catalog_product_changelist")
    data = {"action": "mark_active", "_selected_action": [w.product_a.pk, w.product_b.pk]}
    response = client.post(url, data)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 product changed."]
    assert Product.objects.get(pk=w.product_a.pk).status == Product.Status.ACTIVE


def assert_saved_ignoring_foreign_row(response) -> None:
    # Django's model formsets look rows up in their own queryset (A's product's rows): a row id
    # outside it gives an unsaved form, which save_existing_objects() skips ("an object outside
    # the formset's queryset"). A's product saves; the forged row is neither changed nor created.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:catalog_product_changelist")


def inline_variant_forged_to_b(client, w):
    data = product_form_data(
        w,
        slug=w.product_a.slug,
        **inline_management("variants", total=1, initial=1),
        **{
            "variants-0-id": w.variant_b.pk,
            "variants-0-product": w.product_a.pk,
            "variants-0-sku": "STOLEN",
            "variants-0-price": "0.01",
            "variants-0-currency": "USD",
            "variants-0-weight_grams": 1,
        },
    )
    response = client.post(reverse("admin:catalog_product_change", args=[w.product_a.pk]), data)
    assert_saved_ignoring_foreign_row(response)
    assert list(Variant.objects.filter(product=w.product_a).values_list("sku", flat=True)) == ["A-1"]


def inline_picture_forged_to_b(client, w):
    data = product_form_data(
        w,
        slug=w.product_a.slug,
        **inline_management("images", total=1, initial=1),
        **{
            "images-0-id": w.picture_b.pk,
            "images-0-product": w.product_a.pk,
            "images-0-alt": "stolen",
            "images-0-position": 0,
            "images-0-image": png_upload(),
        },
    )
    response = client.post(reverse("admin:catalog_product_change", args=[w.product_a.pk]), data)
    assert_saved_ignoring_foreign_row(response)
    assert list(ProductImage.objects.filter(product=w.product_a)) == [w.picture_a]


def inline_delete_b_picture(client, w):
    data = product_form_data(
        w,
        slug=w.product_a.slug,
        **inline_management("images", total=1, initial=1),
        **{"images-0-id": w.picture_b.pk, "images-0-product": w.product_a.pk, "images-0-DELETE": "on"},
    )
    response = client.post(reverse("admin:catalog_product_change", args=[w.product_a.pk]), data)
    assert_saved_ignoring_foreign_row(response)
    assert list(ProductImage.objects.filter(product=w.product_a)) == [w.picture_a]


MATRIX = [
    product_changelist,
    product_changelist_filtered_by_b,
    product_changelist_search_for_b_sku,
    product_change_get,
    product_change_post,
    product_delete_get,
    product_delete_post,
    product_history,
    product_add_with_forged_merchant,
    product_edit_own_moving_it_to_b,
    variant_changelist,
    variant_change_get,
    variant_change_post,
    variant_delete_post,
    variant_history,
    variant_add_on_b_product,
    variant_edit_own_moving_it_to_b_product,
    autocomplete_variant_product,
    autocomplete_variant_product_searching_b,
    autocomplete_product_merchant,
    raw_id_popup_products,
    raw_id_popup_variants,
    raw_id_popup_merchants,
    merchant_change_get,
    bulk_delete_products,
    bulk_delete_variants,
    bulk_mark_active,
    inline_variant_forged_to_b,
    inline_picture_forged_to_b,
    inline_delete_b_picture,
]


@pytest.mark.parametrize("attempt", MATRIX, ids=[f.__name__ for f in MATRIX])
def test_merchant_staff_cannot_see_or_touch_another_merchants_rows(client_a, world, attempt):
    # given merchant B's product, variant and picture as they are
    before = b_snapshot(world)

    # when merchant A's staff tries one admin URL kind against them (asserting Django's answer)
    attempt(client_a, world)

    # then B's rows, values and files are exactly as before
    assert b_snapshot(world) == before


# --- what merchant staff and platform staff may do ---------------------------------------------


def test_platform_staff_see_every_merchants_rows(client, world):
    # given a platform staff member (not a superuser)
    operator = UserFactory(is_staff=True)
    operator.groups.add(Group.objects.get(name=PLATFORM_STAFF_GROUP))
    client.force_login(operator)

    # when they open the changelists and the autocomplete
    products = client.get(reverse("admin:catalog_product_changelist"))
    variants = client.get(reverse("admin:catalog_variant_changelist"))
    product_choices = autocomplete(client, "catalog", "variant", "product")
    b_change = client.get(reverse("admin:catalog_product_change", args=[world.product_b.pk]))

    # then both merchants' rows are there
    assert changelist_pks(products) == sorted([world.product_a.pk, world.product_b.pk])
    assert changelist_pks(variants) == sorted([world.variant_a.pk, world.variant_b.pk])
    assert product_choices == sorted([world.product_a.pk, world.product_b.pk])
    assert b_change.status_code == 200


def test_platform_staff_can_move_a_product_to_another_merchant(client, world):
    # given a platform staff member
    operator = UserFactory(is_staff=True)
    operator.groups.add(Group.objects.get(name=PLATFORM_STAFF_GROUP))
    client.force_login(operator)

    # when they assign A's product to merchant B
    data = product_form_data(world, merchant=world.merchant_b.pk, slug=world.product_a.slug)
    response = client.post(reverse("admin:catalog_product_change", args=[world.product_a.pk]), data)

    # then it is saved
    assert response.status_code == 302
    assert Product.objects.get(pk=world.product_a.pk).merchant_id == world.merchant_b.pk


def test_merchant_field_is_hidden_and_preset_for_a_single_merchant(client_a, world):
    # when A's staff opens the add form
    response = client_a.get(reverse("admin:catalog_product_add"))

    # then the merchant field is a hidden input offering only merchant A, preset to it
    field = response.context["adminform"].form.fields["merchant"]
    assert response.status_code == 200
    assert field.widget.is_hidden is True
    assert field.initial == world.merchant_a.pk
    assert list(field.queryset) == [world.merchant_a]


def test_own_product_change_page_renders_with_its_inlines(client_a, world):
    # when A's staff opens their product
    response = client_a.get(reverse("admin:catalog_product_change", args=[world.product_a.pk]))

    # then the page shows its variant and picture, and the merchant as a hidden input
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<input type="hidden" name="merchant" value="{world.merchant_a.pk}"' in html
    assert 'value="A-1"' in html
    assert world.picture_a.thumbnail.url in html
    assert [f.formset.prefix for f in response.context["inline_admin_formsets"]] == ["variants", "images"]


def test_merchant_field_offers_only_own_merchants_to_staff_of_two(client, world):
    # given a staff member of A and of a third merchant C
    merchant_c = MerchantFactory(name="Gamma")
    MerchantMembershipFactory(user=world.staff_a, merchant=merchant_c)
    client.force_login(world.staff_a)

    # when they open the add form
    response = client.get(reverse("admin:catalog_product_add"))

    # then they choose between A and C, visibly
    field = response.context["adminform"].form.fields["merchant"]
    assert field.widget.is_hidden is False
    assert list(field.queryset.order_by("name")) == [world.merchant_a, merchant_c]


def test_merchant_staff_create_product_with_variant_and_picture(client_a, world, settings):
    # given the add form's data with one variant and one 640x480 picture
    colour = AttributeValueFactory()
    data = product_form_data(
        world,
        **inline_management("variants", total=1),
        **inline_management("images", total=1),
        **{
            "variants-0-sku": "KET-1",
            "variants-0-name": "Blue",
            "variants-0-price": "19.90",
            "variants-0-currency": "USD",
            "variants-0-weight_grams": 900,
            "variants-0-attribute_values": [colour.pk],
            "variants-0-is_active": "on",
            "images-0-image": png_upload("kettle.png"),
            "images-0-alt": "A blue kettle",
            "images-0-position": 0,
        },
    )

    # when A's staff posts it
    response = client_a.post(reverse("admin:catalog_product_add"), data)

    # then product, variant and picture exist for merchant A, with a 320 px JPEG thumbnail
    assert response.status_code == 302
    product = Product.objects.get(slug="kettle")
    variant = product.variants.get()
    picture = product.images.get()
    assert (product.merchant_id, product.name, product.status) == (world.merchant_a.pk, "Kettle", "draft")
    assert (variant.merchant_id, variant.sku, str(variant.price), variant.weight_grams) == (
        world.merchant_a.pk,
        "KET-1",
        "19.90",
        900,
    )
    assert list(variant.attribute_values.all()) == [colour]
    assert picture.alt == "A blue kettle"
    assert picture.image.name == f"products/{world.merchant_a.pk}/{product.pk}/kettle.png"
    assert picture.thumbnail.name == f"products/{world.merchant_a.pk}/{product.pk}/thumb-kettle.jpg"
    with default_storage.open(picture.thumbnail.name) as stored:
        thumbnail = Image.open(stored)
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (320, 240))


def test_variant_add_ignores_a_forged_merchant_and_takes_the_products(client_a, world):
    # when A's staff adds a variant to A's product with merchant=B smuggled into the POST
    data = variant_form_data(world.product_a.pk, merchant=world.merchant_b.pk)
    response = client_a.post(reverse("admin:catalog_variant_add"), data)

    # then the variant belongs to A, like its product
    assert response.status_code == 302
    assert Variant.objects.get(sku="NEW-1").merchant_id == world.merchant_a.pk


def test_variant_sku_taken_by_the_same_merchant_is_a_form_error(client_a, world):
    # when A's staff adds a variant with A's existing SKU
    response = client_a.post(
        reverse("admin:catalog_variant_add"), variant_form_data(world.product_a.pk, sku="A-1")
    )

    # then the form says so and nothing is saved
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "sku": ["This merchant already has a variant with this SKU code."]
    }
    assert Variant.objects.filter(sku="A-1").count() == 1


def test_variant_sku_of_another_merchant_is_free(client_a, world):
    # when A's staff uses the SKU merchant B already has
    response = client_a.post(
        reverse("admin:catalog_variant_add"), variant_form_data(world.product_a.pk, sku="B-1")
    )

    # then it is saved for A (SKUs are unique per merchant only)
    assert response.status_code == 302
    assert Variant.objects.get(sku="B-1", merchant=world.merchant_a).product_id == world.product_a.pk


def test_duplicate_skus_in_one_inline_are_a_form_error(client_a, world):
    # given two new variants with one SKU on A's product
    rows = {}
    for i in range(2):
        rows |= {
            f"variants-{i}-sku": "DUP",
            f"variants-{i}-price": "1.00",
            f"variants-{i}-currency": "USD",
            f"variants-{i}-weight_grams": 1,
        }
    data = product_form_data(
        world, slug=world.product_a.slug, **inline_management("variants", total=2), **rows
    )

    # when they are posted
    response = client_a.post(reverse("admin:catalog_product_change", args=[world.product_a.pk]), data)

    # then the inline reports it and nothing is saved
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == ["This merchant already has a variant with this SKU code."]
    assert not Variant.objects.filter(sku="DUP").exists()


def test_reference_data_is_view_only_for_merchant_staff(client_a, world):
    # given a category
    category = CategoryFactory(name="Kitchen")

    # when A's staff views, edits and adds categories
    view = client_a.get(reverse("admin:catalog_category_change", args=[category.pk]))
    edit = client_a.post(
        reverse("admin:catalog_category_change", args=[category.pk]),
        {"name": "Mine", "slug": "mine", "position": 0},
    )
    add = client_a.get(reverse("admin:catalog_category_add"))

    # then viewing works and changing is forbidden
    assert view.status_code == 200
    assert view.context["has_change_permission"] is False
    assert (edit.status_code, add.status_code) == (403, 403)
    category.refresh_from_db()
    assert (category.name, category.slug) == ("Kitchen", category.slug)


def test_merchant_staff_without_membership_see_no_products(client, world):
    # given staff in the merchant group but member of no merchant
    loner = UserFactory(is_staff=True)
    loner.groups.add(Group.objects.get(name=MERCHANT_STAFF_GROUP))
    client.force_login(loner)

    # when they open the product list and the add form
    listing = client.get(reverse("admin:catalog_product_changelist"))
    add = client.get(reverse("admin:catalog_product_add"))

    # then they see nothing and may add nothing
    assert changelist_pks(listing) == []
    assert add.status_code == 403


def test_staff_of_an_inactive_merchant_see_nothing(client_a, world):
    # given merchant A is switched off
    Merchant.objects.filter(pk=world.merchant_a.pk).update(is_active=False)

    # when A's staff opens the product list
    response = client_a.get(reverse("admin:catalog_product_changelist"))

    # then it is empty
    assert changelist_pks(response) == []


def test_merchant_filter_lists_only_own_merchants(client, world):
    # given a staff member of A and of a third merchant C, each with a product
    merchant_c = MerchantFactory(name="Gamma")
    ProductFactory(merchant=merchant_c)
    MerchantMembershipFactory(user=world.staff_a, merchant=merchant_c)
    client.force_login(world.staff_a)

    # when they open the product list
    response = client.get(reverse("admin:catalog_product_changelist"))

    # then the merchant filter offers A and C, never B
    merchant_filter = next(f for f in response.context["cl"].filter_specs if f.field_path == "merchant")
    assert sorted(merchant_filter.lookup_choices) == [
        (world.merchant_a.pk, "Alpha"),
        (merchant_c.pk, "Gamma"),
    ]
    assert b"Beta" not in response.content


def test_bulk_mark_draft_leaves_another_merchants_active_product(client_a, world):
    # given both products active
    Product.objects.filter(pk__in=[world.product_a.pk, world.product_b.pk]).update(status="active")
    before = b_snapshot(world)

    # when A's staff marks both draft
    url = reverse("admin:catalog_product_changelist")
    data = {"action": "mark_draft", "_selected_action": [world.product_a.pk, world.product_b.pk]}
    response = client_a.post(url, data)

    # then only A's changed
    assert (response.status_code, response["Location"]) == (302, url)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 product changed."]
    assert Product.objects.get(pk=world.product_a.pk).status == "draft"
    assert b_snapshot(world) == before


# --- the services the admin calls ----------------------------------------------------------------


def test_product_set_status_changes_only_the_given_merchants_products(world):
    # when A's products and B's are set active with A's merchant scope
    changed = product_set_status(
        product_ids=[world.product_a.pk, world.product_b.pk],
        status=Product.Status.ACTIVE,
        merchant_ids=frozenset({world.merchant_a.pk}),
    )

    # then only A's changed
    assert changed == 1
    assert Product.objects.get(pk=world.product_a.pk).status == "active"
    assert Product.objects.get(pk=world.product_b.pk).status == "draft"


def test_product_set_status_refuses_an_unknown_status(world):
    with pytest.raises(ValueError, match="unknown product status: 'gone'"):
        product_set_status(product_ids=[world.product_a.pk], status="gone", merchant_ids=None)


def test_product_image_thumbnail_replaces_the_old_one_in_storage(world):
    # given a picture with a stale thumbnail file
    picture = ProductImageFactory(product=world.product_a, image=png_upload("tall.png", (100, 1000)))
    old_thumbnail = picture.thumbnail.name

    # when its thumbnail is made
    name = product_image_create_thumbnail(image_id=picture.pk)

    # then a JPEG of at most 320 px a side replaces the old file
    assert name == f"products/{world.merchant_a.pk}/{world.product_a.pk}/thumb-tall.jpg"
    assert ProductImage.objects.get(pk=picture.pk).thumbnail.name == name
    assert default_storage.exists(old_thumbnail) is False
    with default_storage.open(name) as stored:
        assert Image.open(stored).size == (32, 320)
