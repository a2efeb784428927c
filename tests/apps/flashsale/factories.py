"""factory-boy factories and helpers for flash-sale tests.

`sale_ready(units=..., limit=...)` gives an ARMED sale (units set aside in inventory, Redis loaded)
that is live now; other helpers' tests (end-to-end, benchmarks) may import it.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.flashsale.models import FlashSale
from apps.inventory.services import stock_adjust
from tests.apps.catalog.factories import VariantFactory
from tests.shop.accounts.factories import UserFactory

__all__ = ["FlashSaleFactory", "UserFactory", "sale_ready", "variant_with_stock"]


def variant_with_stock(*, units: int):
    variant = VariantFactory(price=Decimal("100.00"))
    stock_adjust(variant_id=variant.pk, delta=units, actor_id=None, reason="test stock")
    return variant


class FlashSaleFactory(DjangoModelFactory):
    class Meta:
        model = FlashSale

    title = factory.Sequence(lambda n: f"Flash sale {n}")
    variant_id = factory.LazyFunction(lambda: variant_with_stock(units=100).pk)
    merchant = factory.LazyAttribute(lambda o: _merchant_of(o.variant_id))
    sale_price = Decimal("49.00")
    currency = "USD"
    units = 10
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(seconds=5))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    per_buyer_limit = 1
    payment_timeout_minutes = 15


def _merchant_of(variant_id: int):
    from apps.catalog.models import Variant

    return Variant.objects.get(pk=variant_id).merchant


def sale_ready(*, units: int = 10, limit: int = 1, stock: int | None = None, **kwargs) -> FlashSale:
    """An armed, live sale loaded into Redis (runs the arming's on-commit step at once)."""

    from apps.flashsale.services import flash_sale_arm

    variant = variant_with_stock(units=units if stock is None else stock)
    sale = FlashSaleFactory(variant_id=variant.pk, units=units, per_buyer_limit=limit, **kwargs)
    with _run_on_commit():
        flash_sale_arm(sale_id=sale.pk)
    sale.refresh_from_db()
    return sale


def _run_on_commit():
    """Run on_commit callbacks registered inside the block when it leaves (tests wrap each test in
    a transaction that never commits; in a transactional test they run at once anyway)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
