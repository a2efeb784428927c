from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "apps.orders"
    label = "orders"
    # "Merchant staff" group: view their orders and run the ship / cancel / refund actions
    # (which need "change"); orders are never added or deleted by hand.
    merchant_staff_permissions = {
        "order": ("view", "change"),
        "orderline": ("view",),
        "orderevent": ("view",),
    }

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects payment, shipping and notification receivers
