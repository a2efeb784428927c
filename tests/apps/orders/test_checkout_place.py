from decimal import Decimal

import pytest
from django.urls import reverse

from apps.cart.models import CartLine
from apps.catalog.models import Variant
from apps.inventory.models import StockItem, StockMovement
from apps.orders.models import Checkout, Order, OrderEvent, OrderLine
from apps.orders.services import (
    AddressInvalid,
    CartChanged,
    CartEmpty,
    IdempotencyKeyInvalid,
    OutOfStock,
    ShippingMethodInvalid,
    TotalMismatch,
)
from apps.payments.models import Payment
from apps.payments.providers.sandbox import SandboxProvider
from apps.payments.services import ProviderError
from apps.shipping.models import ShippingMethod
from tests.apps.orders.helpers import address_for, buyer_with_cart, place, variant_in_stock
from tests.shop.accounts.factories import MerchantFactory, UserFactory

pytestmark = pytest.mark.django_db


def stock(variant):
    return StockItem.objects.values_list("available", "reserved", "sold").get(variant_id=variant.pk)


def test_checkout_place_makes_one_order_per_merchant_reserves_stock_pays_once_and_clears_the_cart(
    django_capture_on_commit_callbacks,
):
    # given a cart with two items of merchant A and one of merchant B (B charges flat shipping)
    a1 = variant_in_stock(stock=5, price="10.00", sku="A-1")
    a2 = variant_in_stock(stock=5, price="2.50", product__merchant=a1.merchant, sku="A-2")
    b1 = variant_in_stock(stock=5, price="7.00", sku="B-1")
    method = ShippingMethod.objects.create(
        merchant=b1.merchant, name="Post", kind="flat", flat_price=Decimal("4.00")
    )
    user, cart_id, address = buyer_with_cart((a1, 2), (a2, 1), (b1, 3))
    # when the shopper places the order
    with django_capture_on_commit_callbacks(execute=True):
        result = place(user, cart_id, address, shipping_method_ids={b1.merchant_id: method.pk})
    # then two orders with server totals, one payment for the sum, the cart empty, stock reserved
    orders = {order.merchant_id: order for order in Order.objects.all()}
    assert (
        orders[a1.merchant_id].subtotal,
        orders[a1.merchant_id].shipping_total,
        orders[a1.merchant_id].total,
    ) == (
        Decimal("22.50"),
        Decimal("0.00"),
        Decimal("22.50"),
    )
    assert (
        orders[b1.merchant_id].subtotal,
        orders[b1.merchant_id].shipping_total,
        orders[b1.merchant_id].total,
    ) == (
        Decimal("21.00"),
        Decimal("4.00"),
        Decimal("25.00"),
    )
    assert orders[b1.merchant_id].shipping_method_name == "Post"
    assert result.total == Decimal("47.50")
    assert sorted(result.order_numbers) == sorted(o.number for o in orders.values())
    payment = Payment.objects.get()
    assert (payment.amount, payment.checkout_id, result.payment_id) == (
        Decimal("47.50"),
        result.checkout_id,
        payment.pk,
    )
    assert result.redirect_url == reverse("payments:sandbox_pay", args=[payment.token])
    assert CartLine.objects.filter(cart_id=cart_id).count() == 0
    assert (stock(a1), stock(a2), stock(b1)) == ((3, 2, 0), (4, 1, 0), (2, 3, 0))
    lines = set(OrderLine.objects.values_list("sku", "unit_price", "quantity"))
    assert lines == {("A-1", Decimal("10.00"), 2), ("A-2", Decimal("2.50"), 1), ("B-1", Decimal("7.00"), 3)}
    assert orders[a1.merchant_id].shipping_address["line1"] == "1 Main St"
    assert set(OrderEvent.objects.values_list("to_status", flat=True)) == {"pending_payment"}
    assert set(StockMovement.objects.filter(kind="reserve").values_list("order_ref", flat=True)) == set(
        result.order_numbers
    )


def test_the_same_key_twice_gives_the_same_result_and_one_set_of_orders():
    variant = variant_in_stock(stock=5)
    user, cart_id, address = buyer_with_cart((variant, 2))
    first = place(user, cart_id, address, key="key-12345678")
    again = place(user, cart_id, address, key="key-12345678")
    assert again.as_json() == first.as_json()
    assert (first.replayed, again.replayed) == (False, True)
    assert (Checkout.objects.count(), Order.objects.count(), Payment.objects.count()) == (1, 1, 1)
    assert stock(variant) == (3, 2, 0)


def test_a_failing_payment_provider_leaves_no_order_no_checkout_and_no_reserved_stock(monkeypatch):
    # given a cart and a provider that fails when the payment is opened
    variant = variant_in_stock(stock=5)
    user, cart_id, address = buyer_with_cart((variant, 2))

    def broken_start(self, payment):
        raise ProviderError("gateway down")

    monkeypatch.setattr(SandboxProvider, "start", broken_start)
    # when the shopper places the order
    with pytest.raises(ProviderError):
        place(user, cart_id, address)
    # then everything is rolled back
    assert (
        Checkout.objects.count(),
        Order.objects.count(),
        OrderLine.objects.count(),
        Payment.objects.count(),
    ) == (
        0,
        0,
        0,
        0,
    )
    assert stock(variant) == (5, 0, 0)
    assert not StockMovement.objects.filter(kind="reserve").exists()
    assert CartLine.objects.get(cart_id=cart_id).quantity == 2


def test_short_stock_fails_the_whole_checkout():
    # given a two-merchant cart where the second merchant's item sold out meanwhile
    fine = variant_in_stock(stock=5)
    short = variant_in_stock(stock=2)
    user, cart_id, address = buyer_with_cart((fine, 1), (short, 2))
    other, other_cart, other_address = buyer_with_cart((short, 1))
    place(other, other_cart, other_address)
    # when the first shopper places (the cart check sees only 1 left)
    with pytest.raises(CartChanged):
        place(user, cart_id, address)
    # then nothing of theirs was written
    assert Order.objects.filter(user=user).count() == 0
    assert stock(fine) == (5, 0, 0)
    assert stock(short) == (1, 1, 0)


def test_out_of_stock_at_reservation_rolls_everything_back(monkeypatch):
    # given the cart check passes but the stock is taken before the conditional UPDATE
    variant = variant_in_stock(stock=2)
    user, cart_id, address = buyer_with_cart((variant, 2))
    from apps.orders.services import checkout as checkout_module

    real_reserve = checkout_module.stock_reserve

    def racing_reserve(**kwargs):
        StockItem.objects.filter(variant_id=variant.pk).update(available=1, reserved=1)
        return real_reserve(**kwargs)

    monkeypatch.setattr(checkout_module, "stock_reserve", racing_reserve)
    with pytest.raises(OutOfStock) as caught:
        place(user, cart_id, address)
    assert variant.product.name in str(caught.value)
    assert (Order.objects.count(), Checkout.objects.count()) == (0, 0)
    # (the simulated competitor's reservation is rolled back with ours; the ledger stays true)
    assert stock(variant) == (2, 0, 0)


def test_checkout_refuses_bad_requests_and_writes_nothing():
    variant = variant_in_stock(stock=5)
    user, cart_id, address = buyer_with_cart((variant, 1))
    stranger_address = address_for(UserFactory())
    empty_user, empty_cart, empty_address = buyer_with_cart()
    other_method = ShippingMethod.objects.create(
        merchant=MerchantFactory(), name="X", kind="flat", flat_price=1
    )
    cases = [
        (IdempotencyKeyInvalid, {"key": "short"}),
        (AddressInvalid, {"address": stranger_address}),
        (ShippingMethodInvalid, {"shipping_method_ids": {variant.merchant_id: other_method.pk}}),
        (TotalMismatch, {"expected_total": Decimal("0.01")}),
    ]
    for error, change in cases:
        kwargs = {"key": change.pop("key", None)}
        with pytest.raises(error):
            place(user, cart_id, change.pop("address", address), **kwargs, **change)
    with pytest.raises(CartEmpty):
        place(empty_user, empty_cart, empty_address)
    assert (Checkout.objects.count(), Order.objects.count(), Payment.objects.count()) == (0, 0, 0)
    assert stock(variant) == (5, 0, 0)


def test_a_price_change_since_the_cart_was_shown_stops_the_checkout():
    variant = variant_in_stock(stock=5, price="10.00")
    user, cart_id, address = buyer_with_cart((variant, 1))
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("11.00"))
    with pytest.raises(CartChanged) as caught:
        place(user, cart_id, address)
    assert str(caught.value) == f"The price of {variant.product.name} changed from 10.00 USD to 11.00 USD."
    assert Order.objects.count() == 0


def test_expected_total_equal_to_the_server_total_is_accepted():
    variant = variant_in_stock(stock=5, price="3.30")
    user, cart_id, address = buyer_with_cart((variant, 3))
    result = place(user, cart_id, address, expected_total=Decimal("9.90"))
    assert Order.objects.get().total == result.total == Decimal("9.90")
