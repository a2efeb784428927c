"""The shopper's pages: the public sale page, joining and the buy form without JavaScript, the
reservation page, paying."""

import re

import pytest

from apps.flashsale.models import Reservation
from apps.flashsale.services import reservations_drain
from apps.flashsale.tokens import buyer_token_issue, buyer_token_verify
from apps.payments.models import Payment

from .factories import UserFactory, sale_ready

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_sees_the_sale_and_a_log_in_link(client):
    sale = sale_ready(units=5)
    response = client.get(f"/flash/{sale.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert sale.title in content
    assert "49.00 USD" in content
    assert "/accounts/login/?next=" in content
    assert 'name="token"' not in content


def test_the_sale_page_is_the_same_public_page_for_a_logged_in_buyer(client):
    # given a live sale, the page an anonymous visitor gets
    sale = sale_ready(units=5)
    anonymous = client.get(f"/flash/{sale.pk}/")
    # when a logged-in buyer opens it
    client.force_login(UserFactory())
    response = client.get(f"/flash/{sale.pk}/")
    # then it is the same public page: no buyer token, no CSRF token, no cookie
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert response.content == anonymous.content
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    content = response.content.decode()
    assert 'name="token"' not in content
    assert 'data-token=""' in content
    assert 'data-token-url="/flash/api/token/"' in content
    assert f'action="/flash/{sale.pk}/join/"' in content
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="" data-live-csrf>' in content
    # the nav's log-out form and the page's own placeholder: both empty, filled by live.js
    assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', content) == ["", ""]


def test_without_javascript_join_gives_a_logged_in_buyer_a_private_page_whose_form_buys():
    # given a buyer on the public page, JavaScript off, with Django's CSRF checks on
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sale = sale_ready(units=5, limit=2)
    buyer = UserFactory()
    client.force_login(buyer)
    # when the public page's form (quantity only, no token, no CSRF token) is posted
    response = client.post(f"/flash/{sale.pk}/join/", {"quantity": "2"})
    # then a private copy of the page comes back, with the buyer's token and a CSRF token
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    content = response.content.decode()
    token = re.search(r'<input type="hidden" name="token" value="([^"]+)">', content).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    assert buyer_token_verify(token) == buyer.pk
    assert f'action="/flash/{sale.pk}/buy/"' in content
    assert '<option value="2" selected>2</option>' in content
    # when the buyer presses "Buy now" there
    bought = client.post(
        f"/flash/{sale.pk}/buy/", {"token": token, "quantity": "2", "csrfmiddlewaretoken": csrf}
    )
    # then they are in, for 2 units
    assert bought.status_code == 302
    assert bought["Location"].startswith("/flash/reservations/")
    reservations_drain(sale_id=sale.pk)
    assert Reservation.objects.get(user=buyer).quantity == 2


def test_without_javascript_join_sends_a_visitor_to_log_in_and_back(client):
    sale = sale_ready(units=5, limit=2)
    response = client.post(f"/flash/{sale.pk}/join/", {"quantity": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/flash/{sale.pk}/join/%3Fquantity%3D2"
    # after logging in, the GET of that address is the private page
    client.force_login(UserFactory())
    back = client.get(f"/flash/{sale.pk}/join/?quantity=2")
    assert back.status_code == 200
    assert 'name="token"' in back.content.decode()


@pytest.mark.parametrize(("quantity", "selected"), [("0", 1), ("-3", 1), ("99", 2), ("abc", 1)])
def test_join_keeps_the_quantity_within_the_limit(client, quantity, selected):
    sale = sale_ready(units=5, limit=2)
    client.force_login(UserFactory())
    content = client.post(f"/flash/{sale.pk}/join/", {"quantity": quantity}).content.decode()
    assert f'<option value="{selected}" selected>' in content
    assert content.count(" selected>") == 1


def test_join_of_an_unknown_sale_is_404(client):
    client.force_login(UserFactory())
    assert client.post("/flash/999999/join/", {"quantity": "1"}).status_code == 404
    assert client.get("/flash/999999/join/").status_code == 404


def test_an_unknown_sale_page_is_the_shops_404(client):
    assert client.get("/flash/999999/").status_code == 404


def test_the_form_admits_then_the_reservation_page_shows_the_order_and_pay_opens_one_payment(client):
    # given a logged-in buyer on the sale page
    sale = sale_ready(units=5)
    buyer = UserFactory()
    client.force_login(buyer)
    # when the form is posted
    response = client.post(
        f"/flash/{sale.pk}/buy/", {"token": buyer_token_issue(user_id=buyer.pk), "quantity": "1"}
    )
    # then the buyer lands on the reservation page, pending until the worker runs
    assert response.status_code == 302
    page_url = response["Location"]
    reservation_id = page_url.rstrip("/").rsplit("/", 1)[-1]
    assert "Creating your order" in client.get(page_url).content.decode()
    reservations_drain(sale_id=sale.pk)
    reservation = Reservation.objects.get(reservation_id=reservation_id)
    page = client.get(page_url).content.decode()
    assert reservation.order_number in page
    assert "Pay now" in page
    # when the buyer pays twice (double click), one payment is opened and reused
    first = client.post(f"/flash/reservations/{reservation_id}/pay/")
    second = client.post(f"/flash/reservations/{reservation_id}/pay/")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Payment.objects.filter(user=buyer).count() == 1
    assert Payment.objects.get(user=buyer).amount == sale.sale_price


def test_the_form_refusal_is_a_small_page_with_the_reason(client):
    sale = sale_ready(units=5)
    response = client.post(f"/flash/{sale.pk}/buy/", {"token": "forged", "quantity": "1"})
    assert response.status_code == 401
    assert "Log in to join the sale." in response.content.decode()


def test_another_buyers_reservation_page_is_404(client):
    sale = sale_ready(units=5)
    owner, other = UserFactory(), UserFactory()
    client.force_login(owner)
    url = client.post(f"/flash/{sale.pk}/buy/", {"token": buyer_token_issue(user_id=owner.pk)})["Location"]
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url + "pay/").status_code == 404
