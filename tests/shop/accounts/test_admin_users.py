"""Admin for users, merchants, memberships and addresses: platform staff only, phones masked."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from shop.accounts.admin import phone_mask
from shop.accounts.models import Address, Merchant, User
from shop.accounts.selectors import MERCHANT_STAFF_GROUP, PLATFORM_STAFF_GROUP
from tests.shop.accounts.factories import (
    DEFAULT_PASSWORD,
    MerchantFactory,
    MerchantMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    call_command("ensure_groups", stdout=io.StringIO())


@pytest.fixture
def operator(groups) -> User:
    user = UserFactory(is_staff=True, email="ops@example.com")
    user.groups.add(Group.objects.get(name=PLATFORM_STAFF_GROUP))
    return user


@pytest.fixture
def merchant_staff(groups) -> User:
    membership = MerchantMembershipFactory(merchant=MerchantFactory(name="Alpha"))
    membership.user.groups.add(Group.objects.get(name=MERCHANT_STAFF_GROUP))
    return membership.user


def make_address(user: User, phone: str) -> Address:
    return Address.objects.create(
        user=user, full_name="Li Lei", line1="1 Road", city="Shanghai", postal_code="200000", phone=phone
    )


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+86 138 0013 8000", "•••••••••••00"),
        ("555-0199", "•••••99"),
        ("1234", "••••"),
        ("", ""),
    ],
)
def test_phone_mask_keeps_only_the_last_two_digits_of_long_numbers(phone, masked):
    assert phone_mask(phone) == masked


def test_address_list_shows_masked_phones_only(client, operator):
    # given an address with a phone number
    make_address(UserFactory(), "+86 138 0013 8000")
    client.force_login(operator)

    # when platform staff open the address list
    response = client.get(reverse("admin:accounts_address_changelist"))

    # then the phone is masked there
    assert response.status_code == 200
    assert "•••••••••••00" in response.content.decode()
    assert "138 0013" not in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_address_changelist",
        "admin:accounts_merchantmembership_changelist",
        "admin:accounts_merchant_add",
    ],
)
def test_merchant_staff_cannot_open_platform_only_pages(client, merchant_staff, url_name):
    client.force_login(merchant_staff)

    response = client.get(reverse(url_name))

    assert response.status_code == 403


def test_merchant_staff_do_not_see_platform_models_in_the_index(client, merchant_staff):
    client.force_login(merchant_staff)

    response = client.get(reverse("admin:index"))

    models = {model["object_name"] for app in response.context["app_list"] for model in app["models"]}
    # (other apps add their own merchant-scoped models; these are the catalog's and accounts')
    assert {"Merchant", "Product", "Variant", "Category", "Brand", "Attribute", "AttributeValue"} <= models
    assert models & {"User", "Address", "MerchantMembership", "Group"} == set()


def test_merchant_staff_view_their_merchant_but_cannot_change_it(client, merchant_staff):
    # given merchant staff and another merchant
    own = Merchant.objects.get(memberships__user=merchant_staff)
    MerchantFactory(name="Beta")
    client.force_login(merchant_staff)

    # when they list, view and try to rename their merchant
    listing = client.get(reverse("admin:accounts_merchant_changelist"))
    view = client.get(reverse("admin:accounts_merchant_change", args=[own.pk]))
    rename = client.post(
        reverse("admin:accounts_merchant_change", args=[own.pk]),
        {"name": "Renamed", "slug": own.slug, "is_active": "on", "email": ""},
    )

    # then they see only their own merchant, read-only
    assert [m.pk for m in listing.context["cl"].result_list] == [own.pk]
    assert view.status_code == 200
    assert view.context["has_change_permission"] is False
    assert rename.status_code == 403
    assert Merchant.objects.get(pk=own.pk).name == "Alpha"


def test_merchant_staff_log_in_to_the_admin_with_their_password(client, merchant_staff):
    # when merchant staff log in through the admin's own login form
    response = client.post(
        reverse("admin:login"),
        {"username": merchant_staff.email, "password": DEFAULT_PASSWORD, "next": reverse("admin:index")},
    )

    # then they land on the admin index
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:catalog_product_changelist")).status_code == 200


def test_platform_staff_add_a_user_with_a_password(client, operator):
    client.force_login(operator)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.com",
            "usable_password": "true",
            "password1": "a-long-unusual-password-42",
            "password2": "a-long-unusual-password-42",
        },
    )

    user = User.objects.get(email="new.person@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[user.pk])
    assert user.check_password("a-long-unusual-password-42") is True
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_user_add_refuses_an_email_differing_only_in_case(client, operator):
    UserFactory(email="taken@example.com")
    client.force_login(operator)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "TAKEN@example.com", "usable_password": "false", "password1": "", "password2": ""},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "email": ["A user with this e-mail address already exists."]
    }
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_user_list_searches_by_email(client, operator):
    wanted = UserFactory(email="findme@example.com")
    UserFactory(email="other@example.com")
    client.force_login(operator)

    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "findme"})

    assert [u.pk for u in response.context["cl"].result_list] == [wanted.pk]


def test_platform_staff_cannot_make_themselves_superuser(client, operator):
    # when platform staff post their own change form with is_superuser on
    client.force_login(operator)
    response = client.post(
        reverse("admin:accounts_user_change", args=[operator.pk]),
        {
            "email": operator.email,
            "full_name": "Ops",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=PLATFORM_STAFF_GROUP).pk],
        },
    )

    # then the change saves, but is_superuser is read-only for them
    operator.refresh_from_db()
    assert response.status_code == 302
    assert (operator.full_name, operator.is_superuser) == ("Ops", False)


def test_platform_staff_cannot_change_a_superusers_password(client, operator):
    boss = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)

    response = client.post(
        # Django names this URL "auth_user_password_change" whatever the user model.
        reverse("admin:auth_user_password_change", args=[boss.pk]),
        {"usable_password": "true", "password1": "x-new-password-123", "password2": "x-new-password-123"},
    )

    boss.refresh_from_db()
    assert response.status_code == 403
    assert boss.check_password(DEFAULT_PASSWORD) is True
