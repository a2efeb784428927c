"""services.payment_refund: partial, full, over-refund and refunds of uncaptured payments."""

from decimal import Decimal

import pytest

from apps.payments import services
from apps.payments.models import Payment, Refund
from tests.apps.payments.factories import PaymentFactory
from tests.apps.payments.helpers import sandbox_body, sandbox_post

pytestmark = pytest.mark.django_db


def test_partial_then_full_then_over_refund_is_refused(django_capture_on_commit_callbacks, payment_signals):
    # given a succeeded payment of 100.00
    payment = PaymentFactory(status=Payment.Status.SUCCEEDED, amount=Decimal("100.00"))

    # when 30.00 is refunded
    with django_capture_on_commit_callbacks(execute=True):
        first = services.payment_refund(
            payment_id=payment.pk, amount=Decimal("30.00"), reason="damaged", order_id=7
        )

    # then the payment is partially refunded
    assert (first.amount, first.refunded_total, first.payment_status) == (
        Decimal("30.00"),
        Decimal("30.00"),
        "partially_refunded",
    )
    assert first.provider_ref.startswith("sbx_rf_")

    # when the remaining 70.00 is refunded
    with django_capture_on_commit_callbacks(execute=True):
        second = services.payment_refund(
            payment_id=payment.pk, amount=Decimal("70.00"), reason="returned", order_id=7
        )

    # then the payment is fully refunded
    assert (second.refunded_total, second.payment_status) == (Decimal("100.00"), "refunded")

    # when one more cent is asked for
    with pytest.raises(services.RefundNotAllowed):
        services.payment_refund(payment_id=payment.pk, amount=Decimal("0.01"), reason="again", order_id=7)

    # then nothing more was written
    payment.refresh_from_db()
    assert (payment.refunded_amount, payment.status) == (Decimal("100.00"), Payment.Status.REFUNDED)
    assert list(Refund.objects.order_by("pk").values_list("amount", "reason", "order_id")) == [
        (Decimal("30.00"), "damaged", 7),
        (Decimal("70.00"), "returned", 7),
    ]
    assert [(name, kwargs["amount"], kwargs["fully_refunded"]) for name, kwargs in payment_signals.calls] == [
        ("refunded", Decimal("30.00"), False),
        ("refunded", Decimal("70.00"), True),
    ]


def test_refund_above_what_is_left_is_refused_and_writes_nothing():
    # given a 100.00 payment with 60.00 already refunded
    payment = PaymentFactory(
        status=Payment.Status.PARTIALLY_REFUNDED, amount=Decimal("100.00"), refunded_amount=Decimal("60.00")
    )

    # when 40.01 is asked for
    with pytest.raises(services.RefundExceedsCaptured) as refused:
        services.payment_refund(
            payment_id=payment.pk, amount=Decimal("40.01"), reason="too much", order_id=None
        )

    # then the error says what is left and nothing changed
    assert (refused.value.requested, refused.value.refundable) == (Decimal("40.01"), Decimal("40.00"))
    payment.refresh_from_db()
    assert (payment.refunded_amount, payment.status) == (Decimal("60.00"), Payment.Status.PARTIALLY_REFUNDED)
    assert Refund.objects.count() == 0


@pytest.mark.parametrize("status", [Payment.Status.PENDING, Payment.Status.FAILED])
def test_refund_of_a_payment_that_captured_nothing_is_refused(status):
    # given a pending or failed payment
    payment = PaymentFactory(status=status)

    # when a refund is asked for
    with pytest.raises(services.RefundNotAllowed) as refused:
        services.payment_refund(payment_id=payment.pk, amount=Decimal("1.00"), reason="x", order_id=None)

    # then it is refused and nothing is written
    assert refused.value.status == status
    assert Payment.objects.get(pk=payment.pk).refunded_amount == Decimal("0.00")
    assert Refund.objects.count() == 0


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5.00"), Decimal("1.001"), 1.5, "10"])
def test_refund_amount_must_be_a_positive_decimal_in_cents(amount):
    # given a succeeded payment
    payment = PaymentFactory(status=Payment.Status.SUCCEEDED)

    # when the amount is zero, negative, below a cent or not a Decimal, it is refused
    with pytest.raises(services.InvalidRefundAmount):
        services.payment_refund(payment_id=payment.pk, amount=amount, reason="x", order_id=None)
    assert Refund.objects.count() == 0


def test_refund_of_an_unknown_payment_is_refused():
    with pytest.raises(services.PaymentNotFound):
        services.payment_refund(payment_id=999_999, amount=Decimal("1.00"), reason="x", order_id=None)


def test_payment_that_succeeds_after_its_checkout_was_cancelled_can_be_refunded_in_full(
    client, django_capture_on_commit_callbacks, payment_signals
):
    # given a pending payment whose checkout the shop cancelled meanwhile (orders expired it)
    payment = PaymentFactory(amount=Decimal("59.90"))

    # when the provider still confirms the money, and orders answers payment_succeeded with a full refund
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_post(client, sandbox_body(payment, event_id="evt_late_success"))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.payment_refund(
            payment_id=payment.pk,
            amount=Decimal("59.90"),
            reason="checkout cancelled before payment",
            order_id=None,
        )

    # then the money is given back in full
    assert (result.refunded_total, result.payment_status) == (Decimal("59.90"), "refunded")
    assert [name for name, _ in payment_signals.calls] == ["succeeded", "refunded"]
    assert Refund.objects.get().reason == "checkout cancelled before payment"


def test_a_provider_refusal_rolls_the_refund_back(monkeypatch):
    # given a succeeded payment and a provider that refuses refunds
    from apps.payments.providers.sandbox import SandboxProvider

    def refuse(self, payment, amount, *, idempotency_key):
        raise services.ProviderError("provider down")

    monkeypatch.setattr(SandboxProvider, "refund", refuse)
    payment = PaymentFactory(status=Payment.Status.SUCCEEDED)

    # when a refund is asked for
    with pytest.raises(services.ProviderError):
        services.payment_refund(payment_id=payment.pk, amount=Decimal("10.00"), reason="x", order_id=None)

    # then nothing was recorded
    payment.refresh_from_db()
    assert (payment.refunded_amount, payment.status) == (Decimal("0.00"), Payment.Status.SUCCEEDED)
    assert Refund.objects.count() == 0
