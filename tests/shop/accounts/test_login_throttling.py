from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from tests.shop.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")


def _login(client, password, email="mei@example.com", ip="10.0.0.1"):
    return client.post(LOGIN_URL, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _fail_five_times(client, email="mei@example.com", ip="10.0.0.1"):
    return [_login(client, f"wrong-password-{n}", email=email, ip=ip).status_code for n in range(5)]


def _age_attempts(minutes):
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_five_wrong_passwords_lock_the_login_and_refuse_the_right_one(client):
    # given
    UserFactory(email="mei@example.com")

    # when
    statuses = _fail_five_times(client)
    locked = _login(client, DEFAULT_PASSWORD)

    # then
    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert "Please wait 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_is_per_email_and_ip(client):
    # given
    mei = UserFactory(email="mei@example.com")
    other = UserFactory(email="other@example.com")
    _fail_five_times(client)

    # when
    other_user_same_ip = _login(client, DEFAULT_PASSWORD, email="other@example.com")
    other_user_session = client.session["_auth_user_id"]
    client.post(reverse("accounts:logout"))
    same_user_other_ip = _login(client, DEFAULT_PASSWORD, ip="10.0.0.2")

    # then
    assert other_user_same_ip.status_code == 302
    assert other_user_session == str(other.pk)
    assert same_user_other_ip.status_code == 302
    assert client.session["_auth_user_id"] == str(mei.pk)


def test_changing_the_email_case_gives_no_fresh_tries(client):
    # given
    UserFactory(email="mei@example.com")
    _fail_five_times(client)

    # when
    response = _login(client, DEFAULT_PASSWORD, email="MEI@example.com")

    # then
    assert response.status_code == 429


def test_lock_still_holds_before_the_cool_off_ends(client):
    # given
    UserFactory(email="mei@example.com")
    _fail_five_times(client)
    _age_attempts(minutes=14)

    # when
    response = _login(client, DEFAULT_PASSWORD)

    # then
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_real_user_can_log_in_after_the_cool_off(client):
    # given
    user = UserFactory(email="mei@example.com")
    _fail_five_times(client)
    assert _login(client, DEFAULT_PASSWORD).status_code == 429
    _age_attempts(minutes=16)

    # when
    response = _login(client, DEFAULT_PASSWORD)

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AccessAttempt.objects.count() == 0


def test_successful_login_resets_the_failure_count(client):
    # given
    UserFactory(email="mei@example.com")
    assert [_login(client, f"wrong-password-{n}").status_code for n in range(4)] == [200] * 4
    assert _login(client, DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))

    # when
    statuses = [_login(client, f"wrong-password-{n}").status_code for n in range(4)]

    # then
    assert statuses == [200, 200, 200, 200]
