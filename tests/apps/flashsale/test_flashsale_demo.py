from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.flashsale.demo import DEMO_TITLE, UNITS
from apps.flashsale.models import FlashSale
from apps.inventory.models import StockItem

pytestmark = pytest.mark.django_db


def test_seed_demo_schedules_one_flash_sale_about_to_start():
    # given a freshly seeded demo
    call_command("seed_demo", products=8, stdout=None)

    # then one sale of a stocked variant starts within minutes, half price, not yet armed
    sale = FlashSale.objects.get(title=DEMO_TITLE)
    assert sale.state == FlashSale.State.DRAFT
    assert timezone.now() < sale.starts_at < timezone.now() + timedelta(minutes=10)
    assert sale.units == UNITS
    assert StockItem.objects.get(variant_id=sale.variant_id).available >= UNITS


def test_seeding_again_moves_a_sale_that_has_not_started_instead_of_adding_one():
    call_command("seed_demo", products=8, stdout=None)
    FlashSale.objects.filter(title=DEMO_TITLE).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )

    call_command("seed_demo", products=8, stdout=None)

    sale = FlashSale.objects.get(title=DEMO_TITLE)
    assert sale.starts_at > timezone.now()
    assert sale.ends_at > sale.starts_at
