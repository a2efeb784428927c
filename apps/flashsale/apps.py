from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashsaleConfig(AppConfig):
    name = "apps.flashsale"
    label = "flashsale"
    verbose_name = _("Flash sales")
    # What the "Merchant staff" group may do here (manage.py ensure_groups); rows are still
    # scoped to the merchant's own by the admin mixins.
    merchant_staff_permissions = {
        "flashsale": ("add", "change", "view", "delete"),
        "reservation": ("view",),
    }

    def ready(self) -> None:
        from . import metrics, receivers  # noqa: F401 - receivers connect on import

        metrics.collector_register()
