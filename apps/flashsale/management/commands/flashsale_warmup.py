from django.core.management.base import BaseCommand, CommandError

from apps.flashsale.redis_store import RedisUnavailable
from apps.flashsale.selectors import sale_live_state_get
from apps.flashsale.services import FlashSaleError, flash_sale_arm


class Command(BaseCommand):
    help = (
        "Arm a flash sale before it starts: set its units aside in inventory, load stock and meta into "
        "Redis, create the reservation Stream's consumer group. Safe to run again (reloads Redis if lost)."
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
