import pytest
from django.core.management import call_command

from apps.shipping.models import ShippingMethod
from shop.accounts.models import Merchant

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_merchant_two_shipping_methods_once():
    call_command("seed_demo", products=4, stdout=None)
    call_command("seed_demo", products=4, stdout=None)

    per_merchant = {
        merchant.pk: sorted(ShippingMethod.objects.filter(merchant=merchant).values_list("name", flat=True))
        for merchant in Merchant.objects.all()
    }
    assert len(per_merchant) == 4
    assert set(map(tuple, per_merchant.values())) == {("Express", "Standard")}
