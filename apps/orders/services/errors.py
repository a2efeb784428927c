"""Refusals of the orders services; str(error) is a message fit for the shopper or the merchant."""

from decimal import Decimal

from django.utils.translation import gettext as _

from ..state import IllegalTransition, OrderNotFound

__all__ = [
    "AddressInvalid",
    "CartChanged",
    "CartEmpty",
    "CheckoutError",
    "IdempotencyKeyInvalid",
    "IllegalTransition",
    "OrderNotFound",
    "OutOfStock",
    "RefundInvalid",
    "ShippingMethodInvalid",
    "TotalMismatch",
]


class CheckoutError(Exception):
    """Nothing was written; the message says why."""


class IdempotencyKeyInvalid(CheckoutError):  # noqa: N818 - domain words
    def __init__(self):
        super().__init__(_("The checkout form has expired; please review your order and try again."))


class CartEmpty(CheckoutError):  # noqa: N818 - domain words
    def __init__(self):
        super().__init__(_("Your cart is empty."))


class CartChanged(CheckoutError):  # noqa: N818 - domain words
    def __init__(self, notices: tuple[str, ...]):
        self.notices = notices
        super().__init__(" ".join(notices))


class AddressInvalid(CheckoutError):  # noqa: N818 - domain words
    def __init__(self):
        super().__init__(_("Choose one of your delivery addresses."))


class ShippingMethodInvalid(CheckoutError):  # noqa: N818 - domain words
    def __init__(self, merchant_name: str):
        super().__init__(_("Choose a shipping method offered by %(merchant)s.") % {"merchant": merchant_name})


class OutOfStock(CheckoutError):  # noqa: N818 - domain words
    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            _("Not enough stock left for: %(names)s. Your cart has been updated.")
            % {"names": ", ".join(names)}
        )


class TotalMismatch(CheckoutError):  # noqa: N818 - domain words
    def __init__(self, *, expected: Decimal, actual: Decimal, currency: str):
        self.expected, self.actual = expected, actual
        super().__init__(
            _(
                "The total is %(actual)s %(currency)s, not %(expected)s %(currency)s. Please review your order."
            )
            % {"actual": actual, "expected": expected, "currency": currency}
        )


class RefundInvalid(Exception):  # noqa: N818 - domain words
    """A refund the order cannot take (amount, status, nothing paid)."""
