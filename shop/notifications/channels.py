"""Delivery channels behind one interface. `NOTIFICATION_CHANNELS` maps a name to a Channel class,
so SMS and webhook channels plug in later without touching the callers."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body_text: str
    body_html: str
    kind: str  # the template name, e.g. "order_paid"
    notification_id: int | None = None
    trace_id: str = ""


class UnknownChannelError(LookupError):
    pass


class Channel:
    """Sends one message or raises; the caller retries. Subclasses must be safe to instantiate
    per delivery (no state shared between deliveries)."""

    name = ""

    def send(self, message: Message) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"

    def send(self, message: Message) -> None:
        headers = {}
        if message.trace_id:
            headers["X-Trace-Id"] = message.trace_id
        if message.notification_id is not None:
            headers["X-Notification-Id"] = str(message.notification_id)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers=headers,
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        email.send(fail_silently=False)


def channel_names() -> tuple[str, ...]:
    return tuple(settings.NOTIFICATION_CHANNELS)


def channel_get(name: str) -> Channel:
    path = settings.NOTIFICATION_CHANNELS.get(name)
    if not path:
        raise UnknownChannelError(f"unknown notification channel {name!r}")
    return import_string(path)()
