from decimal import Decimal

import pytest

from apps.cart.models import Cart, CartLine
from apps.cart.selectors import cart_get
from apps.cart.services import (
    CartError,
    CartLineNotFound,
    cart_create,
    cart_line_add,
    cart_line_remove,
    cart_line_set_quantity,
    cart_merge,
    cart_refresh,
)
from apps.catalog.models import Product, Variant
from apps.inventory.services import stock_adjust
from tests.apps.orders.helpers import buyer_with_cart, variant_in_stock
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_cart_line_add_adds_up_quantities_of_the_same_variant():
    variant = variant_in_stock(stock=10)
    cart_id = cart_create()
    cart_line_add(cart_id=cart_id, variant_id=variant.pk, quantity=2)
    assert cart_line_add(cart_id=cart_id, variant_id=variant.pk, quantity=3) == 5
    assert list(CartLine.objects.values_list("variant_id", "quantity", "unit_price_seen")) == [
        (variant.pk, 5, Decimal("10.00"))
    ]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "The quantity must be a whole number of at least 1."),
        (-3, "The quantity must be a whole number of at least 1."),
        (10**12, "You can buy at most 4 of"),
        ("2", "The quantity must be a whole number of at least 1."),
    ],
)
def test_cart_line_add_refuses_bad_quantities(quantity, message):
    variant = variant_in_stock(stock=10, max_per_order=4)
    cart_id = cart_create()
    with pytest.raises(CartError) as caught:
        cart_line_add(cart_id=cart_id, variant_id=variant.pk, quantity=quantity)
    assert str(caught.value).startswith(message)
    assert CartLine.objects.count() == 0


def test_cart_line_add_refuses_more_than_is_left():
    variant = variant_in_stock(stock=2)
    cart_id = cart_create()
    with pytest.raises(CartError) as caught:
        cart_line_add(cart_id=cart_id, variant_id=variant.pk, quantity=3)
    assert "Only 2 of" in str(caught.value)


@pytest.mark.parametrize(
    "make_unavailable", ["unknown", "inactive_variant", "draft_product", "inactive_merchant"]
)
def test_cart_line_add_refuses_what_cannot_be_bought(make_unavailable):
    variant = variant_in_stock(stock=5)
    variant_id = variant.pk
    if make_unavailable == "unknown":
        variant_id = 10**9
    elif make_unavailable == "inactive_variant":
        Variant.objects.filter(pk=variant.pk).update(is_active=False)
    elif make_unavailable == "draft_product":
        Product.objects.filter(pk=variant.product_id).update(status=Product.Status.DRAFT)
    else:
        variant.merchant.is_active = False
        variant.merchant.save()
    with pytest.raises(CartError) as caught:
        cart_line_add(cart_id=cart_create(), variant_id=variant_id, quantity=1)
    assert str(caught.value) == "This product is not available."
    assert CartLine.objects.count() == 0


def test_another_carts_line_cannot_be_changed_or_removed():
    variant = variant_in_stock(stock=5)
    _, other_cart, _ = buyer_with_cart((variant, 1))
    line = CartLine.objects.get(cart_id=other_cart)
    mine = cart_create()
    with pytest.raises(CartLineNotFound):
        cart_line_set_quantity(cart_id=mine, line_id=line.pk, quantity=2)
    with pytest.raises(CartLineNotFound):
        cart_line_remove(cart_id=mine, line_id=line.pk)
    assert CartLine.objects.get(pk=line.pk).quantity == 1


def test_cart_get_names_price_changes_and_cart_refresh_remembers_them():
    # given a line added at 10.00, then the price goes up
    variant = variant_in_stock(stock=5, price="10.00")
    cart_id = cart_create()
    cart_line_add(cart_id=cart_id, variant_id=variant.pk, quantity=1)
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("12.50"))
    name = variant.product.name
    # when the cart is shown
    shown = cart_refresh(cart_id=cart_id)
    # then the change is named once, and the line is priced at the new price
    assert shown.notices == (f"The price of {name} changed from 10.00 USD to 12.50 USD.",)
    assert shown.subtotal == Decimal("12.50")
    assert cart_get(cart_id=cart_id).notices == ()


def test_cart_refresh_cuts_quantity_to_what_is_left_and_drops_sold_out_and_unavailable_lines():
    cut, gone, hidden = variant_in_stock(stock=5), variant_in_stock(stock=1), variant_in_stock(stock=3)
    cart_id = cart_create()
    cart_line_add(cart_id=cart_id, variant_id=cut.pk, quantity=4)
    cart_line_add(cart_id=cart_id, variant_id=gone.pk, quantity=1)
    cart_line_add(cart_id=cart_id, variant_id=hidden.pk, quantity=1)
    stock_adjust(variant_id=cut.pk, delta=-3, actor_id=None, reason="damaged")
    stock_adjust(variant_id=gone.pk, delta=-1, actor_id=None, reason="lost")
    Variant.objects.filter(pk=hidden.pk).update(is_active=False)
    shown = cart_refresh(cart_id=cart_id)
    assert shown.notices == (
        f"Only 2 of {cut.product.name} left: quantity reduced to 2.",
        f"{gone.product.name} is sold out and was removed from your cart.",
        f"{hidden.product.name} is no longer available and was removed from your cart.",
    )
    assert list(CartLine.objects.values_list("variant_id", "quantity")) == [(cut.pk, 2)]


def test_cart_merge_moves_anonymous_lines_into_the_users_cart_capped_at_the_limit():
    a, b = variant_in_stock(stock=10, max_per_order=3), variant_in_stock(stock=10)
    user = UserFactory()
    _, user_cart, _ = buyer_with_cart((a, 2), user=user)
    anonymous = cart_create()
    cart_line_add(cart_id=anonymous, variant_id=a.pk, quantity=2)
    cart_line_add(cart_id=anonymous, variant_id=b.pk, quantity=1)
    assert cart_merge(source_cart_id=anonymous, user_id=user.pk) == user_cart
    assert sorted(CartLine.objects.filter(cart_id=user_cart).values_list("variant_id", "quantity")) == [
        (a.pk, 3),
        (b.pk, 1),
    ]
    assert not Cart.objects.filter(pk=anonymous).exists()
