"""The shop's own Prometheus metrics, beside the request, database and cache metrics that
django-prometheus records by itself. All are served at /metrics (see views.metrics).

Business code records an event with one call, and never touches prometheus_client itself:

    from shop.observability import metrics

    metrics.order_placed_record(channel="flash_sale")        # shop_orders_placed_total{channel}
    metrics.stock_reserve_failure_record(reason="sold_out")  # shop_stock_reserve_failures_total{reason}
    metrics.flash_sale_admission_record(outcome="admitted")  # shop_flash_sale_admissions_total{outcome}
    with metrics.ORDER_PLACE_SECONDS.time():                 # shop_order_place_seconds (histogram)
        ...

Payments count themselves in apps/payments/metrics.py (shop_payments_settled_total{provider,status}
and friends); a name here must not collide with theirs, including the `_created` series that
prometheus_client adds to every counter.

Label values come from the fixed sets below; anything else is counted as "other", so a bug or a
hostile input can never create unbounded label series (each one costs Prometheus memory).

Processes: every gunicorn worker and Celery worker process keeps its own counters. On one
machine, set PROMETHEUS_MULTIPROC_DIR to a directory shared by those processes (emptied at start)
and /metrics of any web process serves the sum (prometheus_client's multiprocess mode). Counters
incremented in Celery workers on other machines are not seen by the web's /metrics.
"""

from prometheus_client import Counter, Histogram

OTHER = "other"

ORDER_CHANNELS = frozenset({"checkout", "flash_sale"})
STOCK_RESERVE_FAILURE_REASONS = frozenset({"sold_out", "over_limit", "not_live", "conflict"})
FLASH_SALE_OUTCOMES = frozenset({"admitted", "sold_out", "over_limit", "not_live", "rejected"})

ORDERS_PLACED = Counter("shop_orders_placed", "Orders placed, by channel.", ["channel"])
STOCK_RESERVE_FAILURES = Counter(
    "shop_stock_reserve_failures", "Stock reservations refused, by reason.", ["reason"]
)
FLASH_SALE_ADMISSIONS = Counter(
    "shop_flash_sale_admissions", "Flash-sale purchase attempts, by outcome.", ["outcome"]
)
ORDER_PLACE_SECONDS = Histogram(
    "shop_order_place_seconds",
    "Time to turn a cart or a reservation into an order.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


def _bounded(value: str, allowed: frozenset[str]) -> str:
    return value if value in allowed else OTHER


def order_placed_record(*, channel: str) -> None:
    ORDERS_PLACED.labels(channel=_bounded(channel, ORDER_CHANNELS)).inc()


def stock_reserve_failure_record(*, reason: str) -> None:
    STOCK_RESERVE_FAILURES.labels(reason=_bounded(reason, STOCK_RESERVE_FAILURE_REASONS)).inc()


def flash_sale_admission_record(*, outcome: str) -> None:
    FLASH_SALE_ADMISSIONS.labels(outcome=_bounded(outcome, FLASH_SALE_OUTCOMES)).inc()
