"""Expiry with real processes: unpaid orders expire on the worker (beat's tick), their units go back
to Redis and the next buyers take them through gunicorn; a payment that arrives after the expiry
goes through the real payment notification and is refunded."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.flashsale.models import FlashSale, Reservation
from apps.orders.models import Order
from apps.orders.services import order_flash_payment_start
from apps.payments.models import Payment
from apps.payments.services import SANDBOX_PAY
from tests.apps.flashsale.factories import sale_ready

from .conftest import wait_until
from .support import buyers_make, buys_fire, orders_of, outcomes, redis_state

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _sandbox_pay_over_http(base_url: str, redirect_url: str) -> int:
    """The shopper presses "pay" on the sandbox gateway's page (GET for the CSRF token, then POST)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page_url = base_url + urllib.parse.urlsplit(redirect_url).path
    with opener.open(page_url, timeout=10) as response:
        html = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "action": SANDBOX_PAY}).encode()
    request = urllib.request.Request(page_url, data=body, headers={"Referer": page_url})
    with opener.open(request, timeout=10) as response:
        return response.status


def test_expired_orders_give_their_units_to_the_next_buyers_and_a_late_payment_is_refunded(stack):
    # given a sold-out 5-unit sale: 5 buyers admitted over HTTP, 5 more told "sold out"
    sale = sale_ready(units=5, limit=1, payment_timeout_minutes=1)
    url = stack.web(workers=2)
    stack.worker(queues="flashsale,payments,orders")
    stack.beat()
    first = buyers_make(5, prefix="first")
    shots = buys_fire(base_url=url, sale_id=sale.pk, tokens=[t for _u, t in first])
    assert outcomes(shots) == {(202, ""): 5}
    late = buyers_make(5, prefix="late")
    assert outcomes(buys_fire(base_url=url, sale_id=sale.pk, tokens=[t for _u, t in late])) == {
        (409, "sold_out"): 5
    }
    wait_until(lambda: orders_of(sale.pk).count() == 5, timeout=60, what="5 orders")
    # and one of the first buyers has opened the payment of their order but not paid yet
    slow_order = orders_of(sale.pk).get(user_id=first[0][0])
    start = order_flash_payment_start(order_id=slow_order.pk, user_id=first[0][0])
    # when their time to pay runs out and the worker's expiry tick runs
    Reservation.objects.filter(sale=sale).update(expires_at=timezone.now() - timedelta(seconds=1))
    wait_until(
        lambda: Reservation.objects.filter(sale=sale, status="expired").count() == 5,
        timeout=60,
        what="5 expired reservations",
    )
    # then the 5 units are back on sale in Redis and in PostgreSQL, and the orders are cancelled
    wait_until(lambda: redis_state(sale.pk)["stock"] == "5", timeout=10, what="Redis stock 5")
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 5
    assert set(orders_of(sale.pk).values_list("status", flat=True)) == {"cancelled"}
    # and the 5 buyers who were told "sold out" now get them (the sold-out flag was cleared)
    shots = buys_fire(base_url=url, sale_id=sale.pk, tokens=[t for _u, t in late])
    assert outcomes(shots) == {(202, ""): 5}
    wait_until(lambda: orders_of(sale.pk).filter(status="pending_payment").count() == 5, timeout=60)
    assert set(orders_of(sale.pk).filter(status="pending_payment").values_list("user_id", flat=True)) == {
        u for u, _t in late
    }
    assert {s.reservation_id for s in shots} == set(
        orders_of(sale.pk).filter(status="pending_payment").values_list("reservation_id", flat=True)
    )
    # when the slow buyer pays their expired order after all (gateway page → notification → worker)
    assert _sandbox_pay_over_http(url, start.redirect_url) == 200
    # then the payment is refunded in full and the order stays cancelled
    wait_until(
        lambda: Payment.objects.get(pk=start.payment_id).status == "refunded",
        timeout=60,
        what="the late payment to be refunded",
    )
    payment = Payment.objects.get(pk=start.payment_id)
    assert payment.refunded_amount == Decimal("49.00")
    order = Order.objects.get(pk=slow_order.pk)
    assert (order.status, order.refunded_total) == ("cancelled", Decimal("49.00"))
    # and the sale still adds up: 5 units = 0 in Redis + 5 ordered
    assert redis_state(sale.pk)["stock"] == "0"
    result = stack.manage("flashsale_reconcile", str(sale.pk))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "redis 0 + in flight 0 + ordered 5" in result.stdout and "; drift 0;" in result.stdout
