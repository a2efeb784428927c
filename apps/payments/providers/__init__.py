"""Payment gateway adapters behind one interface (`base.PaymentProvider`), looked up by name."""

from apps.payments.providers.base import Notification, PaymentProvider, provider_get, provider_names

__all__ = ["Notification", "PaymentProvider", "provider_get", "provider_names"]
