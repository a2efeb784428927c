from decimal import Decimal

import pytest
from django.urls import reverse

from apps.cart.models import CartLine
from apps.orders.models import Checkout, Order
from apps.payments.models import Payment
from tests.apps.orders.helpers import buyer_with_cart, place, variant_in_stock
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(method, name, *args, data=None, **headers):
        url = reverse(name, args=args)
        return getattr(client, method)(url, data, content_type="application/json", **headers)

    return call


def test_the_api_needs_a_logged_in_shopper(api):
    assert api("get", "api-cart").status_code == 403
    assert api("post", "api-checkout", data={}).status_code == 403


def test_cart_lines_can_be_added_changed_and_removed(api, client):
    variant = variant_in_stock(stock=5, price="4.00")
    user = UserFactory()
    client.force_login(user)
    created = api("post", "api-cart-lines", data={"variant_id": variant.pk, "quantity": 2})
    assert created.status_code == 201
    body = created.json()
    assert (body["count"], body["subtotal"], body["lines"][0]["quantity"]) == (2, "8.00", 2)
    line_id = body["lines"][0]["line_id"]
    changed = api("patch", "api-cart-line", line_id, data={"quantity": 3})
    assert (changed.status_code, changed.json()["subtotal"]) == (200, "12.00")
    assert api("get", "api-cart").json()["count"] == 3
    assert api("delete", "api-cart-line", line_id).status_code == 204
    assert api("get", "api-cart").json()["lines"] == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"quantity": 0}, "quantity: Ensure this value is greater than or equal to 1."),
        ({"quantity": -5}, "quantity: Ensure this value is greater than or equal to 1."),
        ({"quantity": "abc"}, "quantity: A valid integer is required."),
        ({"quantity": 10**12}, "You can buy at most 10 of"),
        ({"variant_id": 999999999}, "This product is not available."),
        ({"variant_id": "x"}, "variant_id: A valid integer is required."),
    ],
)
def test_bad_cart_input_is_a_400_with_a_message_and_nothing_is_written(api, client, payload, message):
    variant = variant_in_stock(stock=5)
    client.force_login(UserFactory())
    response = api("post", "api-cart-lines", data={"variant_id": variant.pk, "quantity": 1, **payload})
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)
    assert CartLine.objects.count() == 0


def test_another_users_cart_line_and_order_are_404(api, client):
    variant = variant_in_stock(stock=5)
    owner, cart_id, address = buyer_with_cart((variant, 1))
    line = CartLine.objects.get(cart_id=cart_id)
    client.force_login(UserFactory())
    assert api("patch", "api-cart-line", line.pk, data={"quantity": 2}).status_code == 404
    assert api("delete", "api-cart-line", line.pk).status_code == 404
    assert CartLine.objects.get(pk=line.pk).quantity == 1
    result = place(owner, cart_id, address)
    response = api("get", "api-order", result.order_numbers[0])
    assert (response.status_code, response.json()) == (404, {"detail": "No such order."})
    assert api("get", "api-orders").json() == []


def test_checkout_by_api_is_idempotent_by_key_and_lists_the_order(api, client):
    variant = variant_in_stock(stock=5)
    user, _, address = buyer_with_cart((variant, 2))
    client.force_login(user)
    first = api("post", "api-checkout", data={"address_id": address.pk}, HTTP_IDEMPOTENCY_KEY="api-key-0001")
    again = api("post", "api-checkout", data={"address_id": address.pk}, HTTP_IDEMPOTENCY_KEY="api-key-0001")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["total"] == "20.00"
    assert (Checkout.objects.count(), Order.objects.count(), Payment.objects.count()) == (1, 1, 1)
    number = first.json()["order_numbers"][0]
    assert [o["number"] for o in api("get", "api-orders").json()] == [number]
    detail = api("get", "api-order", number).json()
    assert (detail["status"], detail["total"], detail["lines"][0]["quantity"]) == (
        "pending_payment",
        "20.00",
        2,
    )


@pytest.mark.parametrize(
    ("payload", "headers", "status", "message"),
    [
        (
            {"address_id": "ADDR"},
            {"HTTP_IDEMPOTENCY_KEY": "k" * 12},
            400,
            "The Idempotency-Key header is required.",
        ),
        (
            {"address_id": "ADDR", "expected_total": "1.00"},
            {"HTTP_IDEMPOTENCY_KEY": "k" * 12},
            400,
            "The total is 10.00 USD",
        ),
        (
            {"address_id": "x"},
            {"HTTP_IDEMPOTENCY_KEY": "k" * 12},
            400,
            "address_id: A valid integer is required.",
        ),
        (
            {"address_id": 999999},
            {"HTTP_IDEMPOTENCY_KEY": "k" * 12},
            400,
            "Choose one of your delivery addresses.",
        ),
        (
            {"address_id": "ADDR", "shipping_method_ids": {"a": 1}},
            {"HTTP_IDEMPOTENCY_KEY": "k" * 12},
            400,
            "shipping_method_ids",
        ),
        ({"address_id": "ADDR"}, {"HTTP_IDEMPOTENCY_KEY": "bad key!"}, 400, "The checkout form has expired"),
    ],
)
def test_bad_checkout_requests_are_400_and_write_nothing(api, client, payload, headers, status, message):
    variant = variant_in_stock(stock=5)
    user, _, address = buyer_with_cart((variant, 1))
    client.force_login(user)
    payload = {k: (address.pk if v == "ADDR" else v) for k, v in payload.items()}
    if message.startswith("The Idempotency-Key"):
        headers = {}
    response = api("post", "api-checkout", data=payload, **headers)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert (Checkout.objects.count(), Order.objects.count()) == (0, 0)
    assert CartLine.objects.get().quantity == 1


def test_a_tampered_price_in_the_api_body_is_ignored(api, client):
    variant = variant_in_stock(stock=5)
    user, _, address = buyer_with_cart((variant, 1))
    client.force_login(user)
    response = api(
        "post",
        "api-checkout",
        data={"address_id": address.pk, "total": "0.01", "lines": [{"price": "0"}]},
        HTTP_IDEMPOTENCY_KEY="tamper-0001",
    )
    assert response.status_code == 201
    assert Order.objects.get().total == Decimal("10.00")


def test_the_schema_documents_the_buying_api(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/cart/",
        "/api/cart/lines/",
        "/api/cart/lines/{line_id}/",
        "/api/checkout/",
        "/api/orders/",
        "/api/orders/{number}/",
    ):
        assert path in schema["paths"], path
    parameters = schema["paths"]["/api/checkout/"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters)
