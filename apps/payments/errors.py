"""Errors of the payments app. `services` re-exports them; other apps import them from there."""

from decimal import Decimal


class PaymentError(Exception):
    """Base of every payments error with a message fit for an admin or a log line."""


class PaymentNotFound(PaymentError):  # noqa: N818 - names of the contract (docs/buying.md)
    def __init__(self, payment_id: int) -> None:
        self.payment_id = payment_id
        super().__init__(f"payment {payment_id} does not exist")


class UnknownProvider(PaymentError):  # noqa: N818 - names of the contract (docs/buying.md)
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown payment provider {name!r}")


class InvalidRefundAmount(PaymentError):  # noqa: N818 - names of the contract (docs/buying.md)
    def __init__(self, amount: Decimal) -> None:
        self.amount = amount
        super().__init__(f"a refund amount must be positive with at most two decimals, got {amount}")


class RefundNotAllowed(PaymentError):  # noqa: N818 - names of the contract (docs/buying.md)
    """The payment is in a state that has captured nothing to refund (pending, failed, refunded)."""

    def __init__(self, payment_id: int, status: str) -> None:
        self.payment_id = payment_id
        self.status = status
        super().__init__(f"payment {payment_id} is {status}: nothing captured to refund")


class RefundExceedsCaptured(PaymentError):  # noqa: N818 - names of the contract (docs/buying.md)
    def __init__(self, payment_id: int, requested: Decimal, refundable: Decimal) -> None:
        self.payment_id = payment_id
        self.requested = requested
        self.refundable = refundable
        super().__init__(
            f"refund of {requested} refused for payment {payment_id}: only {refundable} is left to refund"
        )


class ProviderError(PaymentError):
    """The provider refused or could not be reached; nothing was recorded."""


class NotificationRejected(PaymentError):  # noqa: N818 - names of the contract (docs/buying.md)
    """A notification the endpoint must answer with 400. `reason` is safe to log (no secrets)."""

    reason = "rejected"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(f"{self.reason}: {detail}" if detail else self.reason)


class InvalidSignature(NotificationRejected):
    reason = "invalid signature"


class StaleNotification(NotificationRejected):
    reason = "stale timestamp"


class MalformedNotification(NotificationRejected):
    reason = "malformed notification"


class NotificationMismatch(NotificationRejected):
    reason = "notification does not match the payment"


class InvalidPaymentAmount(PaymentError):  # noqa: N818 - names of the contract (docs/buying.md)
    def __init__(self, amount: object) -> None:
        self.amount = amount
        super().__init__(
            f"a payment amount must be a positive Decimal with at most two decimals, got {amount!r}"
        )
