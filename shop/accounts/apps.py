from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shop.accounts"
    label = "accounts"
    # What the "Merchant staff" group may do with this app's models (manage.py ensure_groups).
    merchant_staff_permissions = {"merchant": ("view",)}
