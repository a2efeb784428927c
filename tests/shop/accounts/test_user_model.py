import pytest

from shop.accounts.models import User


def test_email_is_the_username_field():
    # then
    assert User.USERNAME_FIELD == "email"
    assert User.EMAIL_FIELD == "email"
    assert User.REQUIRED_FIELDS == []


@pytest.mark.django_db
def test_create_user_stores_lower_case_email_and_hashed_password():
    # when
    user = User.objects.create_user(email="Ann.Lee@Example.COM", password="a-long-secret-1")

    # then
    user.refresh_from_db()
    assert user.email == "ann.lee@example.com"
    assert user.check_password("a-long-secret-1") is True
    assert user.password != "a-long-secret-1"
    assert user.is_staff is False
    assert user.is_superuser is False
    assert user.is_active is True


@pytest.mark.django_db
def test_create_user_without_email_is_refused():
    # when / then
    with pytest.raises(ValueError, match="e-mail address is required"):
        User.objects.create_user(email="", password="a-long-secret-1")


@pytest.mark.django_db
def test_create_superuser_is_staff_and_superuser():
    # when
    admin = User.objects.create_superuser(email="root@example.com", password="a-long-secret-1")

    # then
    admin.refresh_from_db()
    assert admin.is_staff is True
    assert admin.is_superuser is True
    assert admin.check_password("a-long-secret-1") is True


@pytest.mark.django_db
def test_names_fall_back_to_email():
    # given
    nameless = User.objects.create_user(email="nameless@example.com", password="x")
    named = User.objects.create_user(email="named@example.com", password="x", full_name="Mei Chen")

    # then
    assert nameless.get_full_name() == "nameless@example.com"
    assert nameless.get_short_name() == "nameless@example.com"
    assert named.get_full_name() == "Mei Chen"
    assert named.get_short_name() == "Mei"
    assert str(named) == "named@example.com"
