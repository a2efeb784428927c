import re
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.cart.models import CartLine
from apps.inventory.models import StockItem
from apps.orders.models import Checkout, Order
from apps.payments.models import Payment
from apps.payments.providers.sandbox import SandboxProvider
from apps.payments.services import ProviderError
from apps.shipping.models import ShippingMethod
from tests.apps.orders.helpers import buyer_with_cart, place, variant_in_stock
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def rendered_checkout(client, user):
    client.force_login(user)
    response = client.get(reverse("orders:checkout"))
    assert response.status_code == 200
    html = response.content.decode()
    return html, {
        "idempotency_key": hidden(html, "idempotency_key"),
        "expected_total": hidden(html, "expected_total"),
    }


def nothing_written(variant, available=5):
    assert (Checkout.objects.count(), Order.objects.count(), Payment.objects.count()) == (0, 0, 0)
    assert StockItem.objects.values_list("available", "reserved").get(variant_id=variant.pk) == (available, 0)


def test_the_checkout_page_shows_server_totals_and_placing_redirects_to_the_payment(client):
    # given a cart with 2 × 10.00 and a merchant offering flat 4.00 shipping
    variant = variant_in_stock(stock=5)
    method = ShippingMethod.objects.create(
        merchant=variant.merchant, name="Post", kind="flat", flat_price=Decimal("4")
    )
    user, cart_id, address = buyer_with_cart((variant, 2))
    html, fields = rendered_checkout(client, user)
    assert fields["expected_total"] == "24.00"
    assert reverse("accounts:address_create") in html
    # when the shopper places the order
    response = client.post(
        reverse("orders:checkout"),
        {**fields, "action": "place", "address": address.pk, f"shipping_{variant.merchant_id}": method.pk},
    )
    # then they are sent to the payment page and the order exists
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:sandbox_pay", args=[payment.token])
    assert Order.objects.get().total == Decimal("24.00")


def test_a_tampered_total_is_refused_with_a_message_and_nothing_is_written(client):
    variant = variant_in_stock(stock=5)
    user, _, address = buyer_with_cart((variant, 2))
    _, fields = rendered_checkout(client, user)
    response = client.post(
        reverse("orders:checkout"),
        {**fields, "expected_total": "0.01", "action": "place", "address": address.pk},
    )
    assert response.status_code == 400
    assert "The total is 20.00 USD, not 0.01 USD. Please review your order." in response.content.decode()
    nothing_written(variant)
    assert CartLine.objects.get().quantity == 2


def test_a_tampered_price_field_changes_nothing(client):
    variant = variant_in_stock(stock=5)
    user, _, address = buyer_with_cart((variant, 2))
    _, fields = rendered_checkout(client, user)
    response = client.post(
        reverse("orders:checkout"),
        {
            **fields,
            "action": "place",
            "address": address.pk,
            "unit_price": "0.01",
            "total": "0.02",
            "price": "0",
        },
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.total, order.lines.get().unit_price) == (Decimal("20.00"), Decimal("10.00"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expected_total": "abc"}, "Enter a number."),
        ({"address": "nope"}, "Choose one of your addresses."),
        ({"idempotency_key": ""}, "This field is required."),
    ],
)
def test_malformed_posts_are_form_errors(client, change, message):
    variant = variant_in_stock(stock=5)
    user, _, address = buyer_with_cart((variant, 1))
    _, fields = rendered_checkout(client, user)
    response = client.post(
        reverse("orders:checkout"), {**fields, "action": "place", "address": address.pk, **change}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    nothing_written(variant)


def test_another_users_address_is_refused(client):
    variant = variant_in_stock(stock=5)
    user, _, _ = buyer_with_cart((variant, 1))
    _, _, stranger_address = buyer_with_cart(user=UserFactory())
    _, fields = rendered_checkout(client, user)
    response = client.post(
        reverse("orders:checkout"), {**fields, "action": "place", "address": stranger_address.pk}
    )
    assert response.status_code == 400
    assert "Choose one of your addresses." in response.content.decode()
    nothing_written(variant)


def test_a_provider_failure_answers_503_with_a_message_and_leaves_nothing(client, monkeypatch):
    variant = variant_in_stock(stock=5)
    user, _, address = buyer_with_cart((variant, 1))
    _, fields = rendered_checkout(client, user)

    def broken_start(self, payment):
        raise ProviderError("down")

    monkeypatch.setattr(SandboxProvider, "start", broken_start)
    response = client.post(reverse("orders:checkout"), {**fields, "action": "place", "address": address.pk})
    assert response.status_code == 503
    assert "nothing was charged" in response.content.decode()
    nothing_written(variant)


def test_sold_out_meanwhile_sends_the_shopper_back_to_the_cart_with_the_reason(client):
    variant = variant_in_stock(stock=1)
    user, _, address = buyer_with_cart((variant, 1))
    _, fields = rendered_checkout(client, user)
    rival, rival_cart, rival_address = buyer_with_cart(user=UserFactory())
    CartLine.objects.create(
        cart_id=rival_cart, variant_id=variant.pk, quantity=1, unit_price_seen=10, currency="USD"
    )
    place(rival, rival_cart, rival_address)
    response = client.post(reverse("orders:checkout"), {**fields, "action": "place", "address": address.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:detail")
    assert Order.objects.filter(user=user).count() == 0
    assert not CartLine.objects.filter(cart__user=user).exists()


def test_checkout_needs_a_login(client):
    response = client.get(reverse("orders:checkout"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_empty_cart_goes_back_to_the_cart_page(client):
    client.force_login(UserFactory())
    response = client.get(reverse("orders:checkout"))
    assert response["Location"] == reverse("cart:detail")


def test_choosing_another_shipping_method_reprices_the_page_before_placing(client):
    variant = variant_in_stock(stock=5)
    ShippingMethod.objects.create(
        merchant=variant.merchant, name="Post", kind="flat", flat_price=Decimal("4")
    )
    express = ShippingMethod.objects.create(
        merchant=variant.merchant, name="Express", kind="flat", flat_price=Decimal("9")
    )
    user, _, address = buyer_with_cart((variant, 1))
    _, fields = rendered_checkout(client, user)
    response = client.post(
        reverse("orders:checkout"),
        {**fields, "action": "update", "address": address.pk, f"shipping_{variant.merchant_id}": express.pk},
    )
    assert response.status_code == 200
    assert hidden(response.content.decode(), "expected_total") == "19.00"
    assert Order.objects.count() == 0
