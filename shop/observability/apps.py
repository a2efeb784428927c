from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "shop.observability"
    label = "observability"

    def ready(self) -> None:
        # Register the shop's metrics at start, so /metrics lists them (at 0) before their first use.
        from . import metrics  # noqa: F401
