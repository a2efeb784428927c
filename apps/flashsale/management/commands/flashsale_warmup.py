from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.flashsale.publishing import KIND
from apps.flashsale.redis_store import RedisUnavailable
from apps.flashsale.selectors import sale_live_state_get
from apps.flashsale.services import FlashSaleError, flash_sale_arm
from shop.publishing.render import PageNotPublishableError
from shop.publishing.services import pages_publish_for


class Command(BaseCommand):
    help = (
        "Arm a flash sale before it starts: set its units aside in inventory, load stock and meta into "
        "Redis, create the reservation Stream's consumer group, publish the sale page as a static file. "
        "Safe to run again (reloads Redis if lost, re-publishes the page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("sale_id", type=int)

    def handle(self, *args, sale_id, **options):
        try:
            outcome = flash_sale_arm(sale_id=sale_id)
        except (FlashSaleError, *RedisUnavailable) as exc:
            raise CommandError(f"sale {sale_id}: {exc}") from exc
        state = sale_live_state_get(sale_id=sale_id)
        self.stdout.write(
            self.style.SUCCESS(
                f"sale {sale_id}: {outcome}; state {state.state}, {state.units_left} of {state.units} units left"
            )
        )
        self._publish(sale_id)

    def _publish(self, sale_id: int) -> None:
        # The arming also enqueued it for a worker; here the operator sees it done (an unchanged
        # page is not written twice).
        if not getattr(settings, "PUBLISHING_ENABLED", False):
            self.stdout.write("sale page not published: PUBLISHING_ENABLED is off")
            return
        try:
            report = pages_publish_for(kind=KIND, object_id=sale_id)
        except (PageNotPublishableError, OSError) as exc:
            raise CommandError(f"sale {sale_id}: the page could not be published: {exc}") from exc
        for path in report.written + report.unchanged:
            self.stdout.write(f"  published {path}")
        self.stdout.write(self.style.SUCCESS(f"sale page: {report}"))
