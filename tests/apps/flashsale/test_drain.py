"""Reservations in the Stream become exactly one order each: drain, redelivery, concurrency, sweeper."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from apps.flashsale import redis_store
from apps.flashsale.keys import GROUP, sale_keys
from apps.flashsale.models import FlashSale, Reservation
from apps.flashsale.services import flash_sale_admit, reservations_drain, reservations_sweep
from apps.flashsale.services.drain import entries_process
from apps.inventory.models import StockItem
from apps.orders.models import Order, OrderLine

from .factories import UserFactory, sale_ready


def _admit(sale, buyers):
    answers = [flash_sale_admit(sale_id=sale.pk, user_id=b.pk, quantity=1) for b in buyers]
    assert all(a.admitted for a in answers)
    return answers


def _read_as(sale, consumer):
    keys = sale_keys(sale.pk)
    answer = redis_store.client().xreadgroup(GROUP, consumer, {keys.stream: ">"}, count=1000)
    return answer[0][1] if answer else []


@pytest.mark.django_db
def test_the_drain_turns_each_reservation_into_one_pending_order():
    # given 3 admitted buyers of a 5-unit sale at 49.00
    sale = sale_ready(units=5)
    buyers = UserFactory.create_batch(3)
    answers = _admit(sale, buyers)
    # when the worker drains the Stream
    result = reservations_drain(sale_id=sale.pk)
    # then 3 orders exist, one per reservation, awaiting payment at the sale price
    assert (result.read, result.ordered, result.duplicates) == (3, 3, 0)
    orders = Order.objects.filter(reservation_id__in=[a.reservation_id for a in answers])
    assert orders.count() == 3
    assert {o.user_id for o in orders} == {b.pk for b in buyers}
    assert {(o.status, o.total, o.currency, o.merchant_id) for o in orders} == {
        ("pending_payment", Decimal("49.00"), "USD", sale.merchant_id)
    }
    assert all(o.expires_at is not None and o.checkout_id is not None for o in orders)
    line = OrderLine.objects.get(order=orders[0])
    assert (line.variant_id, line.quantity, line.unit_price) == (sale.variant_id, 1, Decimal("49.00"))
    # and the reservations say so, the sale's database count went down, the Stream has nothing pending
    reservations = Reservation.objects.filter(sale=sale)
    assert {r.status for r in reservations} == {"ordered"}
    assert {r.order_id for r in reservations} == {o.pk for o in orders}
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 2
    assert redis_store.client().xpending(sale_keys(sale.pk).stream, GROUP)["pending"] == 0
    # and inventory still holds the sale's 5 units set aside (payment commits them one by one)
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved, item.sold) == (0, 5, 0)


@pytest.mark.django_db
def test_a_drain_task_that_stops_on_its_time_budget_goes_on_until_the_stream_is_empty(settings):
    # given 5 admitted buyers and a worker that writes 2 per batch and stops after each batch
    settings.FLASHSALE_DRAIN_BATCH = 2
    settings.FLASHSALE_DRAIN_SECONDS = 0
    sale = sale_ready(units=5)
    _admit(sale, UserFactory.create_batch(5))

    # when one drain message is handled (eager Celery runs the follow-ups it sends at once)
    from apps.flashsale.tasks import reservations_drain as drain_task

    drain_task.delay(sale.pk)

    # then every reservation became an order without waiting for the next beat tick
    assert Order.objects.filter(reservation_id__isnull=False).count() == 5
    assert redis_store.client().xpending(sale_keys(sale.pk).stream, GROUP)["pending"] == 0


@pytest.mark.django_db
def test_a_redelivered_batch_creates_nothing_twice():
    # given a batch written once
    sale = sale_ready(units=5)
    _admit(sale, UserFactory.create_batch(3))
    raw = _read_as(sale, "worker-a")
    first = entries_process(sale_id=sale.pk, raw=raw)
    # when the same entries are delivered again (worker died after COMMIT, before XACK)
    second = entries_process(sale_id=sale.pk, raw=raw)
    # then the second delivery only acknowledges them
    assert (first.ordered, second.ordered, second.duplicates) == (3, 0, 3)
    assert Order.objects.filter(reservation_id__isnull=False).count() == 3
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_writing_the_same_batch_at_once_create_one_order_each():
    # given 20 admitted reservations that two workers hold at the same time (a sweeper claimed
    # entries a slow worker was still writing)
    sale = sale_ready(units=30)
    _admit(sale, UserFactory.create_batch(20))
    raw = _read_as(sale, "worker-a")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def write():
        try:
            barrier.wait()
            results.append(entries_process(sale_id=sale.pk, raw=raw))
        except Exception as exc:  # collected, asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every reservation has exactly one order, and the units were taken once
    assert errors == []
    assert sorted(r.ordered for r in results) == [0, 20]
    assert sorted(r.duplicates for r in results) == [0, 20]
    assert Order.objects.filter(reservation_id__isnull=False).count() == 20
    assert Reservation.objects.filter(sale_id=sale.pk, status="ordered").count() == 20
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_drains_running_concurrently_share_the_stream_without_duplicates():
    sale = sale_ready(units=300)
    _admit(sale, UserFactory.create_batch(250))
    results = []

    def drain(name):
        try:
            results.append(reservations_drain(sale_id=sale.pk, batch_size=20, consumer=name, time_budget=300))
        finally:
            connection.close()

    threads = [threading.Thread(target=drain, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.ordered for r in results) == 250
    assert Order.objects.filter(reservation_id__isnull=False).count() == 250
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 50


@pytest.mark.django_db
def test_the_sweeper_claims_entries_a_dead_worker_never_acknowledged():
    # given entries delivered to a worker that died before writing them
    sale = sale_ready(units=5)
    answers = _admit(sale, UserFactory.create_batch(2))
    assert len(_read_as(sale, "killed-worker")) == 2
    # when the drain runs, it sees nothing new (they are pending in the dead consumer)
    assert reservations_drain(sale_id=sale.pk).read == 0
    # and the sweeper leaves entries that are not idle long enough
    assert reservations_sweep(sale_id=sale.pk, min_idle_seconds=3600).read == 0
    # when the sweeper runs with entries idle longer than the threshold
    swept = reservations_sweep(sale_id=sale.pk, min_idle_seconds=0)
    # then it writes them: one order each, nothing pending any more
    assert (swept.read, swept.ordered) == (2, 2)
    assert set(Order.objects.values_list("reservation_id", flat=True)) == {a.reservation_id for a in answers}
    assert redis_store.client().xpending(sale_keys(sale.pk).stream, GROUP)["pending"] == 0


@pytest.mark.django_db
def test_reservations_past_the_database_units_fail_instead_of_overselling():
    # given Redis admitted 3 buyers but PostgreSQL counts only 2 units left (drift)
    sale = sale_ready(units=5)
    buyers = UserFactory.create_batch(3)
    _admit(sale, buyers)
    FlashSale.objects.filter(pk=sale.pk).update(units_left_db=2)
    # when the worker drains
    result = reservations_drain(sale_id=sale.pk)
    # then two orders are made and the third reservation fails with a reason
    assert (result.ordered, result.failed) == (2, 1)
    assert Order.objects.filter(reservation_id__isnull=False).count() == 2
    failed = Reservation.objects.get(status="failed")
    assert (failed.user_id, failed.failure_reason, failed.order_id) == (buyers[2].pk, "sold out", None)
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 0


@pytest.mark.django_db
def test_a_malformed_entry_is_acknowledged_and_skipped():
    sale = sale_ready(units=5)
    keys = sale_keys(sale.pk)
    redis_store.client().xadd(keys.stream, {"rid": "x", "user": "not-a-number", "qty": "1", "ts": "0"})
    result = reservations_drain(sale_id=sale.pk)
    assert (result.read, result.malformed, result.ordered) == (1, 1, 0)
    assert redis_store.client().xpending(keys.stream, GROUP)["pending"] == 0


@pytest.mark.django_db
def test_a_reservation_of_a_deleted_account_gives_its_unit_back_without_drift():
    from apps.flashsale.services import flash_sale_reconcile

    sale = sale_ready(units=3)
    assert flash_sale_admit(sale_id=sale.pk, user_id=99_999_999, quantity=1).admitted
    result = reservations_drain(sale_id=sale.pk)
    assert (result.read, result.malformed, result.ordered) == (1, 1, 0)
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "3"
    assert flash_sale_reconcile(sale_id=sale.pk).drift == 0
