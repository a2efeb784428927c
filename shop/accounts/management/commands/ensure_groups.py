"""`manage.py ensure_groups`: create or repair the two admin groups, with least privilege.

Idempotent: it sets each group's permissions to exactly the list below, adding what is missing and
removing what should not be there, so running it after every deploy (after `migrate`) is safe.
It is a command rather than a data migration because the permissions it grants belong to many
apps, which gain models over time; a migration in `shop.accounts` would have to depend on every
business app's migrations (the public-service layer must not depend on the business layer).

* "Merchant staff": the union of each installed app's `merchant_staff_permissions` declared on
  its AppConfig, e.g. `{"product": ("view", "add", "change", "delete"), "brand": ("view",)}`.
  Nothing else. What a merchant may see of those models is narrowed further by
  `shop.accounts.admin_scoping` (their own merchants only).
* "Platform staff": every permission of every model of the shop's own apps (under `shop.` and
  `apps.`); none of Django's own (auth, sessions, admin log...). Superusers need no group.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shop.accounts.selectors import MERCHANT_STAFF_GROUP, PLATFORM_STAFF_GROUP

SHOP_PACKAGES = ("shop.", "apps.")


def _merchant_staff_permissions() -> list[Permission]:
    wanted: list[tuple[str, str, str]] = []
    for app_config in apps.get_app_configs():
        declared = getattr(app_config, "merchant_staff_permissions", {})
        for model_name, actions in declared.items():
            wanted.extend((app_config.label, model_name, f"{action}_{model_name}") for action in actions)
    permissions = []
    for app_label, model_name, codename in wanted:
        try:
            permissions.append(
                Permission.objects.get(
                    content_type__app_label=app_label, content_type__model=model_name, codename=codename
                )
            )
        except Permission.DoesNotExist as exc:
            raise CommandError(f"{app_label}.{codename} does not exist; is the model installed?") from exc
    return permissions


def _platform_staff_permissions() -> list[Permission]:
    models = [
        model
        for app_config in apps.get_app_configs()
        if app_config.name.startswith(SHOP_PACKAGES)
        for model in app_config.get_models()
    ]
    content_types = ContentType.objects.get_for_models(*models).values()
    return list(Permission.objects.filter(content_type__in=content_types))


class Command(BaseCommand):
    help = 'Create or repair the "Merchant staff" and "Platform staff" groups and their permissions.'

    def handle(self, *args, **options):
        # Permission rows are normally made by `migrate`; make them here too so the command also
        # works right after a model was added or on a database migrated with --run-syncdb.
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        with transaction.atomic():
            for name, permissions in (
                (MERCHANT_STAFF_GROUP, _merchant_staff_permissions()),
                (PLATFORM_STAFF_GROUP, _platform_staff_permissions()),
            ):
                group, _created = Group.objects.get_or_create(name=name)
                group.permissions.set(permissions)
                self.stdout.write(f"{name}: {len(permissions)} permissions")
