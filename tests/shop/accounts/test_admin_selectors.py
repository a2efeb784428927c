"""The two questions the admin asks about every user: which merchants, and platform staff?"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from shop.accounts.selectors import (
    PLATFORM_STAFF_GROUP,
    merchant_ids_for_user,
    user_is_platform_staff,
)
from tests.shop.accounts.factories import MerchantFactory, MerchantMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_merchant_ids_are_the_active_merchants_of_any_role():
    # given a user who owns one merchant, staffs another and belongs to a switched-off third
    user = UserFactory(is_staff=True)
    owned, staffed, closed = MerchantFactory(), MerchantFactory(), MerchantFactory(is_active=False)
    MerchantMembershipFactory(user=user, merchant=owned, role="owner")
    MerchantMembershipFactory(user=user, merchant=staffed, role="staff")
    MerchantMembershipFactory(user=user, merchant=closed)
    MerchantMembershipFactory(merchant=MerchantFactory())  # someone else's

    # when their merchants are read
    ids = merchant_ids_for_user(user=user)

    # then the two active ones come back
    assert ids == frozenset({owned.pk, staffed.pk})


def test_merchant_ids_are_empty_for_inactive_and_anonymous_users():
    membership = MerchantMembershipFactory()
    membership.user.is_active = False
    membership.user.save(update_fields=["is_active"])

    assert merchant_ids_for_user(user=membership.user) == frozenset()
    assert merchant_ids_for_user(user=AnonymousUser()) == frozenset()


def test_platform_staff_are_superusers_and_members_of_the_group():
    # given a superuser, a group member, a merchant's staff and an inactive group member
    group = Group.objects.create(name=PLATFORM_STAFF_GROUP)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    operator = UserFactory(is_staff=True)
    operator.groups.add(group)
    merchant_staff = MerchantMembershipFactory().user
    gone = UserFactory(is_staff=True, is_active=False)
    gone.groups.add(group)

    # then only the first two are platform staff
    assert user_is_platform_staff(user=superuser) is True
    assert user_is_platform_staff(user=operator) is True
    assert user_is_platform_staff(user=merchant_staff) is False
    assert user_is_platform_staff(user=gone) is False
    assert user_is_platform_staff(user=AnonymousUser()) is False
