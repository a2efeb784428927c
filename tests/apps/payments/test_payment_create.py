"""services.payment_create and the selectors over it."""

from decimal import Decimal

import pytest

from apps.payments import selectors, services
from apps.payments.models import Payment
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sandbox_payment_points_at_its_hosted_page_through_an_unguessable_token():
    # given a shopper
    user = UserFactory()

    # when checkout opens a sandbox payment
    start = services.payment_create(
        checkout_id=12,
        user_id=user.pk,
        amount=Decimal("19.99"),
        currency="usd",
        provider="sandbox",
        return_url="/o/1/",
    )

    # then the payment is pending and the redirect goes to the hosted page of its token
    payment = Payment.objects.get(pk=start.payment_id)
    assert start.redirect_url == f"/payments/sandbox/pay/{payment.token}/"
    assert len(payment.token) >= 40
    assert (payment.status, payment.amount, payment.currency, payment.checkout_id) == (
        "pending",
        Decimal("19.99"),
        "USD",
        12,
    )
    assert payment.provider_ref.startswith("sbx_ch_")
    info = selectors.payment_get_for_checkout(checkout_id=12)
    assert (info.id, info.refundable_amount, info.return_url) == (payment.pk, Decimal("19.99"), "/o/1/")


def test_unknown_provider_and_bad_amounts_are_refused():
    with pytest.raises(services.UnknownProvider):
        services.payment_create(
            checkout_id=1, user_id=None, amount=Decimal("1.00"), currency="USD", provider="paypal"
        )
    with pytest.raises(services.InvalidPaymentAmount):
        services.payment_create(
            checkout_id=1, user_id=None, amount=Decimal("0"), currency="USD", provider="sandbox"
        )
    assert Payment.objects.count() == 0
