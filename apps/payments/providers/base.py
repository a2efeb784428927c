"""The interface every payment gateway adapter implements, and the registry of adapters by name.

The shop never sees card data: `start` returns a URL on the provider's side (a hosted page) and the
provider tells the shop the outcome in a signed server-to-server notification, which
`verify_notification` checks before anything changes.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from apps.payments.errors import InvalidSignature, MalformedNotification, StaleNotification, UnknownProvider

if TYPE_CHECKING:
    from apps.payments.models import Payment

__all__ = [
    "InvalidSignature",
    "MalformedNotification",
    "Notification",
    "PaymentProvider",
    "StaleNotification",
    "provider_get",
    "provider_names",
]

# How old a signed notification may be, and how far ahead of our clock (skew) it may claim to be.
MAX_AGE_SECONDS = 300
MAX_SKEW_SECONDS = 30

KIND_SUCCEEDED = "succeeded"
KIND_FAILED = "failed"
KIND_IGNORED = "ignored"


@dataclass(frozen=True)
class Notification:
    """A verified notification in the shop's terms.

    kind: "succeeded", "failed" or "ignored" (an event type the shop does not act on).
    provider_ref: the provider's reference of the captured money (used to refund later).
    """

    event_id: str
    kind: str
    provider_ref: str
    amount: Decimal | None
    currency: str
    payment_id: int | None
    payload: dict


class PaymentProvider(abc.ABC):
    name: str

    @abc.abstractmethod
    def start(self, payment: Payment) -> tuple[str, str]:
        """Open the payment at the provider; return (redirect_url, provider_ref)."""

    @abc.abstractmethod
    def verify_notification(self, raw_body: bytes, headers: Mapping[str, str]) -> Notification:
        """Check the signature and freshness of a notification, then parse it.

        Raises InvalidSignature, StaleNotification or MalformedNotification.
        """

    @abc.abstractmethod
    def refund(self, payment: Payment, amount: Decimal, *, idempotency_key: str) -> str:
        """Give `amount` back at the provider; return the provider's refund reference."""


def signature_header_parse(header: str | None) -> tuple[int, list[str]]:
    """Parse `t=<unix ts>,v1=<hex>[,v1=<hex>...]` (the scheme the sandbox shares with Stripe)."""
    if not header:
        raise InvalidSignature("missing signature header")
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise InvalidSignature("malformed signature header")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise InvalidSignature("malformed signature header") from None
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature("malformed signature header")
    return timestamp, signatures


def timestamp_check(timestamp: int, *, now: float) -> None:
    if timestamp < now - MAX_AGE_SECONDS:
        raise StaleNotification("timestamp older than 5 minutes")
    if timestamp > now + MAX_SKEW_SECONDS:
        raise StaleNotification("timestamp in the future")


def provider_names() -> tuple[str, ...]:
    return tuple(_registry())


def provider_get(name: str) -> PaymentProvider:
    try:
        factory = _registry()[name]
    except KeyError:
        raise UnknownProvider(name) from None
    return factory()


def _registry() -> dict[str, type[PaymentProvider]]:
    from apps.payments.providers.sandbox import SandboxProvider
    from apps.payments.providers.stripe_checkout import StripeProvider

    return {SandboxProvider.name: SandboxProvider, StripeProvider.name: StripeProvider}
