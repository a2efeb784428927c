"""Prometheus counters of the payments app (served by django-prometheus at /metrics)."""

from prometheus_client import Counter

payments_created = Counter("shop_payments_opened_total", "Payments opened at a provider.", ["provider"])
payments_settled = Counter(
    "shop_payments_settled_total", "Payments that left pending, by outcome.", ["provider", "status"]
)
payment_notifications = Counter(
    "shop_payment_notifications_total",
    "Provider notifications received, by outcome (applied, unchanged, duplicate, rejected).",
    ["provider", "outcome"],
)
refunds = Counter("shop_payment_refunds_total", "Refunds recorded and sent to the provider.", ["provider"])
refunds_refused = Counter(
    "shop_payment_refunds_refused_total", "Refunds refused (over-refund, nothing captured).", ["reason"]
)
