from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from apps.inventory.models import StockItem
from apps.orders.models import Order, OrderEvent
from apps.orders.services import IllegalTransition, RefundInvalid, order_cancel, order_refund, order_ship
from apps.orders.tasks import orders_expire_unpaid
from apps.payments.models import Payment, Refund
from apps.shipping.models import Shipment
from shop.notifications.models import NotificationLog
from tests.apps.orders.helpers import buyer_with_cart, pay, place, variant_in_stock

pytestmark = pytest.mark.django_db


def stock(variant):
    return StockItem.objects.values_list("available", "reserved", "sold").get(variant_id=variant.pk)


def placed(*, stock_units=5, quantity=2, price="10.00", capture):
    variant = variant_in_stock(stock=stock_units, price=price)
    user, cart_id, address = buyer_with_cart((variant, quantity))
    with capture(execute=True):
        result = place(user, cart_id, address)
    return variant, user, result, Order.objects.get(number=result.order_numbers[0])


def test_a_sandbox_payment_marks_the_order_paid_sells_the_stock_and_mails_shopper_and_merchant(
    django_capture_on_commit_callbacks,
):
    # given a placed order
    variant, user, result, order = placed(capture=django_capture_on_commit_callbacks)
    # when the shopper pays on the sandbox page (signed notification, payment_succeeded, our task)
    pay(result.payment_id, capture=django_capture_on_commit_callbacks)
    # then the order is paid, the reservation became a sale, and the e-mails went out
    order.refresh_from_db()
    assert order.status == "paid"
    assert order.paid_at is not None
    assert stock(variant) == (3, 0, 2)
    assert list(OrderEvent.objects.filter(order=order).values_list("to_status", flat=True)) == [
        "pending_payment",
        "paid",
    ]
    templates = sorted(NotificationLog.objects.values_list("template", "recipient"))
    assert templates == sorted(
        [
            ("order_placed", user.email),
            ("order_paid", user.email),
            ("merchant_new_order", variant.merchant.email),
        ]
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [user.email, user.email, variant.merchant.email]
    )


def test_a_redelivered_payment_notification_changes_nothing(django_capture_on_commit_callbacks):
    variant, _, result, order = placed(capture=django_capture_on_commit_callbacks)
    pay(result.payment_id, capture=django_capture_on_commit_callbacks)
    from apps.orders.services import checkout_payment_succeeded

    assert checkout_payment_succeeded(checkout_id=result.checkout_id, payment_id=result.payment_id) == {
        order.pk: "already_paid"
    }
    assert stock(variant) == (3, 0, 2)


def test_unpaid_orders_expire_and_give_their_stock_back(django_capture_on_commit_callbacks, settings):
    # given an order whose payment time ran out, and a fresh one
    variant, _, _, old = placed(capture=django_capture_on_commit_callbacks)
    _, _, _, fresh = placed(capture=django_capture_on_commit_callbacks)
    Order.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(minutes=settings.SHOP_PAYMENT_TIMEOUT_MINUTES + 1)
    )
    # when the beat task runs
    assert orders_expire_unpaid.delay().get() == 1
    # then the old one is cancelled with its stock released; the fresh one is untouched
    assert Order.objects.get(pk=old.pk).status == "cancelled"
    assert Order.objects.get(pk=fresh.pk).status == "pending_payment"
    assert stock(variant) == (5, 0, 0)
    assert OrderEvent.objects.filter(order=old, to_status="cancelled", note="payment timeout").count() == 1
    assert orders_expire_unpaid.delay().get() == 0


def test_a_payment_arriving_after_expiry_is_refunded_in_full_automatically(
    django_capture_on_commit_callbacks,
):
    # given an order that expired before the shopper paid
    variant, _, result, order = placed(capture=django_capture_on_commit_callbacks, price="12.00")
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    orders_expire_unpaid.delay()
    # when the payment arrives anyway
    pay(result.payment_id, capture=django_capture_on_commit_callbacks)
    # then it is refunded in full, once, and the order stays cancelled with its stock free
    payment = Payment.objects.get(pk=result.payment_id)
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("24.00"))
    assert list(Refund.objects.values_list("amount", "order_id")) == [(Decimal("24.00"), order.pk)]
    order.refresh_from_db()
    assert (order.status, order.refunded_total) == ("cancelled", Decimal("24.00"))
    assert stock(variant) == (5, 0, 0)
    from apps.orders.services import checkout_payment_succeeded

    checkout_payment_succeeded(checkout_id=result.checkout_id, payment_id=result.payment_id)
    assert Refund.objects.count() == 1


def test_ship_then_partial_and_full_refund(django_capture_on_commit_callbacks):
    variant, user, result, order = placed(capture=django_capture_on_commit_callbacks)
    pay(result.payment_id, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order_ship(order_id=order.pk, actor_id=None, carrier="DHL", tracking_number="JD0001")
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert Shipment.objects.filter(order_id=order.pk, tracking_number="JD0001").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert order_refund(
            order_id=order.pk, amount=Decimal("5.00"), actor_id=None, reason="scratch"
        ) == Decimal("5.00")
    assert Order.objects.get(pk=order.pk).status == "shipped"
    with pytest.raises(RefundInvalid) as caught:
        order_refund(order_id=order.pk, amount=Decimal("15.01"), actor_id=None, reason="too much")
    assert str(caught.value) == "At most 15.00 can still be refunded."
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=Decimal("15.00"), actor_id=None, reason="returned")
    order.refresh_from_db()
    assert (order.status, order.refunded_total) == ("refunded", Decimal("20.00"))
    assert Payment.objects.get(pk=result.payment_id).refunded_amount == Decimal("20.00")
    assert stock(variant) == (3, 0, 2)  # shipped goods do not come back by themselves
    assert NotificationLog.objects.filter(template="order_shipped").count() == 1
    assert NotificationLog.objects.filter(template="order_refunded").count() == 2


def test_a_full_refund_before_shipping_puts_the_stock_back(django_capture_on_commit_callbacks):
    variant, _, result, order = placed(capture=django_capture_on_commit_callbacks)
    pay(result.payment_id, capture=django_capture_on_commit_callbacks)
    order_refund(order_id=order.pk, amount=Decimal("20.00"), actor_id=None, reason="changed mind")
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert stock(variant) == (5, 0, 0)


@pytest.mark.parametrize("amount", ["0", "-1", "abc", "1.001", "NaN"])
def test_refund_refuses_bad_amounts(amount, django_capture_on_commit_callbacks):
    _, _, result, order = placed(capture=django_capture_on_commit_callbacks)
    pay(result.payment_id, capture=django_capture_on_commit_callbacks)
    with pytest.raises(RefundInvalid):
        order_refund(order_id=order.pk, amount=amount, actor_id=None, reason="x")
    assert Order.objects.get(pk=order.pk).refunded_total == 0


def test_an_unpaid_order_cannot_be_shipped_or_refunded_but_can_be_cancelled(
    django_capture_on_commit_callbacks,
):
    variant, _, _, order = placed(capture=django_capture_on_commit_callbacks)
    with pytest.raises(IllegalTransition):
        order_ship(order_id=order.pk, actor_id=None, carrier="dhl", tracking_number="X1")
    with pytest.raises(RefundInvalid):
        order_refund(order_id=order.pk, amount=Decimal("1.00"), actor_id=None, reason="x")
    assert not Shipment.objects.exists()
    order_cancel(order_id=order.pk, reason="shopper asked")
    assert stock(variant) == (5, 0, 0)
