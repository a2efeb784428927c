"""The sandbox gateway's hosted page: GET shows the amount, Pay/Decline lead to a signed
notification (delivered in-process by the eager task) that settles the payment."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.payments.models import Payment, PaymentNotification
from tests.apps.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def _page(payment) -> str:
    return reverse("payments:sandbox_pay", args=[payment.token])


def test_get_shows_the_amount_and_both_buttons(client):
    # given a pending sandbox payment
    payment = PaymentFactory(amount=Decimal("12.34"), currency="EUR")

    # when the hosted page is opened
    response = client.get(_page(payment))

    # then it shows the amount and the two choices
    content = response.content.decode()
    assert response.status_code == 200
    assert "12.34 EUR" in content
    assert 'value="pay"' in content
    assert 'value="decline"' in content


def test_pay_delivers_a_signed_notification_that_marks_the_payment_succeeded(
    client, django_capture_on_commit_callbacks, payment_signals
):
    # given a logged-in shopper with a pending payment
    payment = PaymentFactory(return_url="/orders/checkout/5/")
    client.force_login(payment.user)

    # when they press Pay
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_page(payment), {"action": "pay"})

    # then they go to the processing page, and the notification settled the payment (not the page)
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:processing", args=[payment.pk])
    payment.refresh_from_db()
    assert (payment.status, payment.sandbox_decision) == (Payment.Status.SUCCEEDED, "pay")
    notification = PaymentNotification.objects.get()
    assert (notification.kind, notification.applied, notification.event_id.startswith("sandbox:evt_")) == (
        "succeeded",
        True,
        True,
    )
    assert payment_signals.calls == [
        ("succeeded", {"payment_id": payment.pk, "checkout_id": payment.checkout_id})
    ]
    processing = client.get(response["Location"])
    assert processing.status_code == 200
    assert 'data-status="succeeded"' in processing.content.decode()
    assert 'href="/orders/checkout/5/"' in processing.content.decode()


def test_decline_marks_the_payment_failed(client, django_capture_on_commit_callbacks, payment_signals):
    # given a pending payment
    payment = PaymentFactory()

    # when the shopper presses Decline
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_page(payment), {"action": "decline"})

    # then the payment failed through the notification
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.FAILED
    assert [name for name, _ in payment_signals.calls] == ["failed"]


def test_a_second_press_sends_no_second_notification(
    client, django_capture_on_commit_callbacks, payment_signals
):
    # given a payment the shopper already paid
    payment = PaymentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_page(payment), {"action": "pay"})

    # when they go back and press Decline
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(_page(payment), {"action": "decline"})

    # then nothing is enqueued and the payment stays succeeded
    assert response.status_code == 302
    assert callbacks == []
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert PaymentNotification.objects.count() == 1
    assert client.get(_page(payment)).content.decode().count('value="pay"') == 0


def test_unknown_token_is_the_shops_404_page(client):
    # when a token that belongs to no payment is used
    response = client.get(reverse("payments:sandbox_pay", args=["not-a-real-token"]))
    posted = client.post(reverse("payments:sandbox_pay", args=["not-a-real-token"]), {"action": "pay"})

    # then 404 with the shop's page
    assert (response.status_code, posted.status_code) == (404, 404)
    assert "404.html" in [t.name for t in response.templates]


def test_an_unknown_action_is_a_400_with_a_message(client):
    payment = PaymentFactory()

    response = client.post(_page(payment), {"action": "steal"})

    assert response.status_code == 400
    assert "Choose Pay or Decline." in response.content.decode()
    assert Payment.objects.get(pk=payment.pk).sandbox_decision == ""


def test_processing_page_refreshes_while_pending_and_is_private(client):
    # given a pending payment of one shopper
    payment = PaymentFactory()
    url = reverse("payments:processing", args=[payment.pk])

    # when its owner, an anonymous visitor and another shopper open the processing page
    anonymous = client.get(url)
    client.force_login(payment.user)
    owner = client.get(url)
    client.force_login(PaymentFactory().user)
    other = client.get(url)

    # then the owner sees a refreshing page, the anonymous visitor is asked to log in, the other gets 404
    assert owner.status_code == 200
    assert '<meta http-equiv="refresh" content="3">' in owner.content.decode()
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("return_url", "shown"),
    [
        ("https://shop.example/orders/checkout/9/", True),
        ("https://evil.example/phish/", False),
    ],
)
def test_processing_page_links_back_only_to_the_shop(client, settings, return_url, shown):
    # given a settled payment whose return URL is on the shop's site, or on another one
    settings.SHOP_SITE_URL = "https://shop.example"
    payment = PaymentFactory(status=Payment.Status.FAILED, return_url=return_url)
    client.force_login(payment.user)

    # when its owner opens the processing page
    content = client.get(reverse("payments:processing", args=[payment.pk])).content.decode()

    # then the link back is there only for the shop's own URL
    assert (f'href="{return_url}"' in content) is shown
    assert "Your payment did not go through." in content
