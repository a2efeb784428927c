"""`manage.py flashsale_rehearse` against a real gunicorn and Celery worker: it measures, finds
orders = units, and leaves the shop's stock as it found it."""

import re

import pytest
from django.contrib.auth import get_user_model

from apps.flashsale.models import FlashSale, Reservation
from apps.flashsale.services import flash_sale_reconcile
from apps.inventory.models import StockItem
from tests.apps.flashsale.factories import sale_ready

from .support import orders_of

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_the_rehearsal_fires_distinct_buyers_reports_what_it_measured_and_cleans_up(stack):
    # given a running deployment (gunicorn, a worker, beat) and a variant whose 10 units are in a sale
    sale = sale_ready(units=10)
    url = stack.web(workers=2)
    stack.worker()
    stack.beat()
    # when the operator rehearses 300 buyers for 200 units
    result = stack.manage(
        "flashsale_rehearse",
        *("--url", url, "--buyers", "300", "--units", "200", "--variant", str(sale.variant_id)),
        *("--web-processes", "2", "--workers", "2", "--rate", "3000"),
        timeout=300,
    )
    out = result.stdout
    # then it succeeds and reports every figure: 200 admitted, 100 sold out, orders = units, no error
    assert result.returncode == 0, out + result.stderr
    assert "(admitted 200, sold_out 100)" in out
    assert "orders = units: yes (200 orders, 200 units)" in out
    assert "\nerrors: 0\n" in out
    assert re.search(r"latency: p50 [\d.]+ ms, p99 [\d.]+ ms", out)
    assert re.search(r"time from the first request to the last order: [\d.]+ s", out)
    assert re.search(r"for 3000 requests/s: \d+ web processes", out)
    assert re.search(r"for 200 orders/s: \d+ workers", out)
    # and it cleaned up: the rehearsal sale is over, its 200 orders cancelled, its buyers inactive
    rehearsal = FlashSale.objects.get(title__startswith="REHEARSAL")
    assert (rehearsal.state, rehearsal.units, rehearsal.units_returned) == ("ended", 200, 200)
    assert orders_of(rehearsal.pk).count() == 200
    assert set(orders_of(rehearsal.pk).values_list("status", flat=True)) == {"cancelled"}
    assert set(Reservation.objects.filter(sale=rehearsal).values_list("status", flat=True)) == {"expired"}
    assert not get_user_model().objects.filter(email__startswith="rehearsal-", is_active=True).exists()
    assert flash_sale_reconcile(sale_id=rehearsal.pk).db_drift == 0
    # and the variant's stock is what it was before the rehearsal
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved, item.sold) == (0, 10, 0)
