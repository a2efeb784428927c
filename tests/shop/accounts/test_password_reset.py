import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.shop.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = reverse("accounts:password_reset")


def _reset_link(message) -> str:
    match = re.search(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_password_reset_sends_an_email_with_a_link(client):
    # given
    UserFactory(email="mei@example.com")

    # when
    response = client.post(RESET_URL, {"email": "MEI@example.com"})

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mei@example.com"]
    assert message.subject == "Set a new password for testserver"
    assert _reset_link(message).startswith("/accounts/password-reset/")
    assert message.alternatives[0][1] == "text/html"


def test_password_reset_for_unknown_email_sends_nothing_but_answers_the_same(client):
    # when
    response = client.post(RESET_URL, {"email": "nobody@example.com"})

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_link_sets_a_new_password(client):
    # given
    user = UserFactory(email="mei@example.com")
    client.post(RESET_URL, {"email": "mei@example.com"})
    link = _reset_link(mail.outbox[0])

    # when
    to_form = client.get(link)
    form_url = to_form["Location"]
    form_page = client.get(form_url)
    done = client.post(form_url, {"new_password1": "jade-river-2024", "new_password2": "jade-river-2024"})

    # then
    assert to_form.status_code == 302
    assert form_url.endswith("/set-password/")
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("jade-river-2024") is True
    assert user.check_password(DEFAULT_PASSWORD) is False
    login = client.post(
        reverse("accounts:login"), {"username": "mei@example.com", "password": "jade-river-2024"}
    )
    assert login.status_code == 302


def test_password_reset_link_works_only_once(client):
    # given
    UserFactory(email="mei@example.com")
    client.post(RESET_URL, {"email": "mei@example.com"})
    link = _reset_link(mail.outbox[0])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": "jade-river-2024", "new_password2": "jade-river-2024"})
    client.logout()

    # when
    response = client.get(link)

    # then
    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert "This password reset link is invalid" in response.content.decode()


def test_password_reset_refuses_a_weak_new_password(client):
    # given
    user = UserFactory(email="mei@example.com")
    client.post(RESET_URL, {"email": "mei@example.com"})
    form_url = client.get(_reset_link(mail.outbox[0]))["Location"]

    # when
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_password2": ["This password is too short. It must contain at least 10 characters."]
    }
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD) is True
