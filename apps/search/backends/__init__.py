"""The search backend chosen by settings.SEARCH_BACKEND: "elasticsearch", "postgres", "simple",
or "auto" (the default): Elasticsearch when ELASTICSEARCH_URL is set, else PostgreSQL full-text
search on PostgreSQL, else the simple match the SQLite demo uses."""

from django.conf import settings
from django.db import connection

from .base import SearchBackend

BACKENDS = {
    "elasticsearch": "apps.search.backends.elasticsearch.ElasticsearchBackend",
    "postgres": "apps.search.backends.postgres.PostgresBackend",
    "simple": "apps.search.backends.simple.SimpleBackend",
}


def backend_name() -> str:
    chosen = getattr(settings, "SEARCH_BACKEND", "auto") or "auto"
    if chosen != "auto":
        if chosen not in BACKENDS:
            raise ValueError(f"unknown SEARCH_BACKEND {chosen!r}; one of auto, {', '.join(BACKENDS)}")
        return chosen
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        return "elasticsearch"
    return "postgres" if connection.vendor == "postgresql" else "simple"


def backend_get() -> SearchBackend:
    from django.utils.module_loading import import_string

    return import_string(BACKENDS[backend_name()])()


__all__ = ["BACKENDS", "SearchBackend", "backend_get", "backend_name"]
