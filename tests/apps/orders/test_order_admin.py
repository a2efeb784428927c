from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from apps.orders.models import Order
from apps.payments.models import Payment
from apps.shipping.models import Shipment
from shop.accounts.selectors import MERCHANT_STAFF_GROUP
from tests.apps.orders.helpers import buyer_with_cart, pay, place, variant_in_stock
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


def paid_order(capture, **variant_kwargs) -> Order:
    variant = variant_in_stock(stock=5, **variant_kwargs)
    user, cart_id, address = buyer_with_cart((variant, 2))
    result = place(user, cart_id, address)
    pay(result.payment_id, capture=capture)
    return Order.objects.get(number=result.order_numbers[0])


def action(client, name, order, **extra):
    data = {"action": name, "_selected_action": [order.pk], **extra}
    return client.post(reverse("admin:orders_order_changelist"), data)


def test_a_merchant_sees_only_their_own_orders(client, staff_of, django_capture_on_commit_callbacks):
    mine = paid_order(django_capture_on_commit_callbacks)
    theirs = paid_order(django_capture_on_commit_callbacks)
    client.force_login(staff_of(mine.merchant))
    listing = client.get(reverse("admin:orders_order_changelist")).content.decode()
    assert mine.number in listing
    assert theirs.number not in listing
    response = client.get(reverse("admin:orders_order_change", args=[theirs.pk]))
    assert response.status_code == 404  # admin_scoping: another merchant's order looks like none
    # an action posted with the other merchant's id does nothing to it
    action(client, "cancel_orders", theirs)
    assert Order.objects.get(pk=theirs.pk).status == "paid"


def test_ship_asks_for_carrier_and_tracking_number_then_ships(
    client, staff_of, django_capture_on_commit_callbacks
):
    order = paid_order(django_capture_on_commit_callbacks)
    client.force_login(staff_of(order.merchant))
    form = action(client, "ship_orders", order)
    assert form.status_code == 200
    assert 'name="tracking_number"' in form.content.decode()
    done = action(client, "ship_orders", order, apply="1", carrier="DHL", tracking_number="DHL-42")
    assert done.status_code == 302
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert Shipment.objects.get(order_id=order.pk).tracking_number == "DHL-42"


def test_refund_part_then_the_rest(client, staff_of, django_capture_on_commit_callbacks):
    order = paid_order(django_capture_on_commit_callbacks)
    client.force_login(staff_of(order.merchant))
    action(client, "refund_orders", order, apply="1", amount="5.00", reason="dented")
    assert Order.objects.get(pk=order.pk).refunded_total == Decimal("5.00")
    response = action(client, "refund_orders", order, apply="1", amount="", reason="returned")
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.refunded_total) == ("refunded", Decimal("20.00"))
    assert Payment.objects.get().refunded_amount == Decimal("20.00")


def test_cancel_refuses_a_paid_order_with_a_message(client, staff_of, django_capture_on_commit_callbacks):
    order = paid_order(django_capture_on_commit_callbacks)
    client.force_login(staff_of(order.merchant))
    response = action(client, "cancel_orders", order)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [f"Order {order.number} is not awaiting payment: not cancelled."]
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_saving_the_change_form_writes_nothing(client, staff_of, django_capture_on_commit_callbacks):
    order = paid_order(django_capture_on_commit_callbacks)
    client.force_login(staff_of(order.merchant))
    client.post(reverse("admin:orders_order_change", args=[order.pk]), {"status": "cancelled"})
    assert Order.objects.get(pk=order.pk).status == "paid"
