"""The payments admin: read-only, for platform staff only; merchant staff see nothing of it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from shop.accounts.selectors import PLATFORM_STAFF_GROUP
from tests.apps.payments.factories import PaymentFactory
from tests.shop.accounts.factories import MerchantMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _platform_staff():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=PLATFORM_STAFF_GROUP)[0])
    return user


def test_platform_staff_can_view_payments_but_not_change_them(client):
    # given a payment and a platform staff member
    payment = PaymentFactory()
    client.force_login(_platform_staff())

    # when they open the list, the payment, and try to add one
    listing = client.get(reverse("admin:payments_payment_changelist"))
    detail = client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    add = client.get(reverse("admin:payments_payment_add"))
    delete = client.post(reverse("admin:payments_payment_delete", args=[payment.pk]), {"post": "yes"})

    # then they can read but not write, and the hosted-page token is not shown
    assert (listing.status_code, detail.status_code, add.status_code, delete.status_code) == (
        200,
        200,
        403,
        403,
    )
    assert payment.token not in detail.content.decode()
    assert type(payment).objects.filter(pk=payment.pk).exists()


@pytest.mark.parametrize("name", ["payments_payment", "payments_paymentnotification", "payments_refund"])
def test_merchant_staff_see_no_payments_admin(client, name):
    # given a merchant staff member
    client.force_login(MerchantMembershipFactory().user)

    # when they open the payments admin
    response = client.get(reverse(f"admin:{name}_changelist"))

    # then it is forbidden, and the admin index does not list payments
    assert response.status_code == 403
    assert "/admin/payments/" not in client.get(reverse("admin:index")).content.decode()
