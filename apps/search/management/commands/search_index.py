"""`manage.py search_index --rebuild`: rewrite the search entries from the catalog and rebuild the
active backend's index (PostgreSQL: the entries and their tsvectors are the index; Elasticsearch:
a fresh index swapped in behind the alias). `--product ID` re-indexes single products.

This command takes the name django-elasticsearch-dsl's own `search_index` has (apps.search comes
before it in INSTALLED_APPS, so this one wins): one command for both backends, as operators know
it. The library's index plumbing is still used underneath (its Document, its bulk update).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from apps.search.backends import backend_name
from apps.search.services import search_entries_sync, search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the product search index (PostgreSQL or Elasticsearch), or re-index some products."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Rewrite the whole index from the catalog."
        )
        parser.add_argument(
            "--product", type=int, action="append", default=[], help="Re-index this product id."
        )
        # Accepted for compatibility with django-elasticsearch-dsl's command; nothing to confirm here.
        parser.add_argument("-f", action="store_true", dest="force", help=argparse_suppress())

    def handle(self, *args, rebuild: bool, product: list[int], **options):
        if not rebuild and not product:
            raise CommandError("Say what to do: --rebuild, or --product ID (repeatable).")
        started = time.monotonic()
        if rebuild:
            report = search_index_rebuild(progress=self._progress)
        else:
            report = search_entries_sync(product_ids=product)
        self.stdout.write(
            self.style.SUCCESS(
                f"search index ({backend_name()}): {report.indexed} indexed, {report.removed} removed "
                f"in {time.monotonic() - started:.1f} s"
            )
        )

    def _progress(self, done: int) -> None:
        if done % 10_000 == 0:
            self.stdout.write(f"  {done} products…")


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS
