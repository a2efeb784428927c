"""The live parts of published pages: /live/session/ and /live/product/<id>/, and the forms of a
published page, with JavaScript (token from /live/session/) and without (the confirm page)."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.cart.models import CartLine
from apps.inventory.services import stock_adjust
from tests.apps.catalog.factories import VariantFactory
from tests.apps.orders.helpers import buyer_with_cart, variant_in_stock
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_no_cart_no_name_and_a_csrf_token_but_no_session(client):
    # when
    response = client.get("/live/session/")
    # then
    data = response.json()
    assert data["cart_count"] == 0
    assert data["user"] is None
    assert len(data["csrf_token"]) == 64
    assert response["Cache-Control"] == "private, max-age=5"
    assert response["Vary"] == "Cookie"
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Content-Encoding" not in client.get("/live/session/", headers={"Accept-Encoding": "gzip"})


def test_a_logged_in_shopper_gets_their_name_and_cart_count(client):
    # given
    user = UserFactory(full_name="Mei Lin")
    buyer_with_cart((variant_in_stock(stock=9), 2), (variant_in_stock(stock=9), 1), user=user)
    client.force_login(user)
    # when
    data = client.get("/live/session/").json()
    # then
    assert data["cart_count"] == 3
    assert data["user"] == {"name": user.get_short_name()}


def test_a_product_with_few_units_says_how_many_are_left(client):
    # given
    variant = variant_in_stock(stock=4)
    VariantFactory(product=variant.product)  # a second variant with no stock at all
    # when
    response = client.get(f"/live/product/{variant.product_id}/")
    # then
    data = response.json()
    assert data["in_stock"] is True
    assert data["stock_left"] == 4
    assert data["variants"][str(variant.pk)] is True
    assert sorted(data["variants"].values()) == [False, True]
    assert data["flash_sale"] is None
    assert response["Cache-Control"] == "public, max-age=5"


def test_a_product_with_many_units_is_just_in_stock_and_one_without_is_out(client):
    plenty = variant_in_stock(stock=50)
    none = variant_in_stock(stock=0)
    assert client.get(f"/live/product/{plenty.product_id}/").json()["stock_left"] is None
    assert client.get(f"/live/product/{plenty.product_id}/").json()["in_stock"] is True
    assert client.get(f"/live/product/{none.product_id}/").json()["in_stock"] is False


def test_the_product_state_is_kept_for_seconds(client):
    # given
    variant = variant_in_stock(stock=4)
    url = f"/live/product/{variant.product_id}/"
    client.get(url)
    stock_adjust(variant_id=variant.pk, delta=-1, actor_id=None, reason="test")
    # when
    with CaptureQueriesContext(connection) as queries:
        data = client.get(url).json()
    # then: no query, and the count of the last 2 s
    assert len(queries) == 0
    assert data["stock_left"] == 4


def test_an_unknown_product_answers_404_in_json(client):
    response = client.get("/live/product/987654/")
    assert response.status_code == 404
    assert response.json() == {"error": "no such product"}


def _product_page_form(client, variant) -> dict:
    page = client.get(f"/p/{variant.product_id}-{variant.product.slug}/").content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in page
    return {"product": variant.product_id, "variant": variant.pk, "quantity": 2, "csrfmiddlewaretoken": ""}


def test_with_javascript_the_buy_form_posts_with_the_live_token():
    # given a published page's form and the token live.js fetched
    client = Client(enforce_csrf_checks=True)
    variant = variant_in_stock(stock=5)
    form = _product_page_form(client, variant)
    form["csrfmiddlewaretoken"] = client.get("/live/session/").json()["csrf_token"]
    # when
    response = client.post("/cart/add/", form)
    # then
    assert response.status_code == 302
    assert list(CartLine.objects.values_list("variant_id", "quantity")) == [(variant.pk, 2)]


def test_without_javascript_the_buy_form_gets_a_confirm_page_that_then_works():
    # given a published page's form posted without a token (no JavaScript)
    client = Client(enforce_csrf_checks=True)
    variant = variant_in_stock(stock=5)
    form = _product_page_form(client, variant)
    # when
    confirm = client.post("/cart/add/", form)
    # then the shopper sees the same choices, with a token, to send again
    page = confirm.content.decode()
    assert confirm.status_code == 403
    assert confirm["Cache-Control"] == "private, no-store"
    assert f'<input type="hidden" name="variant" value="{variant.pk}">' in page
    assert '<input type="hidden" name="quantity" value="2">' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert CartLine.objects.count() == 0
    sent_again = client.post("/cart/add/", {**form, "csrfmiddlewaretoken": token})
    assert sent_again.status_code == 302
    assert list(CartLine.objects.values_list("variant_id", "quantity")) == [(variant.pk, 2)]


def test_a_cross_site_post_gets_the_plain_403_not_the_confirm_page():
    client = Client(enforce_csrf_checks=True)
    variant = variant_in_stock(stock=5)
    response = client.post(
        "/cart/add/", {"variant": variant.pk, "quantity": 1}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert b'name="variant"' not in response.content
    assert CartLine.objects.count() == 0
