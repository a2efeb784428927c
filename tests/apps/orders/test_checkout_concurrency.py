"""Real parallel buyers on the real PostgreSQL: threads, each with its own connection."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.inventory.models import StockItem, StockMovement
from apps.orders.models import Checkout, Order
from apps.orders.services import CheckoutError, idempotency_key_new
from apps.payments.models import Payment
from tests.apps.orders.helpers import buyer_with_cart, place, variant_in_stock
from tests.apps.orders.invariants import assert_stock_ledger_consistent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_in_parallel(count: int, work) -> list:
    """Start `count` threads together (a barrier) and return what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_buyers_race_for_the_last_ten_units_and_exactly_ten_win():
    # given 10 units left and 50 buyers with one unit each in their cart
    variant = variant_in_stock(stock=10)
    buyers = [buyer_with_cart((variant, 1)) for _ in range(50)]
    # when they all place their order at the same moment through the ordinary checkout
    results = run_in_parallel(50, lambda i: place(*buyers[i]))
    # then exactly ten orders exist, the others got a clear refusal, and stock is exactly gone
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 10
    assert len(losers) == 40
    assert all(isinstance(r, CheckoutError) for r in losers), {type(r).__name__ for r in losers}
    assert Order.objects.count() == 10
    assert Checkout.objects.count() == 10
    assert Payment.objects.count() == 10
    item = StockItem.objects.get(variant_id=variant.pk)
    assert (item.available, item.reserved, item.sold) == (0, 10, 0)
    assert StockMovement.objects.filter(kind="reserve").count() == 10
    assert_stock_ledger_consistent()


@pytest.mark.parametrize("surface", ["page", "api"])
def test_the_same_checkout_posted_twenty_times_at_once_places_one_checkout(surface):
    # given one buyer with 2 units in the cart and one rendered checkout (one key)
    variant = variant_in_stock(stock=5)
    user, _, address = buyer_with_cart((variant, 2))
    key = idempotency_key_new()
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(user)
        clients.append(client)

    def post(index: int):
        client = clients[index]
        if surface == "page":
            data = {
                "action": "place",
                "idempotency_key": key,
                "expected_total": "20.00",
                "address": address.pk,
            }
            response = client.post(reverse("orders:checkout"), data)
            return response.status_code, response["Location"]
        response = client.post(
            reverse("api-checkout"),
            {"address_id": address.pk},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        return response.status_code, response.json()

    # when the same POST arrives 20 times in parallel
    answers = run_in_parallel(20, post)
    # then every answer is the same and there is one checkout, one order, one payment
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert len({repr(a) for a in answers}) == 1, answers
    checkout = Checkout.objects.get()
    order = Order.objects.get()
    assert Payment.objects.count() == 1
    status, body = answers[0]
    if surface == "page":
        assert (status, body) == (302, checkout.result["redirect_url"])
    else:
        assert status == 201
        assert body["order_numbers"] == [order.number]
        assert body == checkout.result
    item = StockItem.objects.get(variant_id=variant.pk)
    assert (item.available, item.reserved, item.sold) == (3, 2, 0)
    assert_stock_ledger_consistent()
