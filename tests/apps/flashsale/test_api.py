"""The JSON endpoints: the buy path makes no SQL query; bad input gets a clear 4xx, nothing changes."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.flashsale import redis_store
from apps.flashsale.keys import sale_keys
from apps.flashsale.services import flash_sale_close, reservations_drain
from apps.flashsale.tokens import HEADER, buyer_token_issue, buyer_token_verify

from .factories import UserFactory, sale_ready

pytestmark = pytest.mark.django_db


def _headers(user):
    return {"HTTP_X_FLASH_TOKEN": buyer_token_issue(user_id=user.pk)}


def _buy(client, sale_id, user=None, body=None, content_type="application/json", **headers):
    if user is not None:
        headers.update(_headers(user))
    payload = json.dumps(body) if isinstance(body, dict) else body
    return client.post(
        f"/flash/api/sales/{sale_id}/buy/", data=payload or "", content_type=content_type, **headers
    )


def _stock(sale):
    return redis_store.client().get(sale_keys(sale.pk).stock)


def test_the_buy_endpoint_admits_with_202_and_makes_no_sql_query(client, django_assert_num_queries):
    # given a live sale, its window already known to this process, and a buyer holding a token
    sale = sale_ready(units=5)
    warm = UserFactory()
    assert _buy(client, sale.pk, warm).status_code == 202
    buyer = UserFactory()
    headers = _headers(buyer)
    # when the buyer posts, even with a logged-in session cookie present
    client.force_login(buyer)
    with django_assert_num_queries(0):
        response = client.post(
            f"/flash/api/sales/{sale.pk}/buy/",
            data='{"quantity": 1}',
            content_type="application/json",
            **headers,
        )
    # then: 202 with the reservation and where to poll it
    assert response.status_code == 202
    body = response.json()
    assert body["status_url"] == f"/flash/api/reservations/{body['reservation_id']}/"
    assert body["units_left"] == 3
    assert response["Cache-Control"] == "no-store"


def test_sold_out_is_409_and_also_makes_no_sql_query(client, django_assert_num_queries):
    sale = sale_ready(units=1)
    assert _buy(client, sale.pk, UserFactory()).status_code == 202
    late = UserFactory()
    with django_assert_num_queries(0):
        response = _buy(client, sale.pk, late)
    assert (response.status_code, response.json()["error"]) == (409, "sold_out")


def test_sold_out_answers_are_not_logged_as_warnings_but_bad_requests_still_are(client, caplog):
    # given a sold-out sale
    sale = sale_ready(units=1)
    assert _buy(client, sale.pk, UserFactory()).status_code == 202
    caplog.clear()

    # when a late buyer is refused, and someone sends a malformed quantity
    with caplog.at_level("WARNING", logger="django.request"):
        assert _buy(client, sale.pk, UserFactory()).status_code == 409
        assert _buy(client, sale.pk, UserFactory(), body={"quantity": "x"}).status_code == 400

    # then only the malformed request is a warning: a refused buyer is the sale working
    logged = [record.status_code for record in caplog.records if record.name == "django.request"]
    assert logged == [400]


def test_over_the_limit_is_409():
    sale = sale_ready(units=5, limit=1)
    buyer = UserFactory()
    from django.test import Client

    client = Client()
    assert _buy(client, sale.pk, buyer).status_code == 202
    response = _buy(client, sale.pk, buyer)
    assert (response.status_code, response.json()["error"], response.json()["limit"]) == (
        409,
        "over_limit",
        1,
    )


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "not_logged_in"),
        ({"HTTP_X_FLASH_TOKEN": "12:forged:signature"}, 401, "not_logged_in"),
    ],
)
def test_without_a_valid_token_the_answer_is_401_and_nothing_is_taken(client, headers, status, code):
    sale = sale_ready(units=5)
    response = _buy(client, sale.pk, None, **headers)
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert _stock(sale) == "5"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ({"quantity": -1}, "application/json"),
        ({"quantity": 0}, "application/json"),
        ({"quantity": 10**12}, "application/json"),
        ({"quantity": 3}, "application/json"),
        ({"quantity": "abc"}, "application/json"),
        ({"quantity": 1.5}, "application/json"),
        ({"quantity": True}, "application/json"),
        ("{not json", "application/json"),
        ("quantity=lots", "application/x-www-form-urlencoded"),
        ("[1, 2]", "application/json"),
    ],
)
def test_bad_quantities_are_400_and_nothing_is_taken(client, body, content_type):
    sale = sale_ready(units=5, limit=2)
    response = _buy(client, sale.pk, UserFactory(), body=body, content_type=content_type)
    assert (response.status_code, response.json()["error"]) == (400, "bad_quantity")
    assert _stock(sale) == "5"
    assert redis_store.client().xlen(sale_keys(sale.pk).stream) == 0


def test_form_encoded_quantity_is_accepted(client):
    sale = sale_ready(units=5, limit=2)
    response = _buy(
        client, sale.pk, UserFactory(), body="quantity=2", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 202
    assert _stock(sale) == "3"


def test_an_unknown_sale_is_404(client):
    response = _buy(client, 424242, UserFactory())
    assert (response.status_code, response.json()["error"]) == (404, "unknown_sale")


def test_an_ended_sale_is_410_and_nothing_changes(client):
    sale = sale_ready(units=5)
    flash_sale_close(sale_id=sale.pk)
    response = _buy(client, sale.pk, UserFactory())
    assert (response.status_code, response.json()["error"]) == (410, "ended")
    assert redis_store.client().xlen(sale_keys(sale.pk).stream) == 0


def test_a_sale_not_started_is_409(client):
    sale = sale_ready(units=5, starts_at=timezone.now() + timedelta(minutes=3))
    response = _buy(client, sale.pk, UserFactory())
    assert (response.status_code, response.json()["error"]) == (409, "not_started")


def test_redis_lost_the_sale_is_503_with_retry_after(client):
    sale = sale_ready(units=5)
    redis_store.client().flushdb()
    response = _buy(client, sale.pk, UserFactory())
    assert (response.status_code, response.json()["error"], response["Retry-After"]) == (
        503,
        "unavailable",
        "1",
    )


def test_rate_limited_is_429(client, settings):
    settings.FLASHSALE_USER_RATE_PER_SECOND = 0.001
    settings.FLASHSALE_USER_BURST = 1
    sale = sale_ready(units=5, limit=3)
    buyer = UserFactory()
    assert _buy(client, sale.pk, buyer).status_code == 202
    response = _buy(client, sale.pk, buyer)
    assert (response.status_code, response.json()["error"], response["Retry-After"]) == (
        429,
        "rate_limited",
        "1",
    )


def test_get_is_not_allowed_on_buy(client):
    sale = sale_ready(units=5)
    assert client.get(f"/flash/api/sales/{sale.pk}/buy/").status_code == 405


def test_the_status_goes_from_pending_to_ordered_with_a_pay_link(client):
    # given an admitted buyer
    sale = sale_ready(units=5)
    buyer = UserFactory()
    status_url = _buy(client, sale.pk, buyer).json()["status_url"]
    # then the status is pending until the worker writes the order
    pending = client.get(status_url, **_headers(buyer))
    assert (pending.status_code, pending.json()["status"]) == (200, "pending")
    reservations_drain(sale_id=sale.pk)
    ordered = client.get(status_url, **_headers(buyer)).json()
    assert ordered["status"] == "ordered"
    assert ordered["order_url"] == f"/orders/{ordered['order_number']}/"
    assert ordered["pay_url"] == f"/flash/reservations/{ordered['reservation_id']}/pay/"


def test_another_buyers_reservation_and_a_forged_id_are_404_pending_or_written(client):
    sale = sale_ready(units=5)
    owner, other = UserFactory(), UserFactory()
    status_url = _buy(client, sale.pk, owner).json()["status_url"]
    assert client.get(status_url, **_headers(other)).status_code == 404
    reservations_drain(sale_id=sale.pk)
    assert client.get(status_url, **_headers(other)).status_code == 404
    for forged in (f"{sale.pk}-0000", "nothing", "99999-abc", "x" * 70):
        response = client.get(f"/flash/api/reservations/{forged}/", **_headers(owner))
        assert (response.status_code, response.json()["error"]) == (404, "unknown_reservation")
    assert client.get(status_url).status_code == 401


def test_the_live_state_is_cacheable_for_a_second(client):
    sale = sale_ready(units=5)
    response = client.get(f"/flash/api/sales/{sale.pk}/state/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=1"
    body = response.json()
    assert (body["state"], body["units_left"], body["units"]) == ("live", 5, 5)
    assert client.get("/flash/api/sales/31337/state/").status_code == 404


def test_the_token_endpoint_needs_a_session(client):
    assert client.get("/flash/api/token/").status_code == 401
    buyer = UserFactory()
    client.force_login(buyer)
    body = client.get("/flash/api/token/").json()
    assert body["header"] == HEADER
    assert buyer_token_verify(body["token"]) == buyer.pk


def test_an_expired_token_is_refused(settings):
    token = buyer_token_issue(user_id=7)
    settings.FLASHSALE_TOKEN_MAX_AGE_SECONDS = -1
    assert buyer_token_verify(token) is None
