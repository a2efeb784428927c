import pytest

from shop.notifications.masking import mask_email, mask_phone, mask_recipient


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("alice@example.com", "a***@example.com"),
        ("  Bob.Smith@mail.example.org ", "B***@mail.example.org"),
        ("not-an-address", "***"),
        ("@example.com", "***"),
        ("", "***"),
    ],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked


def test_mask_phone_keeps_the_last_four_digits():
    assert mask_phone("+86 138 0013 8000") == "***8000"
    assert mask_phone("12") == "***"


def test_mask_recipient_picks_by_shape():
    assert (mask_recipient("alice@example.com"), mask_recipient("+1 555 0100")) == (
        "a***@example.com",
        "***0100",
    )


@pytest.mark.django_db
def test_the_admin_list_shows_masked_recipients_to_platform_staff(admin_client):
    from django.urls import reverse

    from shop.notifications.models import NotificationLog

    NotificationLog.objects.create(
        idempotency_key="k1",
        channel="email",
        recipient="alice@example.com",
        template="order_paid",
        language="en",
        subject="Paid",
        body_text="Body",
    )

    response = admin_client.get(reverse("admin:notifications_notificationlog_changelist"))

    assert response.status_code == 200
    assert "a***@example.com" in response.text
    assert "alice@example.com" not in response.text
