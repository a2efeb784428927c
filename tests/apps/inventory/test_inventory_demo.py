import pytest
from django.core.management import call_command
from django.db.models import Sum

from apps.catalog.models import Variant
from apps.inventory.models import StockItem, StockMovement

pytestmark = pytest.mark.django_db


def test_seed_demo_stocks_every_variant_through_the_ledger_once():
    # given a seeded demo shop
    call_command("seed_demo", products=12, stdout=None)
    first = dict(StockItem.objects.values_list("variant_id", "available"))

    # when it is seeded again
    call_command("seed_demo", products=12, stdout=None)

    # then every variant has stock, nothing was added twice, and the ledger explains every unit
    assert set(first) == set(Variant.objects.values_list("pk", flat=True))
    assert dict(StockItem.objects.values_list("variant_id", "available")) == first
    assert all(units > 0 for units in first.values())
    adjusted = StockMovement.objects.filter(kind=StockMovement.Kind.ADJUST).aggregate(n=Sum("quantity"))["n"]
    assert adjusted == sum(first.values())
