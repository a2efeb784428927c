"""`manage.py ensure_groups`: the two admin groups with least privilege, idempotently."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from shop.accounts.selectors import MERCHANT_STAFF_GROUP, PLATFORM_STAFF_GROUP

pytestmark = pytest.mark.django_db


def perms(group_name: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_merchant_staff_get_their_own_catalog_rows_and_view_only_reference_data():
    # when the groups are ensured
    call_command("ensure_groups", stdout=io.StringIO())

    # then merchant staff have exactly these permissions on accounts and the catalog (other apps
    # declare their own on their AppConfig)
    own_apps = {p for p in perms(MERCHANT_STAFF_GROUP) if p.split(".")[0] in {"accounts", "catalog"}}
    assert own_apps == {
        "accounts.view_merchant",
        *(
            f"catalog.{a}_{m}"
            for a in ("view", "add", "change", "delete")
            for m in ("product", "productimage", "variant")
        ),
        "catalog.view_category",
        "catalog.view_brand",
        "catalog.view_attribute",
        "catalog.view_attributevalue",
    }


def test_every_merchant_staff_permission_is_declared_by_an_app():
    # given what the installed apps declare
    from django.apps import apps

    declared = {
        f"{config.label}.{action}_{model}"
        for config in apps.get_app_configs()
        for model, actions in getattr(config, "merchant_staff_permissions", {}).items()
        for action in actions
    }

    # when the groups are ensured
    call_command("ensure_groups", stdout=io.StringIO())

    # then the group holds exactly the declared permissions, none on platform-only models
    assert perms(MERCHANT_STAFF_GROUP) == declared
    assert not {"accounts.view_user", "accounts.view_address", "accounts.change_merchant"} & declared


def test_platform_staff_get_the_shops_models_and_none_of_djangos():
    call_command("ensure_groups", stdout=io.StringIO())

    platform = perms(PLATFORM_STAFF_GROUP)

    assert {
        "catalog.change_product",
        "catalog.delete_category",
        "accounts.change_user",
        "accounts.view_address",
    } <= platform
    assert {p.split(".")[0] for p in platform} >= {"accounts", "catalog"}
    assert not {
        p for p in platform if p.split(".")[0] in {"auth", "admin", "contenttypes", "sessions", "axes"}
    }


def test_ensure_groups_is_idempotent_and_repairs_drift():
    # given the groups, then a stray permission added by hand and a required one removed
    call_command("ensure_groups", stdout=io.StringIO())
    expected = perms(MERCHANT_STAFF_GROUP)
    group = Group.objects.get(name=MERCHANT_STAFF_GROUP)
    group.permissions.add(Permission.objects.get(codename="change_merchant"))
    group.permissions.remove(Permission.objects.get(codename="view_brand"))

    # when the command runs again
    out = io.StringIO()
    call_command("ensure_groups", stdout=out)

    # then the group is exactly as designed, still one of each
    assert perms(MERCHANT_STAFF_GROUP) == expected
    assert Group.objects.filter(name__in=[MERCHANT_STAFF_GROUP, PLATFORM_STAFF_GROUP]).count() == 2
    assert out.getvalue().splitlines()[0] == f"{MERCHANT_STAFF_GROUP}: {len(expected)} permissions"
