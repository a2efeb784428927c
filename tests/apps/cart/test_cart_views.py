import pytest
from django.conf import settings
from django.urls import reverse

from apps.cart.models import Cart, CartLine
from apps.catalog.models import Variant
from tests.apps.orders.helpers import buyer_with_cart, variant_in_stock
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_an_anonymous_visitor_gets_no_session_until_a_line_is_added(client):
    # given a visitor looking at the empty cart
    variant = variant_in_stock(stock=5)
    response = client.get(reverse("cart:detail"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # when they add a line
    response = client.post(reverse("cart:add"), {"variant_id": variant.pk, "quantity": 2})
    # then a session and an anonymous cart exist, and the nav shows the count
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_NAME in response.cookies
    cart = Cart.objects.get()
    assert cart.user is None
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(variant.pk, 2)]
    page = client.get(reverse("cart:detail"))
    assert '<span class="cart-count">(2)</span>' in page.content.decode()


def test_the_product_pages_buy_form_posts_to_the_cart(client):
    variant = variant_in_stock(stock=5)
    product = variant.product
    page = client.get(reverse("catalog:product", kwargs={"pk": product.pk, "slug": product.slug}))
    assert f'action="{reverse("cart:add")}"' in page.content.decode()
    # the page names its radio buttons "variant"
    response = client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    assert response.status_code == 302
    assert CartLine.objects.get().variant_id == variant.pk


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "The quantity must be at least 1."),
        ("-2", "The quantity must be at least 1."),
        (str(10**12), "You can buy at most 10 of"),
        ("abc", "The quantity must be a whole number."),
        ("", "Enter a quantity."),
    ],
)
def test_bad_quantities_are_refused_with_a_message_and_nothing_is_written(client, quantity, message):
    variant = variant_in_stock(stock=5)
    response = client.post(reverse("cart:add"), {"variant_id": variant.pk, "quantity": quantity})
    assert response.status_code == 302
    assert messages_of(response)[0].startswith(message)
    assert (Cart.objects.count(), CartLine.objects.count()) == (0, 0)


@pytest.mark.parametrize("variant_id", ["999999999", "x", ""])
def test_unknown_variants_are_refused(client, variant_id):
    response = client.post(reverse("cart:add"), {"variant_id": variant_id, "quantity": "1"})
    assert response.status_code == 302
    assert messages_of(response)
    assert Cart.objects.count() == 0


def test_an_inactive_variant_is_refused(client):
    variant = variant_in_stock(stock=5)
    Variant.objects.filter(pk=variant.pk).update(is_active=False)
    response = client.post(reverse("cart:add"), {"variant_id": variant.pk, "quantity": "1"})
    assert messages_of(response) == ["This product is not available."]
    assert Cart.objects.count() == 0


def test_lines_can_be_changed_and_removed_but_not_another_users(client):
    variant = variant_in_stock(stock=5)
    user, cart_id, _ = buyer_with_cart((variant, 1))
    _, other_cart, _ = buyer_with_cart((variant, 1))
    mine = CartLine.objects.get(cart_id=cart_id)
    theirs = CartLine.objects.get(cart_id=other_cart)
    client.force_login(user)
    assert client.post(reverse("cart:line_update", args=[mine.pk]), {"quantity": "3"}).status_code == 302
    assert CartLine.objects.get(pk=mine.pk).quantity == 3
    assert client.post(reverse("cart:line_update", args=[theirs.pk]), {"quantity": "3"}).status_code == 404
    assert client.post(reverse("cart:line_remove", args=[theirs.pk])).status_code == 404
    assert CartLine.objects.get(pk=theirs.pk).quantity == 1
    response = client.post(reverse("cart:line_update", args=[mine.pk]), {"quantity": "99"})
    assert messages_of(response) == [f"You can buy at most 10 of {variant.product.name} per order."]
    assert client.post(reverse("cart:line_remove", args=[mine.pk])).status_code == 302
    assert not CartLine.objects.filter(pk=mine.pk).exists()


def test_logging_in_merges_the_anonymous_cart_into_the_users_cart(client):
    # given an anonymous cart with one line and a user whose cart has another
    a, b = variant_in_stock(stock=5), variant_in_stock(stock=5)
    user, user_cart, _ = buyer_with_cart((a, 1))
    client.post(reverse("cart:add"), {"variant_id": b.pk, "quantity": 2})
    anonymous = Cart.objects.get(user__isnull=True)
    # when they log in
    client.force_login(user)
    # then both lines are in the user's cart and the anonymous cart is gone
    assert sorted(CartLine.objects.filter(cart_id=user_cart).values_list("variant_id", "quantity")) == sorted(
        [(a.pk, 1), (b.pk, 2)]
    )
    assert not Cart.objects.filter(pk=anonymous.pk).exists()
    assert "cart_id" not in client.session


def test_the_cart_page_says_what_changed(client):
    variant = variant_in_stock(stock=5, price="10.00")
    user, _, _ = buyer_with_cart((variant, 1))
    Variant.objects.filter(pk=variant.pk).update(price="8.00")
    client.force_login(user)
    response = client.get(reverse("cart:detail"))
    assert messages_of(response) == [
        f"The price of {variant.product.name} changed from 10.00 USD to 8.00 USD."
    ]
    assert "8.00 USD" in response.content.decode()


def test_the_cart_count_costs_no_query_for_a_visitor_without_cart(client, django_assert_num_queries):
    from django.test import RequestFactory

    from apps.cart.context_processors import cart_count

    request = RequestFactory().get("/")
    request.session = {}
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert int(str(cart_count(request)["cart_count"])) == 0


def test_a_logged_in_users_cart_count_is_one_query(django_assert_num_queries):
    from django.test import RequestFactory

    from apps.cart.context_processors import cart_count

    variant = variant_in_stock(stock=5)
    user, _, _ = buyer_with_cart((variant, 3))
    user = UserFactory._meta.model.objects.get(pk=user.pk)
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(1):
        assert str(cart_count(request)["cart_count"]) == "3"
