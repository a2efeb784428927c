import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from apps.inventory.models import StockItem, StockMovement
from shop.accounts.selectors import MERCHANT_STAFF_GROUP
from tests.apps.catalog.factories import VariantFactory
from tests.apps.orders.helpers import variant_in_stock
from tests.shop.accounts.factories import MerchantMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_of():
    call_command("ensure_groups", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115

    def make(merchant):
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=MERCHANT_STAFF_GROUP))
        MerchantMembershipFactory(user=user, merchant=merchant)
        return user

    return make


def test_a_merchant_sees_and_adjusts_only_their_own_stock(client, staff_of):
    mine, theirs = variant_in_stock(stock=3, sku="MINE-1"), variant_in_stock(stock=9, sku="THEIRS-1")
    staff = staff_of(mine.merchant)
    client.force_login(staff)
    listing = client.get(reverse("admin:inventory_stockitem_changelist")).content.decode()
    assert "MINE-1" in listing
    assert "THEIRS-1" not in listing
    items = {item.variant_id: item for item in StockItem.objects.all()}
    data = {
        "action": "adjust_stock",
        "_selected_action": [items[mine.pk].pk, items[theirs.pk].pk],
        "apply": "1",
        "delta": "5",
        "reason": "delivery",
    }
    client.post(reverse("admin:inventory_stockitem_changelist"), data)
    assert StockItem.objects.get(variant_id=mine.pk).available == 8
    assert StockItem.objects.get(variant_id=theirs.pk).available == 9
    movement = StockMovement.objects.filter(stock_item=items[mine.pk]).latest("id")
    assert (movement.kind, movement.quantity, movement.actor_id, movement.reason) == (
        "adjust",
        5,
        staff.pk,
        "delivery",
    )


def test_removing_more_than_is_available_is_refused_with_a_message(client, staff_of):
    variant = variant_in_stock(stock=2)
    client.force_login(staff_of(variant.merchant))
    item = StockItem.objects.get(variant_id=variant.pk)
    data = {
        "action": "adjust_stock",
        "_selected_action": [item.pk],
        "apply": "1",
        "delta": "-3",
        "reason": "x",
    }
    response = client.post(reverse("admin:inventory_stockitem_changelist"), data)
    assert [str(m) for m in response.wsgi_request._messages] == [f"{item}: not that many units available."]
    assert StockItem.objects.get(pk=item.pk).available == 2


def test_the_low_stock_filter(client, staff_of):
    low = variant_in_stock(stock=2, sku="LOW-1")
    plenty = variant_in_stock(stock=50, sku="PLENTY-1", product__merchant=low.merchant)
    assert plenty.merchant_id == low.merchant_id
    client.force_login(staff_of(low.merchant))
    html = client.get(reverse("admin:inventory_stockitem_changelist"), {"level": "low"}).content.decode()
    assert "LOW-1" in html
    assert "PLENTY-1" not in html


def test_stock_for_a_new_variant_is_added_through_the_service_and_only_for_own_variants(client, staff_of):
    mine = VariantFactory()
    theirs = VariantFactory()
    client.force_login(staff_of(mine.merchant))
    url = reverse("admin:inventory_stockitem_add")
    refused = client.post(url, {"variant_id": theirs.pk, "delta": "10", "reason": "first"})
    assert refused.status_code == 200
    assert "No variant of yours has this id." in refused.content.decode()
    accepted = client.post(url, {"variant_id": mine.pk, "delta": "10", "reason": "first"})
    assert accepted.status_code == 302
    assert list(StockItem.objects.values_list("variant_id", "available")) == [(mine.pk, 10)]


def test_the_change_form_cannot_overwrite_the_counters(client, staff_of):
    variant = variant_in_stock(stock=4)
    client.force_login(staff_of(variant.merchant))
    item = StockItem.objects.get(variant_id=variant.pk)
    client.post(
        reverse("admin:inventory_stockitem_change", args=[item.pk]),
        {
            "low_stock_threshold": "7",
            "available": "999",
            "sold": "5",
            "movements-TOTAL_FORMS": "0",
            "movements-INITIAL_FORMS": "0",
        },
    )
    item.refresh_from_db()
    assert (item.available, item.sold, item.low_stock_threshold) == (4, 0, 7)
