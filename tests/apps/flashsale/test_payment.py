"""Paying a flash-sale order, and paying too late: the whole chain (sandbox gateway, signed
notification, orders, inventory) with real commits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.flashsale.models import Reservation
from apps.flashsale.services import flash_sale_admit, flash_sale_orders_expire, reservations_drain
from apps.inventory.models import StockItem
from apps.orders.models import Order
from apps.orders.services import order_flash_payment_start
from apps.payments.models import Payment
from apps.payments.services import sandbox_payment_decide

from .factories import UserFactory, sale_ready

pytestmark = pytest.mark.django_db(transaction=True)


def _ordered(sale, buyer) -> Reservation:
    answer = flash_sale_admit(sale_id=sale.pk, user_id=buyer.pk, quantity=1)
    assert answer.admitted
    reservations_drain(sale_id=sale.pk)
    return Reservation.objects.get(reservation_id=answer.reservation_id)


def test_a_paid_sale_order_commits_its_unit_and_never_expires():
    # given a buyer's sale order and its payment page
    sale = sale_ready(units=2)
    buyer = UserFactory()
    reservation = _ordered(sale, buyer)
    start = order_flash_payment_start(order_id=reservation.order_id, user_id=buyer.pk)
    token = Payment.objects.get(pk=start.payment_id).token
    # when the buyer pays at the gateway
    sandbox_payment_decide(token=token, pay=True)
    # then the order is paid, the unit sold, the reservation marked paid and safe from expiry
    assert Order.objects.get(pk=reservation.order_id).status == "paid"
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.reserved, item.sold) == (1, 1)
    assert Reservation.objects.get(pk=reservation.pk).paid_at is not None
    assert flash_sale_orders_expire(now=timezone.now() + timedelta(hours=1)) == 0


def test_a_payment_after_the_expiry_is_refunded_and_the_unit_stays_with_the_sale():
    # given a buyer who opened the payment page, then let the deadline pass
    sale = sale_ready(units=1)
    buyer = UserFactory()
    reservation = _ordered(sale, buyer)
    start = order_flash_payment_start(order_id=reservation.order_id, user_id=buyer.pk)
    assert flash_sale_orders_expire(now=timezone.now() + timedelta(minutes=16)) == 1
    # when the payment succeeds anyway
    sandbox_payment_decide(token=Payment.objects.get(pk=start.payment_id).token, pay=True)
    # then the order stays cancelled and the money goes back
    order = Order.objects.get(pk=reservation.order_id)
    assert (order.status, order.refunded_total) == ("cancelled", order.total)
    payment = Payment.objects.get(pk=start.payment_id)
    assert (payment.status, payment.refunded_amount) == ("refunded", order.total)
    # and the unit is still the sale's: the next buyer can take it
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved, item.sold) == (0, 1, 0)
    assert flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1).outcome == "admitted"
