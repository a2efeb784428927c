from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "apps.search"
    label = "search"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - enqueues re-indexing when catalog rows change
