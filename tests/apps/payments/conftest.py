"""Fixtures of the payments tests: a known sandbox secret and a recorder of the payments signals."""

import pytest

from apps.payments import signals
from tests.apps.payments.helpers import SECRET


@pytest.fixture(autouse=True)
def _sandbox_secret(settings):
    settings.SHOP_PAYMENT_SANDBOX_SECRET = SECRET


class SignalRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def receiver(self, name):
        def _receive(sender, signal, **kwargs):
            self.calls.append((name, kwargs))

        return _receive


@pytest.fixture
def payment_signals():
    recorder = SignalRecorder()
    receivers = {
        signals.payment_succeeded: recorder.receiver("succeeded"),
        signals.payment_failed: recorder.receiver("failed"),
        signals.payment_refunded: recorder.receiver("refunded"),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver, weak=False)
    yield recorder
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)
