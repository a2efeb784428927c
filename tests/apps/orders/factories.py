from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.orders.models import Order, OrderStatus
from tests.shop.accounts.factories import MerchantFactory, UserFactory


class OrderFactory(DjangoModelFactory):
    """A bare order in any status, for state-machine tests (no lines, no stock)."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"T-{n:06d}")
    user = factory.SubFactory(UserFactory)
    merchant = factory.SubFactory(MerchantFactory)
    status = OrderStatus.PENDING_PAYMENT
    subtotal = Decimal("10.00")
    total = Decimal("10.00")
    currency = "USD"
