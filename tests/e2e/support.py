"""Helpers of the end-to-end flash-sale tests: buyers with tokens, firing them, reading the result."""

from collections import Counter

from django.db.models import Count

from apps.flashsale import redis_store
from apps.flashsale.keys import GROUP, sale_keys
from apps.flashsale.management.commands.flashsale_rehearse import Shot, buys_fire
from apps.flashsale.management.commands.flashsale_seed_buyers import buyers_seed
from apps.flashsale.models import Reservation
from apps.orders.models import Order

__all__ = [
    "Shot",
    "buyers_make",
    "buys_fire",
    "max_orders_per_buyer",
    "max_reservations_per_buyer",
    "orders_of",
    "outcomes",
    "redis_state",
]


def buyers_make(count: int, *, prefix: str = "e2e") -> list[tuple[int, str]]:
    """`count` distinct buyers: (user id, buyer token), in one bulk INSERT."""
    return buyers_seed(count=count, prefix=f"{prefix}-", domain="e2e.invalid")


def outcomes(shots: list[Shot]) -> Counter:
    """(status, error code) per answer; transport failures are (0, exception name)."""
    return Counter((shot.status, shot.error) for shot in shots)


def orders_of(sale_id: int):
    return Order.objects.filter(reservation_id__startswith=f"{sale_id}-")


def redis_state(sale_id: int) -> dict:
    keys = sale_keys(sale_id)
    client = redis_store.client()
    return {
        "stock": client.get(keys.stock),
        "buyers": {int(k): int(v) for k, v in client.hgetall(keys.buyers).items()},
        "stream": client.xlen(keys.stream),
        "pending": client.xpending(keys.stream, GROUP)["pending"] if client.exists(keys.stream) else 0,
    }


def max_reservations_per_buyer(sale_id: int) -> int:
    rows = (
        Reservation.objects.filter(sale_id=sale_id, status="ordered")
        .values("user_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return rows[0]["n"] if rows else 0


def max_orders_per_buyer(sale_id: int) -> int:
    rows = orders_of(sale_id).values("user_id").annotate(n=Count("pk")).order_by("-n")
    return rows[0]["n"] if rows else 0
