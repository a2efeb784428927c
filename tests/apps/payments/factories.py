"""factory-boy factories for apps.payments."""

import secrets
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.payments.models import Payment
from tests.shop.accounts.factories import UserFactory


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    checkout_id = factory.Sequence(lambda n: 1000 + n)
    user = factory.SubFactory(UserFactory)
    amount = Decimal("100.00")
    currency = "USD"
    provider = "sandbox"
    status = Payment.Status.PENDING
    provider_ref = factory.Sequence(lambda n: f"sbx_ch_{n:06d}")
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    return_url = "/orders/checkout/1/"
