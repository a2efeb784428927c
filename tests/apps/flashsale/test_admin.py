"""The merchant's flash-sale admin: validation, locks once armed, isolation, the live view."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from apps.flashsale import redis_store
from apps.flashsale.models import FlashSale
from shop.accounts.selectors import MERCHANT_STAFF_GROUP
from tests.shop.accounts.factories import MerchantMembershipFactory

from .factories import FlashSaleFactory, UserFactory, sale_ready, variant_with_stock

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/flashsale/flashsale/add/"


@pytest.fixture
def merchant_client(client):
    call_command("ensure_groups")
    variant = variant_with_stock(units=100)
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MERCHANT_STAFF_GROUP))
    MerchantMembershipFactory(user=staff, merchant=variant.merchant)
    client.force_login(staff)
    client.variant = variant
    return client


def _form(variant, **overrides):
    start = timezone.now() + timedelta(hours=1)
    data = {
        "merchant": variant.merchant_id,
        "title": "Midnight deal",
        "variant_id": variant.pk,
        "sale_price": "19.99",
        "currency": "USD",
        "units": "50",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": (start + timedelta(hours=1)).strftime("%Y-%m-%d"),
        "ends_at_1": (start + timedelta(hours=1)).strftime("%H:%M:%S"),
        "per_buyer_limit": "1",
        "payment_timeout_minutes": "15",
    }
    data.update(overrides)
    return data


def _errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["adminform"].form.errors.items()}


def test_a_merchant_creates_a_valid_sale(merchant_client):
    response = merchant_client.post(ADD_URL, _form(merchant_client.variant))
    assert response.status_code == 302
    sale = FlashSale.objects.get()
    assert (sale.title, sale.units, sale.state, sale.merchant_id) == (
        "Midnight deal",
        50,
        "draft",
        merchant_client.variant.merchant_id,
    )


def test_more_units_than_available_is_refused(merchant_client):
    response = merchant_client.post(ADD_URL, _form(merchant_client.variant, units="101"))
    assert response.status_code == 200
    assert _errors(response) == {"units": ["Only 100 units of this variant are available."]}
    assert FlashSale.objects.count() == 0


def test_the_end_must_come_after_the_start(merchant_client):
    variant = merchant_client.variant
    data = _form(variant)
    data["ends_at_0"], data["ends_at_1"] = data["starts_at_0"], data["starts_at_1"]
    response = merchant_client.post(ADD_URL, data)
    assert _errors(response) == {"ends_at": ["The sale must end after it starts."]}


def test_an_overlapping_sale_of_the_same_variant_is_refused(merchant_client):
    variant = merchant_client.variant
    FlashSaleFactory(
        variant_id=variant.pk,
        starts_at=timezone.now() + timedelta(minutes=90),
        ends_at=timezone.now() + timedelta(hours=5),
    )
    response = merchant_client.post(ADD_URL, _form(variant))
    assert _errors(response) == {"starts_at": ["Another flash sale of this variant overlaps this time."]}


def test_another_merchants_variant_is_refused(merchant_client):
    foreign = variant_with_stock(units=100)
    response = merchant_client.post(ADD_URL, _form(merchant_client.variant, variant_id=foreign.pk))
    assert _errors(response) == {"variant_id": ["Choose one of your own variants."]}


def test_an_armed_sale_keeps_its_units_and_may_only_end_later(client, django_capture_on_commit_callbacks):
    # given an armed sale seen by platform staff
    sale = sale_ready(units=5)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = f"/admin/flashsale/flashsale/{sale.pk}/change/"
    later = sale.ends_at + timedelta(hours=2)
    earlier = sale.ends_at - timedelta(minutes=10)

    def post(ends_at, **extra):
        return client.post(
            url,
            {
                "title": sale.title,
                "ends_at_0": ends_at.strftime("%Y-%m-%d"),
                "ends_at_1": ends_at.strftime("%H:%M:%S"),
                "payment_timeout_minutes": "15",
                **extra,
            },
        )

    # when the end is moved earlier: refused
    response = post(earlier)
    assert _errors(response) == {"ends_at": ["A sale that has been armed can only end later, not earlier."]}
    # when units are posted (a forged field): ignored, they are read-only
    with django_capture_on_commit_callbacks(execute=True):
        response = post(later, units="500")
    assert response.status_code == 302
    sale.refresh_from_db()
    assert sale.units == 5
    assert sale.ends_at.replace(microsecond=0) == later.replace(microsecond=0)
    assert int(redis_store.meta_get(sale.pk)["ends_at"]) == int(
        later.replace(microsecond=0).timestamp() * 1000
    )


def test_merchant_staff_see_only_their_sales_and_live_views(merchant_client):
    own = FlashSaleFactory(variant_id=merchant_client.variant.pk)
    foreign = FlashSaleFactory()
    listing = merchant_client.get("/admin/flashsale/flashsale/")
    assert [row.pk for row in listing.context["cl"].result_list] == [own.pk]
    assert merchant_client.get(f"/admin/flashsale/flashsale/{foreign.pk}/live/").status_code == 404
    assert merchant_client.get(f"/admin/flashsale/flashsale/{foreign.pk}/live.json").status_code == 404
    assert merchant_client.get(f"/admin/flashsale/flashsale/{own.pk}/live/").status_code == 200


def test_the_live_view_json_counts_admissions_orders_and_drift(client):
    from apps.flashsale.services import flash_sale_admit, reservations_drain

    sale = sale_ready(units=3)
    for buyer in UserFactory.create_batch(4):
        flash_sale_admit(sale_id=sale.pk, user_id=buyer.pk, quantity=1)
    reservations_drain(sale_id=sale.pk)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = client.get(f"/admin/flashsale/flashsale/{sale.pk}/live.json").json()
    assert (data["units_left_redis"], data["units_left_db"], data["orders_created"], data["queue_depth"]) == (
        0,
        0,
        3,
        0,
    )
    assert data["drift"] == 0
    assert sum(row.get("admitted", 0) for row in data["per_second"]) == 3
    assert sum(row.get("sold_out", 0) for row in data["per_second"]) == 1
