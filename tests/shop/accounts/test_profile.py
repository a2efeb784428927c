import pytest
from django.urls import reverse

from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("accounts:profile")


def test_profile_shows_email_and_name(client):
    # given
    user = UserFactory(email="mei@example.com", full_name="Mei Chen")
    client.force_login(user)

    # when
    response = client.get(PROFILE_URL)

    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "mei@example.com" in body
    assert 'value="Mei Chen"' in body


def test_profile_edit_saves_full_name(client):
    # given
    user = UserFactory(email="mei@example.com", full_name="Mei Chen")
    client.force_login(user)

    # when
    response = client.post(PROFILE_URL, {"full_name": "Chen Mei"})

    # then
    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    user.refresh_from_db()
    assert user.full_name == "Chen Mei"
    assert user.email == "mei@example.com"


def test_profile_edit_cannot_change_email_or_staff_flag(client):
    # given
    user = UserFactory(email="mei@example.com", full_name="Mei Chen")
    client.force_login(user)

    # when
    client.post(PROFILE_URL, {"full_name": "Mei", "email": "evil@example.com", "is_staff": "on"})

    # then
    user.refresh_from_db()
    assert (user.full_name, user.email, user.is_staff) == ("Mei", "mei@example.com", False)


def test_profile_edit_with_too_long_name_shows_error(client):
    # given
    user = UserFactory(full_name="Mei Chen")
    client.force_login(user)

    # when
    response = client.post(PROFILE_URL, {"full_name": "x" * 151})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "full_name": ["Ensure this value has at most 150 characters (it has 151)."]
    }
    user.refresh_from_db()
    assert user.full_name == "Mei Chen"
