import pytest

from apps.shipping.signals import shipment_delivered


@pytest.fixture
def delivered_calls(monkeypatch):
    """Every shipment_delivered sent during the test, with the other apps' receivers (orders)
    detached: these tests are about when and how often shipping sends, not who listens."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    monkeypatch.setattr(shipment_delivered, "receivers", [])
    shipment_delivered.sender_receivers_cache.clear()
    shipment_delivered.connect(receiver, weak=False)
    yield calls
    shipment_delivered.disconnect(receiver)
    shipment_delivered.sender_receivers_cache.clear()
