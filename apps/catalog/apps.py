from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    label = "catalog"
    # What the "Merchant staff" group may do with this app's models (manage.py ensure_groups).
    # Merchants own their products; categories, brands and attributes are the platform's.
    merchant_staff_permissions = {
        "product": ("view", "add", "change", "delete"),
        "productimage": ("view", "add", "change", "delete"),
        "variant": ("view", "add", "change", "delete"),
        "category": ("view",),
        "brand": ("view",),
        "attribute": ("view",),
        "attributevalue": ("view",),
    }

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - cache invalidation and re-publishing after writes
