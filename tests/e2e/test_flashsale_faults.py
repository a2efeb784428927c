"""Faults with real processes: a worker killed with SIGKILL mid-drain, Redis restarted without
persistence mid-sale, the same Celery message delivered twice, PostgreSQL connections of the worker
terminated mid-transaction. In every case each admitted buyer ends with exactly one order and the
sale never sells more than its units."""

import re
import signal
import uuid

import pytest
from celery import Celery
from django.db import connection

from apps.flashsale import redis_store
from apps.flashsale.keys import sale_keys
from apps.flashsale.models import FlashSale, Reservation
from apps.flashsale.services import flash_sale_admit
from tests.apps.flashsale.factories import sale_ready

from .conftest import wait_until
from .support import (
    buyers_make,
    buys_fire,
    max_orders_per_buyer,
    orders_of,
    outcomes,
    redis_state,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _admit_all(sale, buyers) -> set[str]:
    """Admit every buyer through the Lua script (the same call the web process makes)."""
    answers = [flash_sale_admit(sale_id=sale.pk, user_id=user_id, quantity=1) for user_id, _t in buyers]
    assert {a.outcome for a in answers} == {"admitted"}
    return {a.reservation_id for a in answers}


def _all_ordered(sale, admitted: set[str]) -> None:
    """Every admitted reservation has exactly one order and the sale's counts agree."""
    wait_until(lambda: orders_of(sale.pk).count() >= len(admitted), timeout=120, what="all orders")
    wait_until(lambda: redis_state(sale.pk)["pending"] == 0, timeout=60, what="nothing pending")
    assert orders_of(sale.pk).count() == len(admitted)
    assert set(orders_of(sale.pk).values_list("reservation_id", flat=True)) == admitted
    assert Reservation.objects.filter(sale=sale).count() == len(admitted)
    assert set(Reservation.objects.filter(sale=sale).values_list("status", flat=True)) == {"ordered"}
    assert max_orders_per_buyer(sale.pk) == 1


def _reconciled(stack, sale) -> str:
    result = stack.manage("flashsale_reconcile", str(sale.pk))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "; drift 0;" in result.stdout and "db drift 0" in result.stdout
    return result.stdout


def test_a_worker_killed_with_sigkill_while_draining_1000_reservations_loses_none(stack):
    # given 1,000 admitted buyers in the Stream and a worker draining them 20 per transaction
    sale = sale_ready(units=1000, limit=1)
    admitted = _admit_all(sale, buyers_make(1000))
    first = stack.worker(name="w1", FLASHSALE_DRAIN_BATCH="20")
    stack.beat()
    # when, with some orders written and entries held unacknowledged, the worker's whole process
    # group (main process and pool children) is killed with SIGKILL
    wait_until(
        lambda: Reservation.objects.filter(sale=sale).count() >= 100 and redis_state(sale.pk)["pending"] > 0,
        timeout=90,
        interval=0.01,
        what="the drain under way",
    )
    first.kill(signal.SIGKILL)
    written_at_kill = Reservation.objects.filter(sale=sale).count()
    pending_at_kill = redis_state(sale.pk)["pending"]
    assert 100 <= written_at_kill < 1000
    assert pending_at_kill > 0  # entries the dead worker had read and never acknowledged
    # and a new worker is started
    stack.worker(name="w2", FLASHSALE_DRAIN_BATCH="20")
    # then every reservation becomes exactly one order (the sweeper claimed the dead worker's entries)
    _all_ordered(sale, admitted)
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 0
    assert _reconciled(stack, sale).count("ordered 1000") == 1


def test_redis_restarted_mid_sale_pauses_it_and_the_rebuilt_sale_sells_exactly_its_units(
    stack, private_redis, settings
):
    # given a 600-unit sale whose Redis is a private redis-server (persistence off; the Celery broker
    # is another Redis, as FLASHSALE_REDIS_URL allows) and 300 buyers already ordered
    settings.FLASHSALE_REDIS_URL = private_redis.url
    stack.flash_redis_url = private_redis.url
    sale = sale_ready(units=600, limit=1)
    url = stack.web(workers=2)
    stack.worker()
    stack.beat()
    first = buyers_make(300, prefix="first")
    shots = buys_fire(base_url=url, sale_id=sale.pk, tokens=[t for _u, t in first])
    assert outcomes(shots) == {(202, ""): 300}
    admitted = {s.reservation_id for s in shots}
    wait_until(lambda: orders_of(sale.pk).count() >= 300, timeout=90, what="the first 300 orders")
    # when Redis dies: buyers are told to retry (503), nobody is admitted
    private_redis.kill()
    waiting = buyers_make(100, prefix="waiting")
    shots = buys_fire(base_url=url, sale_id=sale.pk, tokens=[t for _u, t in waiting[:50]])
    assert outcomes(shots) == {(503, "unavailable"): 50}
    # and when it comes back empty, the sale stays shut until it is rebuilt
    private_redis.start()
    shots = buys_fire(base_url=url, sale_id=sale.pk, tokens=[t for _u, t in waiting[50:]])
    assert outcomes(shots) == {(503, "unavailable"): 50}
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 300
    # and reconciliation rebuilds Redis from PostgreSQL: 300 units left, the 300 buyers' limits
    result = stack.manage("flashsale_reconcile", str(sale.pk), "--rebuild")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rebuilt" in result.stdout and "; drift 0;" in result.stdout
    state = redis_state(sale.pk)
    assert state["stock"] == "300" and len(state["buyers"]) == 300
    # then the sale completes: of 400 new buyers exactly 300 are admitted, and orders = units
    last = buyers_make(400, prefix="last")
    shots = buys_fire(base_url=url, sale_id=sale.pk, tokens=[t for _u, t in last])
    assert outcomes(shots) == {(202, ""): 300, (409, "sold_out"): 100}
    admitted |= {s.reservation_id for s in shots if s.status == 202}
    # and one of the first buyers trying again is still over the limit (rebuilt from PostgreSQL)
    retry = buys_fire(base_url=url, sale_id=sale.pk, tokens=[first[0][1]])
    assert outcomes(retry) in ({(409, "over_limit"): 1}, {(409, "sold_out"): 1})
    _all_ordered(sale, admitted)
    assert orders_of(sale.pk).count() == 600
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 0
    assert redis_state(sale.pk)["stock"] == "0"
    _reconciled(stack, sale)


def test_the_same_celery_message_delivered_twice_and_duplicated_stream_entries_make_one_order_each(stack):
    # given 100 admitted reservations, each entry also appended to the Stream a second time
    # (as a redelivery would), and no beat: only the test asks for a drain
    sale = sale_ready(units=100, limit=1)
    admitted = _admit_all(sale, buyers_make(100))
    client = redis_store.client()
    stream = sale_keys(sale.pk).stream
    for _entry_id, fields in client.xrange(stream):
        client.xadd(stream, fields)
    assert client.xlen(stream) == 200
    worker = stack.worker(FLASHSALE_DRAIN_BATCH="50")
    # when the same Celery message (same task id) is delivered twice to the real worker
    app = Celery(broker=stack.redis_url, set_as_current=False)  # the shop's app stays current
    task_id = str(uuid.uuid4())
    for _ in range(2):
        app.send_task(
            "apps.flashsale.tasks.reservations_drain", args=[sale.pk], queue="flashsale", task_id=task_id
        )
    # then both deliveries ran, and each reservation became exactly one order
    wait_until(
        lambda: worker.log.read_text().count(f"reservations_drain[{task_id}] succeeded") == 2,
        timeout=60,
        what="both deliveries to run",
    )
    _all_ordered(sale, admitted)
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 0
    app.close()


def _terminate_worker_backends_in_a_transaction() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = 'e2e-worker' "
            "AND xact_start IS NOT NULL AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_the_workers_postgresql_connection_killed_mid_transaction_is_retried_one_order_each(stack):
    # given 600 admitted reservations and a worker draining them 20 per transaction
    sale = sale_ready(units=600, limit=1)
    admitted = _admit_all(sale, buyers_make(600))
    worker = stack.worker(FLASHSALE_DRAIN_BATCH="20")
    stack.beat()
    # when the worker's PostgreSQL backends are terminated in the middle of their transactions, 3 times
    terminated = 0
    while terminated < 3:
        wanted = 60 * (terminated + 1)
        wait_until(
            lambda wanted=wanted: Reservation.objects.filter(sale=sale).count() >= wanted,
            timeout=90,
            interval=0.02,
            what="more orders",
        )
        terminated += wait_until(_terminate_worker_backends_in_a_transaction, timeout=30, interval=0.005)
    # then the failed batches were rolled back and written again: one order per reservation
    _all_ordered(sale, admitted)
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 0
    # (each terminated batch failed its task, which Celery retried at once with backoff)
    assert re.search(r"\] retry: Retry in \d+s: OperationalError\(", worker.log.read_text())
    _reconciled(stack, sale)
