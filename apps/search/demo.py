"""Demo data of search: the index of whatever the catalog seeded (seed_demo calls this after the
catalog and inventory, following INSTALLED_APPS). Idempotent: a rebuild rewrites the same rows."""

from .backends import backend_name
from .services import search_index_rebuild


def search_seed_demo(*, products: int) -> str:
    report = search_index_rebuild()
    return f"search index ({backend_name()}): {report.indexed} products"
