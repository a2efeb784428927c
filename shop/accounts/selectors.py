"""Reads of the accounts app that other layers need: who may see which merchant's data.

The admin scopes every merchant-owned model by `merchant_ids_for_user`, so this is the one place
that decides what "a merchant's staff" means.
"""

from django.contrib.auth.models import AnonymousUser

from shop.accounts.models import MerchantMembership, User

PLATFORM_STAFF_GROUP = "Platform staff"
MERCHANT_STAFF_GROUP = "Merchant staff"


def merchant_ids_for_user(*, user: User | AnonymousUser) -> frozenset[int]:
    """Ids of the active merchants the user belongs to (any role); empty for anyone else.

    An inactive user or an inactive merchant yields nothing: switching a merchant off closes its
    staff's admin at once, without touching their memberships.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        MerchantMembership.objects.filter(user_id=user.pk, merchant__is_active=True).values_list(
            "merchant_id", flat=True
        )
    )


def user_is_platform_staff(*, user: User | AnonymousUser) -> bool:
    """A superuser, or an active user in the "Platform staff" group: sees every merchant's data."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=PLATFORM_STAFF_GROUP).exists()
