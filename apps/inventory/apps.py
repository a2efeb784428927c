from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "apps.inventory"
    label = "inventory"
    # "Merchant staff" group (manage.py ensure_groups): see and adjust their own stock; the
    # adjustment itself goes through stock_adjust, never a form save of the counters.
    merchant_staff_permissions = {
        "stockitem": ("view", "add", "change"),
        "stockmovement": ("view",),
    }
