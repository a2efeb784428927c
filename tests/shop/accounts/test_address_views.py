import pytest
from django.urls import reverse

from shop.accounts.models import Address
from shop.accounts.services import address_create
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("accounts:address_list")
CREATE_URL = reverse("accounts:address_create")

FORM_DATA = {
    "full_name": "Mei Chen",
    "line1": "1 Lotus Road",
    "line2": "Flat 3",
    "city": "Hangzhou",
    "postal_code": "310000",
    "country": "cn",
    "phone": "+86 571 1234 5678",
}


def _address(user, name="Mei Chen"):
    return address_create(
        user=user, full_name=name, line1="1 Lotus Road", city="Hangzhou", postal_code="310000", country="CN"
    )


def _snapshot(user):
    return list(
        Address.objects.filter(user=user).order_by("pk").values_list("pk", "full_name", "city", "is_default")
    )


@pytest.mark.parametrize(
    ("method", "url_name", "takes_pk"),
    [
        ("get", "accounts:address_list", False),
        ("get", "accounts:address_create", False),
        ("get", "accounts:address_update", True),
        ("post", "accounts:address_delete", True),
        ("post", "accounts:address_set_default", True),
    ],
)
def test_address_pages_require_login(client, method, url_name, takes_pk):
    # given
    url = reverse(url_name, args=[1]) if takes_pk else reverse(url_name)

    # when
    response = getattr(client, method)(url)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_address_list_shows_only_own_addresses_default_first(client):
    # given
    user, other = UserFactory(), UserFactory()
    _address(user, name="First Home")
    _address(user, name="Second Home")
    _address(other, name="Stranger")
    client.force_login(user)

    # when
    response = client.get(LIST_URL)

    # then
    assert response.status_code == 200
    assert [a.full_name for a in response.context["addresses"]] == ["First Home", "Second Home"]
    assert "Stranger" not in response.content.decode()


def test_address_list_when_empty(client):
    # given
    client.force_login(UserFactory())

    # when
    response = client.get(LIST_URL)

    # then
    assert response.status_code == 200
    assert "You have not saved any address yet." in response.content.decode()


def test_create_address(client):
    # given
    user = UserFactory()
    client.force_login(user)

    # when
    response = client.post(CREATE_URL, FORM_DATA)

    # then
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    address = Address.objects.get(user=user)
    assert (address.full_name, address.line1, address.line2, address.city, address.postal_code) == (
        "Mei Chen",
        "1 Lotus Road",
        "Flat 3",
        "Hangzhou",
        "310000",
    )
    assert (address.country, address.phone, address.is_default) == ("CN", "+86 571 1234 5678", True)


def test_create_address_from_checkout_goes_back_to_checkout(client):
    # given a shopper who followed checkout's "Add an address" link
    user = UserFactory()
    client.force_login(user)
    checkout_url = reverse("orders:checkout")
    page = client.get(CREATE_URL, {"next": checkout_url})

    # when they save the form, which carries the page to go back to
    response = client.post(CREATE_URL, {**FORM_DATA, "next": checkout_url})

    # then they are back at checkout with the new address
    assert f'<input type="hidden" name="next" value="{checkout_url}">' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == checkout_url
    assert Address.objects.filter(user=user).count() == 1


def test_create_address_never_sends_the_shopper_to_another_site(client):
    # given
    client.force_login(UserFactory())

    # when the posted next points elsewhere
    response = client.post(CREATE_URL, {**FORM_DATA, "next": "https://evil.example.com/"})

    # then it is ignored
    assert response.status_code == 302
    assert response["Location"] == LIST_URL


def test_create_address_as_new_default(client):
    # given
    user = UserFactory()
    _address(user, name="Old Default")
    client.force_login(user)

    # when
    client.post(CREATE_URL, {**FORM_DATA, "full_name": "New Default", "make_default": "on"})

    # then
    assert list(Address.objects.filter(user=user, is_default=True).values_list("full_name", flat=True)) == [
        "New Default"
    ]


def test_create_address_with_bad_input_shows_errors(client):
    # given
    user = UserFactory()
    client.force_login(user)

    # when
    response = client.post(CREATE_URL, {**FORM_DATA, "city": "", "country": "China", "phone": "call me"})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "city": ["This field is required."],
        "country": [
            "Ensure this value has at most 2 characters (it has 5).",
            "Enter a two-letter country code, e.g. US or CN.",
        ],
        "phone": ["Enter a phone number of digits, spaces, dashes or brackets, optionally starting with +."],
    }
    assert "This field is required." in response.content.decode()
    assert Address.objects.count() == 0


def test_update_address(client):
    # given
    user = UserFactory()
    address = _address(user)
    client.force_login(user)
    url = reverse("accounts:address_update", args=[address.pk])

    # when
    page = client.get(url)
    response = client.post(url, {**FORM_DATA, "city": "Shanghai", "postal_code": "200000"})

    # then
    assert page.status_code == 200
    assert 'value="Hangzhou"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    address.refresh_from_db()
    assert (address.city, address.postal_code, address.line2, address.is_default) == (
        "Shanghai",
        "200000",
        "Flat 3",
        True,
    )


def test_update_address_with_bad_input_changes_nothing(client):
    # given
    user = UserFactory()
    address = _address(user)
    client.force_login(user)

    # when
    response = client.post(reverse("accounts:address_update", args=[address.pk]), {**FORM_DATA, "line1": ""})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"line1": ["This field is required."]}
    address.refresh_from_db()
    assert address.line1 == "1 Lotus Road"


def test_delete_address(client):
    # given
    user = UserFactory()
    first = _address(user, name="First")
    _address(user, name="Second")
    client.force_login(user)

    # when
    response = client.post(reverse("accounts:address_delete", args=[first.pk]))

    # then
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert [(name, default) for _, name, _, default in _snapshot(user)] == [("Second", True)]


def test_delete_and_set_default_refuse_get(client):
    # given
    user = UserFactory()
    address = _address(user)
    client.force_login(user)

    # when
    delete = client.get(reverse("accounts:address_delete", args=[address.pk]))
    set_default = client.get(reverse("accounts:address_set_default", args=[address.pk]))

    # then
    assert (delete.status_code, set_default.status_code) == (405, 405)
    assert Address.objects.filter(pk=address.pk).exists()


def test_set_default_address(client):
    # given
    user = UserFactory()
    _address(user, name="First")
    second = _address(user, name="Second")
    client.force_login(user)

    # when
    response = client.post(reverse("accounts:address_set_default", args=[second.pk]))

    # then
    assert response.status_code == 302
    assert [(name, default) for _, name, _, default in _snapshot(user)] == [
        ("First", False),
        ("Second", True),
    ]


@pytest.mark.parametrize(
    ("method", "url_name", "data"),
    [
        ("get", "accounts:address_update", None),
        ("post", "accounts:address_update", {**FORM_DATA, "city": "Stolen City"}),
        ("post", "accounts:address_delete", None),
        ("post", "accounts:address_set_default", None),
    ],
)
def test_another_users_address_is_404_and_unchanged(client, method, url_name, data):
    # given
    owner, intruder = UserFactory(), UserFactory()
    _address(owner, name="Owner Home")
    target = _address(owner, name="Owner Office")
    _address(intruder, name="Intruder Home")
    before_owner, before_intruder = _snapshot(owner), _snapshot(intruder)
    client.force_login(intruder)

    # when
    url = reverse(url_name, args=[target.pk])
    response = client.get(url) if method == "get" else client.post(url, data or {})

    # then
    assert response.status_code == 404
    assert _snapshot(owner) == before_owner
    assert _snapshot(intruder) == before_intruder


def test_unknown_address_pk_is_404(client):
    # given
    client.force_login(UserFactory())

    # when
    response = client.post(reverse("accounts:address_set_default", args=[999999]))

    # then
    assert response.status_code == 404
