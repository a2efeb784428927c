from django.core.management.base import BaseCommand, CommandError

from apps.flashsale.models import FlashSale
from apps.flashsale.redis_store import RedisUnavailable
from apps.flashsale.services import FlashSaleError, flash_sale_reconcile


class Command(BaseCommand):
    help = (
        "Check, per sale, units = left in Redis + in flight in the Stream + ordered (pending payment or "
        "paid) and report drift; --rebuild pauses the sale, rebuilds Redis from PostgreSQL and resumes it. "
        "Exit status 1 when a drift remains."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "sale_ids", nargs="*", type=int, help="sales to check (default: armed, live, paused)"
        )
        parser.add_argument("--rebuild", action="store_true", help="rebuild Redis from PostgreSQL")

    def handle(self, *args, sale_ids, rebuild, **options):
        ids = sale_ids or list(
            FlashSale.objects.filter(state__in=("armed", "live", "paused")).values_list("pk", flat=True)
        )
        drifting = 0
        for sale_id in ids:
            try:
                report = flash_sale_reconcile(sale_id=sale_id, rebuild=rebuild)
            except (FlashSaleError, *RedisUnavailable) as exc:
                raise CommandError(f"sale {sale_id}: {exc}") from exc
            line = (
                f"sale {report.sale_id} [{report.state}] units {report.units} = redis {report.redis_stock}"
                f" + in flight {report.in_flight} + ordered {report.ordered} (paid {report.paid});"
                f" drift {report.drift}; db: left {report.units_left_db} returned {report.units_returned}"
                f" db drift {report.db_drift}; expired {report.expired} failed {report.failed}"
            )
            if not report.redis_present:
                line += "; Redis holds no data"
            if report.rebuilt:
                line += "; rebuilt (" + ", ".join(report.notes) + ")"
            self.stdout.write(self.style.SUCCESS(line) if report.ok else self.style.ERROR(line))
            drifting += 0 if report.ok else 1
        if drifting:
            raise CommandError(f"{drifting} sale(s) drift", returncode=1)
