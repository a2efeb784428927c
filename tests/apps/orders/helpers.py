"""Builders shared by the buying tests: a variant with stock, a buyer with an address and a cart,
a placed checkout, a payment confirmed through the real sandbox flow."""

from decimal import Decimal

from apps.cart.services import cart_for_user_ensure, cart_line_add
from apps.inventory.services import stock_adjust
from apps.orders.services import checkout_place, idempotency_key_new
from apps.payments.models import Payment
from apps.payments.services import sandbox_payment_decide
from shop.accounts.models import Address
from tests.apps.catalog.factories import VariantFactory
from tests.shop.accounts.factories import UserFactory


def variant_in_stock(*, stock: int = 10, price: str = "10.00", max_per_order: int = 10, **kwargs):
    variant = VariantFactory(price=Decimal(price), product__max_per_order=max_per_order, **kwargs)
    if stock:
        stock_adjust(variant_id=variant.pk, delta=stock, actor_id=None, reason="initial stock")
    return variant


def address_for(user) -> Address:
    return Address.objects.create(
        user=user,
        full_name=user.full_name or "Ann Buyer",
        line1="1 Main St",
        city="Springfield",
        postal_code="12345",
        country="US",
    )


def buyer_with_cart(*lines, user=None):
    """A user with an address and a cart holding (variant, quantity) lines: (user, cart_id, address)."""
    user = user or UserFactory()
    address = address_for(user)
    cart_id = cart_for_user_ensure(user_id=user.pk)
    for variant, quantity in lines:
        cart_line_add(cart_id=cart_id, variant_id=variant.pk, quantity=quantity)
    return user, cart_id, address


def place(user, cart_id, address, *, key: str | None = None, **kwargs):
    return checkout_place(
        user_id=user.pk,
        cart_id=cart_id,
        idempotency_key=key or idempotency_key_new(),
        address_id=address.pk,
        shipping_method_ids=kwargs.pop("shipping_method_ids", {}),
        **kwargs,
    )


def pay(payment_id: int, *, capture, pay_it: bool = True) -> None:
    """The shopper decides on the sandbox page; the signed notification reaches the shop in
    process and every on-commit callback (signal, tasks, e-mails) runs."""
    token = Payment.objects.values_list("token", flat=True).get(pk=payment_id)
    with capture(execute=True):
        sandbox_payment_decide(token=token, pay=pay_it)
