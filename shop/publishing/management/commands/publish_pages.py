"""`manage.py publish_pages [--all | --product ID | --category ID | --kind KIND --id ID]`: render
pages to static files (with .gz and .br twins) under PUBLISHED_ROOT or the configured storage."""

from django.core.management.base import BaseCommand, CommandError

from shop.publishing.render import PageNotPublishableError
from shop.publishing.services import pages_publish_all, pages_publish_for


class Command(BaseCommand):
    help = "Publish pages as static files for whitenoise, nginx or a CDN."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--all", action="store_true", help="every page of every page source")
        group.add_argument("--product", type=int, metavar="ID", help="the pages one product appears on")
        group.add_argument("--category", type=int, metavar="ID", help="the pages of one category")
        group.add_argument("--kind", help="a page source's own kind of object (with --id)")
        parser.add_argument("--id", type=int, dest="object_id", help="the object id for --kind")
        parser.add_argument(
            "--background", action="store_true", help="enqueue it for a Celery worker (queue publishing)"
        )

    def handle(self, *args, **options):
        if options["background"]:
            self._enqueue(options)
            return
        try:
            if options["all"]:
                report = pages_publish_all()
            else:
                kind, object_id = self._target(options)
                report = pages_publish_for(kind=kind, object_id=object_id)
        except PageNotPublishableError as exc:
            raise CommandError(str(exc)) from exc
        for path in report.written:
            self.stdout.write(f"  written {path}")
        for path in report.removed:
            self.stdout.write(f"  removed {path}")
        self.stdout.write(self.style.SUCCESS(str(report)))
        if not report.purged:
            self.stderr.write("the CDN purge failed (see the log); the pages' max-age bounds the delay")

    def _enqueue(self, options) -> None:
        from shop.publishing.tasks import pages_publish_all_task, pages_publish_for_task

        if options["all"]:
            pages_publish_all_task.delay()
        else:
            kind, object_id = self._target(options)
            pages_publish_for_task.delay(kind=kind, object_id=object_id)
        self.stdout.write(self.style.SUCCESS("enqueued for a Celery worker (queue publishing)"))

    @staticmethod
    def _target(options) -> tuple[str, int]:
        if options["product"] is not None:
            return "product", options["product"]
        if options["category"] is not None:
            return "category", options["category"]
        if options["object_id"] is None:
            raise CommandError("--kind needs --id")
        return options["kind"], options["object_id"]
