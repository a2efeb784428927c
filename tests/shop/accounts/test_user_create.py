import pytest
from django.core.exceptions import ValidationError

from shop.accounts.models import User
from shop.accounts.services import user_create, user_update_profile
from shop.accounts.signals import user_signed_up
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_user_create_normalises_email_and_sets_password():
    # when
    user = user_create(email="  Mei.Chen@Example.com ", password="plum-blossom-42", full_name=" Mei Chen ")

    # then
    stored = User.objects.get(pk=user.pk)
    assert stored.email == "mei.chen@example.com"
    assert stored.full_name == "Mei Chen"
    assert stored.check_password("plum-blossom-42") is True
    assert stored.is_staff is False


def test_user_create_refuses_duplicate_email_in_other_case():
    # given
    UserFactory(email="mei@example.com")

    # when
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="MEI@Example.com", password="plum-blossom-42", full_name="")

    # then
    assert excinfo.value.message_dict == {"email": ["An account with this e-mail address already exists."]}
    assert User.objects.filter(email__iexact="mei@example.com").count() == 1


def test_user_create_refuses_weak_password_with_django_validators():
    # when
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="mei@example.com", password="12345", full_name="")

    # then
    assert excinfo.value.message_dict == {
        "password": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    assert User.objects.count() == 0


def test_user_create_refuses_password_too_similar_to_email():
    # when
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="lotusflower@example.com", password="lotusflower", full_name="")

    # then
    assert excinfo.value.message_dict == {"password": ["The password is too similar to the e-mail address."]}


def test_user_create_sends_user_signed_up_after_commit(django_capture_on_commit_callbacks):
    # given
    received = []

    def receiver(sender, user_id, **kwargs):
        received.append(user_id)

    user_signed_up.connect(receiver)
    try:
        # when
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            user = user_create(email="mei@example.com", password="plum-blossom-42", full_name="")
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        user_signed_up.disconnect(receiver)

    # then
    assert received == [user.pk]


def test_user_update_profile_changes_full_name():
    # given
    user = UserFactory(full_name="Old Name")

    # when
    user_update_profile(user=user, full_name="  New Name ")

    # then
    user.refresh_from_db()
    assert user.full_name == "New Name"
