from decimal import Decimal

import pytest

from apps.shipping.models import ShippingMethod
from apps.shipping.selectors import shipping_methods_for_merchants, shipping_quote
from apps.shipping.types import ShippingMethodInfo, ShippingMethodUnavailable
from tests.apps.shipping.factories import ShippingMethodFactory
from tests.shop.accounts.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def test_flat_rate_costs_the_flat_price_whatever_the_weight():
    # given a flat method of 4.90
    method = ShippingMethodFactory(kind=ShippingMethod.Kind.FLAT, flat_price=Decimal("4.90"))

    # when quoting a heavy, expensive parcel
    price = shipping_quote(
        method_id=method.id, merchant_id=method.merchant_id, weight_grams=25_000, subtotal=Decimal("999.00")
    )

    # then
    assert price == Decimal("4.90")


@pytest.mark.parametrize(
    ("weight_grams", "expected"),
    [
        (0, Decimal("0.00")),
        (1, Decimal("2.35")),
        (1000, Decimal("2.35")),
        (1001, Decimal("4.70")),
        (2500, Decimal("7.05")),
    ],
)
def test_weight_rate_charges_every_started_kilogram(weight_grams, expected):
    # given 2.35 per started kg
    method = ShippingMethodFactory(
        kind=ShippingMethod.Kind.WEIGHT, flat_price=0, price_per_kg=Decimal("2.35")
    )

    # when
    price = shipping_quote(
        method_id=method.id, merchant_id=method.merchant_id, weight_grams=weight_grams, subtotal=Decimal("10")
    )

    # then
    assert price == expected
    assert price.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("subtotal", "expected"),
    [
        (Decimal("49.99"), Decimal("6.50")),
        (Decimal("50.00"), Decimal("0.00")),
        (Decimal("50.01"), Decimal("0.00")),
    ],
)
def test_free_over_is_free_from_the_threshold_on(subtotal, expected):
    # given free from 50.00, else 6.50
    method = ShippingMethodFactory(
        kind=ShippingMethod.Kind.FREE_OVER, flat_price=Decimal("6.50"), free_over_amount=Decimal("50.00")
    )

    # when
    price = shipping_quote(
        method_id=method.id, merchant_id=method.merchant_id, weight_grams=500, subtotal=subtotal
    )

    # then
    assert price == expected


def test_another_merchants_method_is_refused():
    # given a method of merchant A and a parcel of merchant B
    method = ShippingMethodFactory()
    other = MerchantFactory()

    # when / then
    with pytest.raises(ShippingMethodUnavailable) as caught:
        shipping_quote(method_id=method.id, merchant_id=other.id, weight_grams=100, subtotal=Decimal("1.00"))
    assert (caught.value.method_id, caught.value.merchant_id) == (method.id, other.id)


def test_inactive_or_unknown_method_is_refused():
    # given an inactive method
    method = ShippingMethodFactory(is_active=False)

    # when / then
    with pytest.raises(ShippingMethodUnavailable):
        shipping_quote(
            method_id=method.id, merchant_id=method.merchant_id, weight_grams=100, subtotal=Decimal(1)
        )
    with pytest.raises(ShippingMethodUnavailable):
        shipping_quote(
            method_id=method.id + 999, merchant_id=method.merchant_id, weight_grams=1, subtotal=Decimal(1)
        )


def test_negative_weight_is_a_value_error():
    method = ShippingMethodFactory()

    with pytest.raises(ValueError, match="weight_grams"):
        shipping_quote(
            method_id=method.id, merchant_id=method.merchant_id, weight_grams=-1, subtotal=Decimal(1)
        )


def test_methods_for_merchants_lists_active_methods_per_merchant(django_assert_num_queries):
    # given merchant A with two active and one inactive method, merchant B with none
    merchant_a, merchant_b = MerchantFactory(), MerchantFactory()
    express = ShippingMethodFactory(merchant=merchant_a, name="Express", flat_price=Decimal("12.00"))
    by_weight = ShippingMethodFactory(
        merchant=merchant_a, name="Economy", kind=ShippingMethod.Kind.WEIGHT, price_per_kg=Decimal("1.50")
    )
    ShippingMethodFactory(merchant=merchant_a, name="Old", is_active=False)

    # when
    with django_assert_num_queries(1):
        found = shipping_methods_for_merchants(merchant_ids=[merchant_a.id, merchant_b.id])

    # then
    assert found == {
        merchant_a.id: [
            ShippingMethodInfo(
                id=by_weight.id,
                merchant_id=merchant_a.id,
                name="Economy",
                kind="weight",
                description="1.50 USD per started kg",
                currency="USD",
            ),
            ShippingMethodInfo(
                id=express.id,
                merchant_id=merchant_a.id,
                name="Express",
                kind="flat",
                description="Flat rate 12.00 USD",
                currency="USD",
            ),
        ],
        merchant_b.id: [],
    }
