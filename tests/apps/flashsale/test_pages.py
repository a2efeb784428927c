"""The shopper's pages: sale page, the buy form without JavaScript, the reservation page, paying."""

import pytest

from apps.flashsale.models import Reservation
from apps.flashsale.services import reservations_drain
from apps.flashsale.tokens import buyer_token_issue
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


def test_a_logged_in_buyer_gets_a_private_page_with_the_form(client):
    sale = sale_ready(units=5)
    buyer = UserFactory()
    client.force_login(buyer)
    response = client.get(f"/flash/{sale.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert 'name="token"' in response.content.decode()


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
