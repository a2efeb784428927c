"""The buyer token comes from its own JSON endpoint (the published sale page holds none): private,
logged-in only; the token it gives is what the buy and status endpoints accept, so a buyer can go
from the public page to a paid order the way sale.js does."""

import re

import pytest
from django.test import Client

from apps.flashsale.models import Reservation
from apps.flashsale.services import reservations_drain
from apps.flashsale.tokens import HEADER, buyer_token_verify
from apps.payments.models import Payment

from .factories import UserFactory, sale_ready

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_gets_401_json_and_no_token(client):
    response = client.get("/flash/api/token/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not_logged_in", "message": "Log in to join the sale."}
    assert set(response["Cache-Control"].split(", ")) >= {"private", "no-store"}


def test_a_logged_in_buyer_gets_a_private_uncached_token_for_themself(client):
    buyer = UserFactory()
    client.force_login(buyer)
    response = client.get("/flash/api/token/")
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) >= {"private", "no-store"}
    body = response.json()
    assert body["header"] == HEADER
    assert buyer_token_verify(body["token"]) == buyer.pk


def test_a_fetched_token_is_accepted_by_the_buy_endpoint(client):
    sale = sale_ready(units=5)
    client.force_login(UserFactory())
    token = client.get("/flash/api/token/").json()["token"]
    response = Client().post(
        f"/flash/api/sales/{sale.pk}/buy/",
        data='{"quantity": 1}',
        content_type="application/json",
        HTTP_X_FLASH_TOKEN=token,
    )
    assert response.status_code == 202
    assert response.json()["units_left"] == 4


def _attribute(content: str, name: str) -> str:
    return re.search(rf'{name}="([^"]*)"', content).group(1)


def test_the_whole_buy_flow_from_the_public_page_with_a_fetched_token():
    # given a live sale and a logged-in buyer with CSRF checks on, like a browser
    sale = sale_ready(units=3)
    buyer = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer)
    # when the buyer opens the public page, then (as sale.js does) reads the state, fetches the
    # token and buys through the JSON endpoint
    page = browser.get(f"/flash/{sale.pk}/").content.decode()
    state = browser.get(_attribute(page, "data-state-url")).json()
    token = browser.get(_attribute(page, "data-token-url")).json()["token"]
    headers = {f"HTTP_{_attribute(page, 'data-token-header').upper().replace('-', '_')}": token}
    bought = browser.post(
        _attribute(page, "data-buy-url"), data='{"quantity": 1}', content_type="application/json", **headers
    )
    # then the buyer is in, pending until the worker writes the order
    assert state["state"] == "live"
    assert bought.status_code == 202
    status_url = bought.json()["status_url"]
    assert browser.get(status_url, **headers).json()["status"] == "pending"
    # when the worker drains the Stream
    reservations_drain(sale_id=sale.pk)
    # then the status says ordered, with the pay link
    status = browser.get(status_url, **headers).json()
    reservation = Reservation.objects.get(user=buyer)
    assert (status["status"], status["order_number"]) == ("ordered", reservation.order_number)
    # when the buyer pays with the CSRF token live.js got from /live/session/
    csrf = browser.get("/live/session/").json()["csrf_token"]
    paid = browser.post(status["pay_url"], {"csrfmiddlewaretoken": csrf})
    # then one payment is opened for the sale price
    assert paid.status_code == 302
    assert Payment.objects.get(user=buyer).amount == sale.sale_price
