"""Unpaid sale orders expire: the unit goes back to Redis and PostgreSQL, the next buyer gets it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.flashsale import redis_store
from apps.flashsale.gate import gate
from apps.flashsale.keys import sale_keys
from apps.flashsale.models import FlashSale, Reservation
from apps.flashsale.services import (
    flash_sale_admit,
    flash_sale_close,
    flash_sale_orders_expire,
    reservation_mark_paid,
    reservations_drain,
)
from apps.inventory.models import StockItem
from apps.orders.models import Order
from apps.orders.services import orders_expire_unpaid

from .factories import UserFactory, sale_ready

pytestmark = pytest.mark.django_db


def _sold_to(sale, buyer):
    answer = flash_sale_admit(sale_id=sale.pk, user_id=buyer.pk, quantity=1)
    assert answer.admitted
    reservations_drain(sale_id=sale.pk)
    return Reservation.objects.get(reservation_id=answer.reservation_id)


def test_an_expired_order_gives_its_unit_to_the_next_buyer(django_capture_on_commit_callbacks):
    # given a one-unit sale sold to a first buyer who does not pay; a second buyer was told sold out
    sale = sale_ready(units=1)
    first, second = UserFactory(), UserFactory()
    reservation = _sold_to(sale, first)
    assert flash_sale_admit(sale_id=sale.pk, user_id=second.pk, quantity=1).outcome == "sold_out"
    # when the payment deadline passes and the expiry runs
    with django_capture_on_commit_callbacks(execute=True):
        expired = flash_sale_orders_expire(now=timezone.now() + timedelta(minutes=16))
    # then the order is cancelled, the reservation expired, the unit is back in both stores
    assert expired == 1
    assert Order.objects.get(pk=reservation.order_id).status == "cancelled"
    assert Reservation.objects.get(pk=reservation.pk).status == "expired"
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 1
    keys = sale_keys(sale.pk)
    assert redis_store.client().get(keys.stock) == "1"
    assert redis_store.client().hget(keys.buyers, str(first.pk)) is None
    # and the unit stays set aside for the sale in inventory (not back in ordinary stock)
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved) == (0, 1)
    # and the sold-out flag is cleared, so the second buyer gets the unit
    assert gate().sold_out.is_set(str(sale.pk)) is False
    assert flash_sale_admit(sale_id=sale.pk, user_id=second.pk, quantity=1).outcome == "admitted"


def test_an_order_not_yet_due_or_paid_does_not_expire(django_capture_on_commit_callbacks):
    sale = sale_ready(units=2)
    unpaid = _sold_to(sale, UserFactory())
    paid = _sold_to(sale, UserFactory())
    reservation_mark_paid(order_id=paid.order_id)
    assert flash_sale_orders_expire(now=timezone.now() + timedelta(minutes=14)) == 0
    assert flash_sale_orders_expire(now=timezone.now() + timedelta(minutes=16)) == 1
    assert Reservation.objects.get(pk=unpaid.pk).status == "expired"
    assert Reservation.objects.get(pk=paid.pk).status == "ordered"


def test_an_order_paid_just_before_the_expiry_is_kept():
    # given the order was paid but the paid signal's task has not marked the reservation yet
    from apps.orders.services import order_mark_paid

    sale = sale_ready(units=1)
    reservation = _sold_to(sale, UserFactory())
    assert order_mark_paid(order_id=reservation.order_id) == "paid"
    # when the expiry runs: the order's state machine refuses the cancel, nothing expires
    assert flash_sale_orders_expire(now=timezone.now() + timedelta(minutes=16)) == 0
    assert Reservation.objects.get(pk=reservation.pk).status == "ordered"
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 0
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved, item.sold) == (0, 0, 1)


def test_orders_own_expiry_leaves_flash_sale_orders_to_the_sale_which_takes_the_unit_back(
    django_capture_on_commit_callbacks,
):
    sale = sale_ready(units=1)
    reservation = _sold_to(sale, UserFactory())
    later = timezone.now() + timedelta(minutes=16)
    assert orders_expire_unpaid(now=later) == 0  # not ordinary stock's to release
    with django_capture_on_commit_callbacks(execute=True):
        assert flash_sale_orders_expire(now=later) == 1
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved) == (0, 1)
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 1
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "1"
    assert Reservation.objects.get(pk=reservation.pk).status == "expired"


def test_after_the_sale_ended_an_expired_unit_goes_back_to_ordinary_stock(django_capture_on_commit_callbacks):
    sale = sale_ready(units=3, stock=5)
    reservation = _sold_to(sale, UserFactory())
    assert flash_sale_close(sale_id=sale.pk) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert flash_sale_orders_expire(now=timezone.now() + timedelta(minutes=16)) == 1
    sale.refresh_from_db()
    assert (sale.state, sale.units_left_db, sale.units_returned) == ("ended", 0, 3)
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved, item.sold) == (5, 0, 0)
    assert Reservation.objects.get(pk=reservation.pk).status == "expired"
