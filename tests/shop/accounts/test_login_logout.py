import pytest
from django.urls import reverse

from tests.shop.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
LOGOUT_URL = reverse("accounts:logout")


def test_login_form_labels_the_username_as_email(client):
    # when
    response = client.get(LOGIN_URL)

    # then
    assert response.status_code == 200
    assert response.context["form"].fields["username"].label == "E-mail address"
    assert 'type="email" name="username"' in response.content.decode()


def test_login_with_right_password_logs_in_and_redirects_home(client):
    # given
    user = UserFactory(email="mei@example.com")

    # when
    response = client.post(LOGIN_URL, {"username": "mei@example.com", "password": DEFAULT_PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_email_is_case_insensitive(client):
    # given
    user = UserFactory(email="mei@example.com")

    # when
    response = client.post(LOGIN_URL, {"username": " MEI@Example.com", "password": DEFAULT_PASSWORD})

    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_wrong_password_shows_error(client):
    # given
    UserFactory(email="mei@example.com")

    # when
    response = client.post(LOGIN_URL, {"username": "mei@example.com", "password": "wrong-password-1"})

    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct e-mail address and password. The password is case-sensitive."
    ]
    assert "_auth_user_id" not in client.session


def test_login_redirects_to_next(client):
    # given
    UserFactory(email="mei@example.com")

    # when
    response = client.post(
        f"{LOGIN_URL}?next=/accounts/addresses/",
        {"username": "mei@example.com", "password": DEFAULT_PASSWORD},
    )

    # then
    assert response["Location"] == "/accounts/addresses/"


def test_logout_by_post_ends_the_session(client):
    # given
    user = UserFactory()
    client.force_login(user)

    # when
    response = client.post(LOGOUT_URL)

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:home")
    assert "_auth_user_id" not in client.session


def test_logout_by_get_is_refused_and_keeps_the_session(client):
    # given
    user = UserFactory()
    client.force_login(user)

    # when
    response = client.get(LOGOUT_URL)

    # then
    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(user.pk)


def test_profile_requires_login(client):
    # when
    response = client.get(reverse("accounts:profile"))

    # then
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/accounts/profile/"
