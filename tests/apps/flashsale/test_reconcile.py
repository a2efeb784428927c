"""Reconciliation: zero drift after a full sale; a flushed Redis is detected and rebuilt."""

import pytest
from django.core.management import call_command

from apps.flashsale import redis_store
from apps.flashsale.gate import gate
from apps.flashsale.keys import sale_keys
from apps.flashsale.models import FlashSale, Reservation
from apps.flashsale.services import flash_sale_admit, flash_sale_reconcile, reservations_drain
from apps.orders.models import Order

from .factories import UserFactory, sale_ready

pytestmark = pytest.mark.django_db


def _buy(sale, buyers):
    return [flash_sale_admit(sale_id=sale.pk, user_id=b.pk, quantity=1).outcome for b in buyers]


def test_a_full_sale_reconciles_with_zero_drift():
    # given a 5-unit sale, 7 buyers, all orders written
    sale = sale_ready(units=5)
    outcomes = _buy(sale, UserFactory.create_batch(7))
    assert outcomes.count("admitted") == 5
    reservations_drain(sale_id=sale.pk)
    # when reconciled
    report = flash_sale_reconcile(sale_id=sale.pk)
    # then every unit is an order and nothing drifts
    assert (report.redis_stock, report.in_flight, report.ordered, report.drift, report.db_drift) == (
        0,
        0,
        5,
        0,
        0,
    )
    assert report.ok is True


def test_reservations_in_flight_are_counted():
    sale = sale_ready(units=5)
    _buy(sale, UserFactory.create_batch(3))
    report = flash_sale_reconcile(sale_id=sale.pk)
    assert (report.redis_stock, report.in_flight, report.ordered, report.drift) == (2, 3, 0, 0)


def test_drift_is_reported_and_rebuild_repairs_it():
    # given Redis lost two units (a bug, a manual edit)
    sale = sale_ready(units=5)
    _buy(sale, UserFactory.create_batch(2))
    reservations_drain(sale_id=sale.pk)
    redis_store.client().decrby(sale_keys(sale.pk).stock, 2)
    # when reconciled: reported
    report = flash_sale_reconcile(sale_id=sale.pk)
    assert (report.drift, report.ok) == (2, False)
    # when rebuilt: Redis holds PostgreSQL's units left again, the sale is live again
    repaired = flash_sale_reconcile(sale_id=sale.pk, rebuild=True)
    assert (repaired.rebuilt, repaired.redis_stock, repaired.drift, repaired.ok) == (True, 3, 0, True)
    assert redis_store.meta_get(sale.pk)["state"] == "live"


def test_a_flushed_redis_is_rebuilt_from_postgresql_and_the_sale_completes_with_orders_equal_units():
    # given a 10-unit sale, limit 2: 4 orders written, 2 reservations still in flight
    sale = sale_ready(units=10, limit=2)
    early = UserFactory.create_batch(4)
    _buy(sale, early)
    reservations_drain(sale_id=sale.pk)
    _buy(sale, UserFactory.create_batch(2))
    # when Redis loses everything (restart without persistence)
    redis_store.client().flushdb()
    gate().forget(sale.pk)
    # then buyers are told to retry, never admitted
    assert _buy(sale, [UserFactory()]) == ["unavailable"]
    # when the reconciliation runs: it sees the sale is missing and rebuilds it from PostgreSQL
    report = flash_sale_reconcile(sale_id=sale.pk)
    assert (report.rebuilt, report.redis_stock, report.ordered, report.drift) == (True, 6, 4, 0)
    keys = sale_keys(sale.pk)
    assert redis_store.client().hget(keys.buyers, str(early[0].pk)) == "1"
    # and the sale goes on: the remaining 6 units go to new buyers, no more
    gate().forget(sale.pk)
    outcomes = _buy(sale, UserFactory.create_batch(8))
    assert (outcomes.count("admitted"), outcomes.count("sold_out")) == (6, 2)
    reservations_drain(sale_id=sale.pk)
    assert Order.objects.filter(reservation_id__isnull=False).count() == 10
    assert Reservation.objects.filter(sale=sale, status="ordered").count() == 10
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 0
    final = flash_sale_reconcile(sale_id=sale.pk)
    assert (final.drift, final.db_drift, final.redis_stock, final.ordered) == (0, 0, 0, 10)


def test_the_reconcile_command_prints_the_report_and_rebuilds(capsys):
    sale = sale_ready(units=4)
    _buy(sale, UserFactory.create_batch(1))
    redis_store.client().flushdb()
    call_command("flashsale_reconcile", str(sale.pk), "--rebuild")
    out = capsys.readouterr().out
    assert f"sale {sale.pk}" in out
    assert "drift 0" in out
    assert "rebuilt" in out
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "4"
