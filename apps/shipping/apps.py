from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "apps.shipping"
    label = "shipping"
    # Granted to the "Merchant staff" group by `manage.py ensure_groups`; the admin narrows each to
    # the merchant's own rows. Shipments are created by shipping an order, not by hand.
    merchant_staff_permissions = {
        "shippingmethod": ("view", "add", "change", "delete"),
        "shipment": ("view",),
        "trackingevent": ("view", "add"),
    }
