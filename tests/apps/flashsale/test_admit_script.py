"""The Lua admission script against the real Redis: live, limit, stock, and under concurrency."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.flashsale import redis_store
from apps.flashsale.gate import gate
from apps.flashsale.keys import sale_keys
from apps.flashsale.services import flash_sale_admit, flash_sale_pause

from .factories import UserFactory, sale_ready

pytestmark = pytest.mark.django_db


def test_a_buyer_is_admitted_up_to_the_limit_and_the_reservation_is_in_the_stream(redis_client):
    # given a live sale of 5 units, 2 per buyer
    sale = sale_ready(units=5, limit=2)
    buyer = UserFactory()
    # when the buyer asks three times for one unit
    answers = [flash_sale_admit(sale_id=sale.pk, user_id=buyer.pk, quantity=1) for _ in range(3)]
    # then two are admitted, the third is over the limit
    assert [a.outcome for a in answers] == ["admitted", "admitted", "over_limit"]
    assert [a.units_left for a in answers[:2]] == [4, 3]
    keys = sale_keys(sale.pk)
    client = redis_store.client()
    assert client.get(keys.stock) == "3"
    assert client.hget(keys.buyers, str(buyer.pk)) == "2"
    entries = client.xrange(keys.stream)
    assert [fields["rid"] for _id, fields in entries] == [
        answers[0].reservation_id,
        answers[1].reservation_id,
    ]
    assert entries[0][1]["user"] == str(buyer.pk)
    assert entries[0][1]["qty"] == "1"
    assert client.hget(keys.owners, answers[0].reservation_id) == str(buyer.pk)


def test_quantity_counts_against_the_limit_and_the_stock():
    sale = sale_ready(units=3, limit=2)
    first, second = UserFactory(), UserFactory()
    assert flash_sale_admit(sale_id=sale.pk, user_id=first.pk, quantity=2).outcome == "admitted"
    # 1 unit left: a buyer asking for 2 is told sold out (not enough), and nothing is taken
    refused = flash_sale_admit(sale_id=sale.pk, user_id=second.pk, quantity=2)
    assert (refused.outcome, refused.units_left) == ("sold_out", 1)
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "1"


def test_past_the_stock_the_answer_is_sold_out_and_the_flag_is_set_locally():
    # given a sale of 2 units
    sale = sale_ready(units=2)
    buyers = UserFactory.create_batch(4)
    # when 4 buyers try
    outcomes = [flash_sale_admit(sale_id=sale.pk, user_id=b.pk, quantity=1).outcome for b in buyers]
    # then 2 are admitted, 2 are sold out; this process now knows it is sold out without Redis
    assert outcomes == ["admitted", "admitted", "sold_out", "sold_out"]
    assert gate().sold_out.is_set(str(sale.pk)) is True
    assert redis_store.client().xlen(sale_keys(sale.pk).stream) == 2


@pytest.mark.parametrize("quantity", [0, -1, 3, 10**9])
def test_quantity_outside_one_to_the_limit_is_refused_before_redis(quantity):
    sale = sale_ready(units=5, limit=2)
    answer = flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=quantity)
    assert answer.outcome == "bad_quantity"
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "5"


def test_a_paused_sale_admits_nobody():
    sale = sale_ready(units=5)
    flash_sale_pause(sale_id=sale.pk)
    gate().forget(sale.pk)
    assert flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1).outcome == "paused"
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "5"


def test_the_script_checks_the_window_with_redis_time_even_when_the_local_copy_says_live():
    # given a live sale whose end Redis has moved to the past (this process still thinks it is live)
    sale = sale_ready(units=5)
    gate().window(sale.pk)
    past = int((timezone.now() - timedelta(seconds=10)).timestamp() * 1000)
    redis_store.meta_update(sale_id=sale.pk, ends_at=past)
    # when a buyer asks
    answer = flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1)
    # then the script refuses it and nothing is taken
    assert answer.outcome == "ended"
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "5"


def test_a_sale_not_started_is_refused():
    sale = sale_ready(units=5, starts_at=timezone.now() + timedelta(minutes=5))
    assert flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1).outcome == "not_started"


def test_an_unknown_sale_is_refused():
    assert flash_sale_admit(sale_id=987654, user_id=1, quantity=1).outcome == "unknown_sale"


def test_when_redis_lost_the_sale_buyers_are_told_to_retry_never_admitted(redis_client):
    # given a live sale whose Redis data vanished (a restart without persistence)
    sale = sale_ready(units=5)
    redis_store.client().flushdb()
    gate().forget(sale.pk)
    # when a buyer asks
    answer = flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1)
    # then: retry later, and Redis still holds no stock and no reservation
    assert answer.outcome == "unavailable"
    assert redis_store.client().exists(sale_keys(sale.pk).stock) == 0
    assert redis_store.client().exists(sale_keys(sale.pk).stream) == 0


def test_when_redis_lost_the_data_under_a_warm_window_the_script_still_refuses():
    # the local window says live, the script sees no meta: "unavailable", nothing taken
    sale = sale_ready(units=5)
    gate().window(sale.pk)
    redis_store.client().flushdb()
    answer = flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1)
    assert answer.outcome == "unavailable"
    assert redis_store.client().keys("*") == []


def test_when_redis_is_unreachable_the_answer_is_unavailable(settings):
    sale = sale_ready(units=5)
    settings.FLASHSALE_REDIS_URL = "redis://127.0.0.1:1/0"
    settings.FLASHSALE_REDIS_TIMEOUT_SECONDS = 0.2
    answer = flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1)
    assert answer.outcome == "unavailable"


def test_rate_limits_refuse_before_redis(settings):
    settings.FLASHSALE_USER_RATE_PER_SECOND = 0.001
    settings.FLASHSALE_USER_BURST = 1
    sale = sale_ready(units=5, limit=5)
    buyer = UserFactory()
    outcomes = [flash_sale_admit(sale_id=sale.pk, user_id=buyer.pk, quantity=1).outcome for _ in range(3)]
    assert outcomes == ["admitted", "rate_limited", "rate_limited"]
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "4"


def test_ip_rate_limit(settings):
    settings.FLASHSALE_IP_RATE_PER_SECOND = 0.001
    settings.FLASHSALE_IP_BURST = 2
    sale = sale_ready(units=5)
    outcomes = [
        flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1, client_ip="10.0.0.1").outcome
        for _ in range(3)
    ]
    assert outcomes == ["admitted", "admitted", "rate_limited"]


@pytest.mark.slow
def test_1500_concurrent_buyers_for_1473_units_exactly_1473_are_admitted(settings):
    # given a live sale of 1,473 units and 1,500 distinct buyers; the window is warm in this process
    settings.FLASHSALE_LOCAL_CACHE_SECONDS = 120
    sale = sale_ready(units=1473, limit=1)
    gate().window(sale.pk)
    buyer_ids = range(10_000_000, 10_001_500)  # the script does not need user rows

    # when they all ask at once from 100 threads
    def buy(user_id):
        return flash_sale_admit(sale_id=sale.pk, user_id=user_id, quantity=1)

    with ThreadPoolExecutor(max_workers=100) as pool:
        answers = list(pool.map(buy, buyer_ids))

    # then exactly 1,473 are admitted and 27 are sold out, and Redis agrees
    outcomes = [a.outcome for a in answers]
    assert outcomes.count("admitted") == 1473
    assert outcomes.count("sold_out") == 27
    keys = sale_keys(sale.pk)
    client = redis_store.client()
    assert client.get(keys.stock) == "0"
    assert client.xlen(keys.stream) == 1473
    assert client.hlen(keys.buyers) == 1473
    assert len({a.reservation_id for a in answers if a.admitted}) == 1473


def test_one_buyer_firing_50_parallel_requests_with_a_limit_of_2_gets_2(settings):
    settings.FLASHSALE_LOCAL_CACHE_SECONDS = 120
    sale = sale_ready(units=100, limit=2)
    gate().window(sale.pk)
    buyer = UserFactory()

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(
            pool.map(lambda _: flash_sale_admit(sale_id=sale.pk, user_id=buyer.pk, quantity=1), range(50))
        )

    outcomes = [a.outcome for a in answers]
    assert outcomes.count("admitted") == 2
    assert outcomes.count("over_limit") == 48
    assert redis_store.client().hget(sale_keys(sale.pk).buyers, str(buyer.pk)) == "2"
    assert redis_store.client().get(sale_keys(sale.pk).stock) == "98"


def test_too_few_units_for_a_quantity_does_not_mark_the_sale_sold_out():
    # given one unit left, a buyer asking for 2 is refused
    sale = sale_ready(units=3, limit=2)
    assert flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=2).admitted
    assert flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=2).outcome == "sold_out"
    # then this process does not believe the sale sold out: the last unit still sells
    assert gate().sold_out.is_set(str(sale.pk)) is False
    assert flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1).outcome == "admitted"
