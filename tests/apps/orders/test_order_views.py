import pytest
from django.urls import reverse

from apps.orders.models import Order
from apps.orders.services import order_ship
from tests.apps.orders.helpers import buyer_with_cart, pay, place, variant_in_stock
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_shopper_sees_their_orders_with_lines_history_and_tracking(
    client, django_capture_on_commit_callbacks
):
    variant = variant_in_stock(stock=5, sku="MUG-1")
    user, cart_id, address = buyer_with_cart((variant, 2))
    result = place(user, cart_id, address)
    pay(result.payment_id, capture=django_capture_on_commit_callbacks)
    order = Order.objects.get()
    order_ship(order_id=order.pk, actor_id=None, carrier="DHL", tracking_number="TRACK-9")
    client.force_login(user)
    listing = client.get(reverse("orders:list")).content.decode()
    assert order.number in listing
    detail = client.get(reverse("orders:detail", args=[order.number]))
    html = detail.content.decode()
    assert detail.status_code == 200
    for text in ("MUG-1", "20.00 USD", "Awaiting payment", "Paid", "Shipped", "TRACK-9", "1 Main St"):
        assert text in html, text
    done = client.get(reverse("orders:checkout_done", args=[result.checkout_id]))
    assert order.number in done.content.decode()


def test_a_paid_order_not_yet_shipped_says_so_and_an_unpaid_one_shows_no_shipment(
    client, django_capture_on_commit_callbacks
):
    variant = variant_in_stock(stock=5, sku="MUG-2")
    user, cart_id, address = buyer_with_cart((variant, 1))
    result = place(user, cart_id, address)
    client.force_login(user)
    number = Order.objects.get().number

    unpaid = client.get(reverse("orders:detail", args=[number])).content.decode()
    pay(result.payment_id, capture=django_capture_on_commit_callbacks)
    paid = client.get(reverse("orders:detail", args=[number])).content.decode()

    assert "shipment-timeline" not in unpaid
    assert "This order has not been shipped yet." in paid


def test_another_users_order_and_checkout_are_404(client):
    variant = variant_in_stock(stock=5)
    user, cart_id, address = buyer_with_cart((variant, 1))
    result = place(user, cart_id, address)
    client.force_login(UserFactory())
    assert client.get(reverse("orders:detail", args=[result.order_numbers[0]])).status_code == 404
    assert client.get(reverse("orders:detail", args=["NO-SUCH"])).status_code == 404
    assert client.get(reverse("orders:checkout_done", args=[result.checkout_id])).status_code == 404
