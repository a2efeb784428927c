"""Demo shipping methods: each demo merchant offers a standard rate (free over an amount) and an
express rate by weight. Idempotent by (merchant, name)."""

from decimal import Decimal

from django.conf import settings

from apps.shipping.models import ShippingMethod
from shop.accounts.models import Merchant

DEMO_METHODS = (
    {
        "name": "Standard",
        "kind": ShippingMethod.Kind.FREE_OVER,
        "flat_price": Decimal("4.90"),
        "free_over_amount": Decimal("50.00"),
    },
    {
        "name": "Express",
        "kind": ShippingMethod.Kind.WEIGHT,
        "flat_price": Decimal("0.00"),
        "price_per_kg": Decimal("6.50"),
    },
)


def shipping_seed_demo(*, products: int) -> list[str]:
    created = 0
    for merchant in Merchant.objects.filter(is_active=True):
        for method in DEMO_METHODS:
            _, was_created = ShippingMethod.objects.get_or_create(
                merchant=merchant,
                name=method["name"],
                defaults={**method, "currency": settings.SHOP_CURRENCY},
            )
            created += was_created
    return [f"shipping: {created} methods created"]
