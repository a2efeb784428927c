"""Prometheus metrics of flash sales (served at /metrics with the rest).

Counters are incremented where the event happens (web process: admissions through
shop.observability.metrics; worker: orders created, reservations failed, orders expired). With
PROMETHEUS_MULTIPROC_DIR set, prometheus_client sums them across the processes of one machine.

The per-sale gauges (units left in Redis and PostgreSQL, queue depth, orders, drift) are not kept
in any process: a collector reads them from Redis and PostgreSQL when /metrics is scraped, so every
web process answers the same truth and nothing goes stale when a worker dies. Only sales that are
armed, live or paused are read (a few queries per scrape).
"""

import logging

from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

ORDERS_CREATED = Counter("shop_flash_sale_orders_created", "Orders created from flash-sale reservations.")
RESERVATIONS_FAILED = Counter(
    "shop_flash_sale_reservations_failed",
    "Reservations that could not become an order (no unit left in the db).",
)
ORDERS_EXPIRED = Counter(
    "shop_flash_sale_orders_expired", "Unpaid flash-sale orders cancelled, unit given back."
)
DRAIN_BATCHES = Counter(
    "shop_flash_sale_drain_batches", "Batches of reservations written in one transaction."
)
REDIS_UNAVAILABLE = Counter(
    "shop_flash_sale_redis_unavailable", "Buy requests answered 503 because Redis could not be reached."
)

GAUGES = (
    ("units_left_redis", "Units left in Redis (what buyers race for)."),
    ("units_left_db", "Units not yet turned into orders, PostgreSQL's count."),
    ("queue_depth", "Admitted reservations not yet turned into orders."),
    ("orders_created", "Orders created for the sale."),
    ("orders_paid", "Orders of the sale that were paid."),
    ("orders_expired", "Orders of the sale cancelled unpaid."),
    ("drift", "units - (Redis stock + in flight + ordered); 0 when consistent."),
)


class FlashSaleCollector:
    def describe(self):
        # Given, so that registering does not call collect() (no Redis or db access at start-up).
        return [
            GaugeMetricFamily(f"shop_flash_sale_live_{name}", text, labels=["sale"]) for name, text in GAUGES
        ]

    def collect(self):
        from .selectors import sale_ids_active, sale_live_stats_get

        families = {
            name: GaugeMetricFamily(f"shop_flash_sale_live_{name}", text, labels=["sale"])
            for name, text in GAUGES
        }
        try:
            for sale_id in sale_ids_active():
                stats = sale_live_stats_get(sale_id=sale_id, seconds=0)
                if stats is None:
                    continue
                for name, _text in GAUGES:
                    families[name].add_metric([str(sale_id)], getattr(stats, name))
        except Exception:  # a scrape must never fail because Redis or the db hiccups
            logger.warning("flash-sale metrics unavailable", exc_info=True)
        yield from families.values()


_registered = False


def collector_register() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(FlashSaleCollector())
        _registered = True
