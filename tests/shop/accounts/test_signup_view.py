import pytest
from django.urls import reverse

from shop.accounts.models import User
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("accounts:signup")


def _signup_data(**overrides):
    data = {
        "email": "mei@example.com",
        "full_name": "Mei Chen",
        "password1": "plum-blossom-42",
        "password2": "plum-blossom-42",
    }
    data.update(overrides)
    return data


def test_signup_page_renders_the_form(client):
    # when
    response = client.get(SIGNUP_URL)

    # then
    assert response.status_code == 200
    assert list(response.context["form"].fields) == [
        "email",
        "full_name",
        "password1",
        "password2",
    ]


def test_signup_creates_the_user_and_logs_them_in(client):
    # when
    response = client.post(SIGNUP_URL, _signup_data(email="Mei@Example.com"))

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:home")
    user = User.objects.get()
    assert user.email == "mei@example.com"
    assert user.full_name == "Mei Chen"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_signup_follows_a_safe_next_url_but_not_a_foreign_one(client):
    # when
    to_profile = client.post(SIGNUP_URL, _signup_data(next="/accounts/profile/"))
    client.logout()
    to_evil = client.post(SIGNUP_URL, _signup_data(email="two@example.com", next="https://evil.example/"))

    # then
    assert to_profile["Location"] == "/accounts/profile/"
    assert to_evil["Location"] == reverse("catalog:home")


def test_signup_with_duplicate_email_in_other_case_shows_form_error(client):
    # given
    UserFactory(email="mei@example.com")

    # when
    response = client.post(SIGNUP_URL, _signup_data(email="MEI@example.COM"))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["An account with this e-mail address already exists."]
    }
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session
    assert "An account with this e-mail address already exists." in response.content.decode()


def test_signup_with_weak_password_shows_form_error(client):
    # when
    response = client.post(SIGNUP_URL, _signup_data(password1="password", password2="password"))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password1": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
        ]
    }
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_signup_with_mismatched_passwords_shows_form_error(client):
    # when
    response = client.post(SIGNUP_URL, _signup_data(password2="plum-blossom-43"))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": ["The two passwords do not match."]}
    assert User.objects.count() == 0


def test_signup_with_invalid_email_shows_form_error(client):
    # when
    response = client.post(SIGNUP_URL, _signup_data(email="not-an-email"))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert User.objects.count() == 0
