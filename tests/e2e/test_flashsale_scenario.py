"""The headline, with real processes: 1,500 buyers at the same moment for 1,473 units, through a
real gunicorn server and a real Celery worker draining the reservation Stream."""

import pytest

from apps.flashsale.models import FlashSale, Reservation
from apps.inventory.models import StockItem
from tests.apps.flashsale.factories import sale_ready

from .conftest import wait_until
from .support import (
    buyers_make,
    buys_fire,
    max_orders_per_buyer,
    max_reservations_per_buyer,
    orders_of,
    outcomes,
    redis_state,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_1500_buyers_at_once_for_1473_units_get_exactly_1473_orders(stack):
    # given a live sale of 1,473 units (one per buyer), 1,500 buyers with their tokens,
    # gunicorn with 4 workers, a Celery worker and beat ticking the drain
    sale = sale_ready(units=1473, limit=1)
    buyers = buyers_make(1500)
    url = stack.web(workers=4)
    stack.worker()
    stack.beat()
    # when all 1,500 fire at the same moment (1,500 threads released by one barrier)
    shots = buys_fire(base_url=url, sale_id=sale.pk, tokens=[token for _user, token in buyers])
    # then exactly 1,473 are admitted and 27 told "sold out", with no error of any kind
    assert outcomes(shots) == {(202, ""): 1473, (409, "sold_out"): 27}
    admitted = {shot.reservation_id for shot in shots if shot.status == 202}
    assert len(admitted) == 1473
    # and once the worker has drained the Stream, every admitted buyer has exactly one order
    wait_until(lambda: orders_of(sale.pk).count() >= 1473, timeout=120, what="1,473 orders")
    wait_until(lambda: redis_state(sale.pk)["pending"] == 0, timeout=30, what="nothing pending")
    assert set(orders_of(sale.pk).values_list("reservation_id", flat=True)) == admitted
    assert orders_of(sale.pk).count() == 1473
    assert set(orders_of(sale.pk).values_list("status", flat=True)) == {"pending_payment"}
    # and Redis has 0 units left, the database 0, inventory holds the 1,473 for the orders
    state = redis_state(sale.pk)
    assert state["stock"] == "0"
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 0
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved, item.sold) == (0, 1473, 0)
    # and no buyer is over the limit of 1, in Redis or in PostgreSQL
    assert len(state["buyers"]) == 1473 and set(state["buyers"].values()) == {1}
    assert Reservation.objects.filter(sale=sale, status="ordered").count() == 1473
    assert max_reservations_per_buyer(sale.pk) == 1
    assert max_orders_per_buyer(sale.pk) == 1
    # and the reconciliation command reports no drift
    result = stack.manage("flashsale_reconcile", str(sale.pk))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"sale {sale.pk} [armed] units 1473 = redis 0 + in flight 0 + ordered 1473" in result.stdout
    assert "; drift 0;" in result.stdout and "db drift 0" in result.stdout


def test_one_buyer_firing_50_parallel_requests_with_a_limit_of_2_gets_2_reservations(stack):
    # given a live sale of 100 units with a limit of 2 per buyer and one buyer's token
    sale = sale_ready(units=100, limit=2)
    [(user_id, token)] = buyers_make(1)
    url = stack.web(workers=4)
    stack.worker()
    stack.beat()
    # when the buyer fires 50 requests at the same moment
    shots = buys_fire(base_url=url, sale_id=sale.pk, tokens=[token] * 50)
    # then exactly 2 are admitted and 48 refused as over the limit
    assert outcomes(shots) == {(202, ""): 2, (409, "over_limit"): 48}
    # and the worker makes exactly 2 orders for that buyer; 98 units are left
    wait_until(lambda: orders_of(sale.pk).count() >= 2, timeout=60, what="2 orders")
    wait_until(lambda: redis_state(sale.pk)["pending"] == 0, timeout=30, what="nothing pending")
    assert list(orders_of(sale.pk).values_list("user_id", flat=True)) == [user_id, user_id]
    assert Reservation.objects.filter(sale=sale, user_id=user_id).count() == 2
    assert redis_state(sale.pk)["stock"] == "98"
    assert redis_state(sale.pk)["buyers"] == {user_id: 2}
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 98
