"""Races on the real PostgreSQL, with threads (each its own connection): a notification delivered
ten times at once settles the payment once; ten refunds at once never refund more than captured."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from apps.payments import services, signals
from apps.payments.models import Payment, PaymentNotification, Refund
from apps.payments.providers.sandbox import SIGNATURE_HEADER, signature_header_build
from tests.apps.payments.factories import PaymentFactory
from tests.apps.payments.helpers import SECRET, sandbox_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 10


def _race(function, count: int = WORKERS) -> list:
    barrier = threading.Barrier(count)

    def run(index: int):
        barrier.wait()
        try:
            return function(index)
        except Exception as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_one_notification_delivered_ten_times_at_once_settles_the_payment_once():
    # given a pending payment, one signed notification and a counter of payment_succeeded
    payment = PaymentFactory(amount=Decimal("80.00"))
    raw_body = sandbox_body(payment, event_id="evt_race")
    header = signature_header_build(raw_body=raw_body, timestamp=int(time.time()), secret=SECRET)
    sent = []
    lock = threading.Lock()

    def receiver(sender, **kwargs):
        with lock:
            sent.append(kwargs["payment_id"])

    signals.payment_succeeded.connect(receiver, weak=False)
    try:
        # when ten deliveries race
        results = _race(
            lambda _: services.payment_notification_handle(
                provider="sandbox", raw_body=raw_body, headers={SIGNATURE_HEADER: header}
            )
        )
    finally:
        signals.payment_succeeded.disconnect(receiver)

    # then exactly one applied, nine were duplicates, one signal, one row
    assert [type(r).__name__ for r in results] == ["NotificationResult"] * WORKERS
    assert sum(r.applied for r in results) == 1
    assert sum(r.duplicate for r in results) == WORKERS - 1
    assert sent == [payment.pk]
    assert PaymentNotification.objects.count() == 1
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED


def test_ten_parallel_refunds_never_exceed_the_captured_amount():
    # given a succeeded payment of 100.00 and ten refunds of 15.00 each (150.00 in all)
    payment = PaymentFactory(status=Payment.Status.SUCCEEDED, amount=Decimal("100.00"))

    # when they race
    results = _race(
        lambda index: services.payment_refund(
            payment_id=payment.pk, amount=Decimal("15.00"), reason=f"race {index}", order_id=None
        )
    )

    # then six went through and four were refused; the books add up to 90.00 <= 100.00
    refused = [r for r in results if isinstance(r, services.RefundExceedsCaptured)]
    done = [r for r in results if not isinstance(r, Exception)]
    assert (len(done), len(refused)) == (6, 4)
    payment.refresh_from_db()
    assert (payment.refunded_amount, payment.status) == (Decimal("90.00"), Payment.Status.PARTIALLY_REFUNDED)
    assert sum(Refund.objects.values_list("amount", flat=True)) == Decimal("90.00")
    assert sorted(r.refunded_total for r in done) == [
        Decimal(n) for n in ("15.00", "30.00", "45.00", "60.00", "75.00", "90.00")
    ]
