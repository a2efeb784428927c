import logging

import pytest
from django.core.exceptions import ValidationError

from shop.accounts.models import Address
from shop.accounts.services import address_create, address_delete, address_set_default, address_update
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create(user, name="Mei Chen", **overrides):
    data = {
        "full_name": name,
        "line1": "1 Lotus Road",
        "city": "Hangzhou",
        "postal_code": "310000",
        "country": "cn",
        "phone": "+86 571 1234 5678",
    }
    data.update(overrides)
    return address_create(user=user, **data)


def _defaults(user):
    return list(Address.objects.filter(user=user, is_default=True).values_list("full_name", flat=True))


def test_first_address_becomes_default_and_country_is_upper_case():
    # given
    user = UserFactory()

    # when
    address = _create(user)

    # then
    address.refresh_from_db()
    assert address.is_default is True
    assert address.country == "CN"
    assert address.phone == "+86 571 1234 5678"


def test_second_address_is_not_default_unless_asked():
    # given
    user = UserFactory()
    _create(user, name="first")

    # when
    _create(user, name="second")
    _create(user, name="third", make_default=True)

    # then
    assert _defaults(user) == ["third"]
    assert Address.objects.filter(user=user).count() == 3


def test_set_default_leaves_exactly_one_default():
    # given
    user = UserFactory()
    _create(user, name="first")
    second = _create(user, name="second")

    # when
    address_set_default(user=user, address_id=second.pk)

    # then
    assert _defaults(user) == ["second"]


def test_defaults_of_other_users_are_untouched():
    # given
    user, other = UserFactory(), UserFactory()
    _create(other, name="other's")
    _create(user, name="first")
    second = _create(user, name="second")

    # when
    address_set_default(user=user, address_id=second.pk)

    # then
    assert _defaults(other) == ["other's"]


def test_deleting_the_default_promotes_the_newest_remaining_address():
    # given
    user = UserFactory()
    first = _create(user, name="first")
    _create(user, name="second")
    _create(user, name="third")

    # when
    address_delete(user=user, address_id=first.pk)

    # then
    assert _defaults(user) == ["third"]
    assert Address.objects.filter(user=user).count() == 2


def test_deleting_a_non_default_keeps_the_default():
    # given
    user = UserFactory()
    _create(user, name="first")
    second = _create(user, name="second")

    # when
    address_delete(user=user, address_id=second.pk)

    # then
    assert _defaults(user) == ["first"]


def test_deleting_the_last_address_leaves_none():
    # given
    user = UserFactory()
    only = _create(user)

    # when
    address_delete(user=user, address_id=only.pk)

    # then
    assert Address.objects.filter(user=user).count() == 0


def test_address_update_changes_fields_and_keeps_default():
    # given
    user = UserFactory()
    address = _create(user)

    # when
    address_update(user=user, address_id=address.pk, city="Shanghai", country="cn", postal_code="200000")

    # then
    address.refresh_from_db()
    assert (address.city, address.country, address.postal_code, address.is_default) == (
        "Shanghai",
        "CN",
        "200000",
        True,
    )


def test_address_update_refuses_unknown_fields():
    # given
    user = UserFactory()
    address = _create(user)

    # when / then
    with pytest.raises(TypeError, match="is_default"):
        address_update(user=user, address_id=address.pk, is_default=False)


def test_address_create_validates_the_model():
    # given
    user = UserFactory()

    # when
    with pytest.raises(ValidationError) as excinfo:
        _create(user, city="")

    # then
    assert excinfo.value.message_dict == {"city": ["This field cannot be blank."]}
    assert Address.objects.count() == 0


@pytest.mark.parametrize("service", [address_update, address_delete, address_set_default])
def test_services_refuse_another_users_address(service):
    # given
    owner, intruder = UserFactory(), UserFactory()
    address = _create(owner)

    # when / then
    with pytest.raises(Address.DoesNotExist):
        service(user=intruder, address_id=address.pk)
    address.refresh_from_db()
    assert (address.city, address.is_default) == ("Hangzhou", True)


def test_address_services_never_log_personal_data(caplog):
    # given
    user = UserFactory()
    caplog.set_level(logging.DEBUG, logger="shop.accounts")

    # when
    address = _create(user, line1="88 Secret Lane", phone="+86 999 0000")
    address_update(user=user, address_id=address.pk, phone="+86 111 2222")
    address_set_default(user=user, address_id=address.pk)
    address_delete(user=user, address_id=address.pk)

    # then
    assert [r.getMessage() for r in caplog.records] == [
        "address created",
        "address updated",
        "default address set",
        "address deleted",
    ]
    dumped = " ".join(str(r.__dict__) for r in caplog.records)
    for secret in ("88 Secret Lane", "999 0000", "111 2222", "Hangzhou", "Mei Chen"):
        assert secret not in dumped
