"""`manage.py seed_demo`: load the demo data (logins, catalog, and whatever later apps add).

An orchestrator: for every installed app, in INSTALLED_APPS order, it calls `<label>_seed_demo`
from the app's `demo` module when there is one (shop.accounts.demo.accounts_seed_demo, then
apps.catalog.demo.catalog_seed_demo, ...). An app adds demo data by writing that one function, which
takes keyword-only options (`products`), is idempotent, and returns what to print: a list of lines
or one object whose str() is a line. Running the command twice creates nothing new.
"""

import importlib
import importlib.util
import time
from collections.abc import Callable

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


def demo_seeders() -> list[tuple[str, Callable]]:
    seeders = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        if importlib.util.find_spec(module_name) is None:
            continue
        seeder = getattr(importlib.import_module(module_name), f"{app_config.label}_seed_demo", None)
        if seeder is not None:
            seeders.append((app_config.label, seeder))
    return seeders


class Command(BaseCommand):
    help = "Load demo merchants, logins and a catalog with pictures (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=1000, help="how many demo products (default 1000)"
        )

    def handle(self, *args, products: int, **options):
        if products < 0:
            raise CommandError("--products must be 0 or more")
        for label, seeder in demo_seeders():
            started = time.monotonic()
            result = seeder(products=products)
            lines = result if isinstance(result, list | tuple) else [result]
            for line in lines:
                self.stdout.write(f"  {line}")
            self.stdout.write(self.style.SUCCESS(f"{label}: done in {time.monotonic() - started:.1f}s"))
