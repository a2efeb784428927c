"""`sale_live_state_for_variants`: the sale a product page shows (apps.catalog.live)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from apps.flashsale.selectors import sale_live_state_for_variants
from apps.flashsale.services import flash_sale_close, flash_sale_pause

from .factories import FlashSaleFactory, sale_ready, variant_with_stock

pytestmark = pytest.mark.django_db


def test_a_running_sale_of_one_of_the_variants_is_live_with_its_units_left():
    sale = sale_ready(units=7)
    other = variant_with_stock(units=3)
    state = sale_live_state_for_variants(variant_ids=[other.pk, sale.variant_id])
    assert (state.sale_id, state.state, state.units_left, state.units) == (sale.pk, "live", 7, 7)
    assert (_ms(state.starts_at), _ms(state.ends_at)) == (_ms(sale.starts_at), _ms(sale.ends_at))


def _ms(moment) -> int:
    return int(moment.timestamp() * 1000)


def test_a_paused_sale_is_paused():
    sale = sale_ready(units=7)
    flash_sale_pause(sale_id=sale.pk)
    assert sale_live_state_for_variants(variant_ids=[sale.variant_id]).state == "paused"


def test_an_upcoming_sale_is_not_started():
    variant = variant_with_stock(units=5)
    sale = FlashSaleFactory(
        variant_id=variant.pk,
        units=5,
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    state = sale_live_state_for_variants(variant_ids=[variant.pk])
    assert (state.sale_id, state.state, state.units_left) == (sale.pk, "not_started", 5)


def test_no_sale_an_ended_one_or_no_variant_is_none():
    sale = sale_ready(units=2)
    flash_sale_close(sale_id=sale.pk)
    assert sale_live_state_for_variants(variant_ids=[sale.variant_id]) is None
    assert sale_live_state_for_variants(variant_ids=[variant_with_stock(units=1).pk]) is None
    assert sale_live_state_for_variants(variant_ids=[]) is None


def test_the_product_pages_live_json_shows_the_running_sale(client):
    from apps.catalog.models import Variant

    sale = sale_ready(units=4)
    product_id = Variant.objects.get(pk=sale.variant_id).product_id
    flash_sale = client.get(f"/live/product/{product_id}/").json()["flash_sale"]
    assert (flash_sale["sale_id"], flash_sale["state"], flash_sale["units_left"]) == (sale.pk, "live", 4)
    assert _ms(datetime.fromisoformat(flash_sale["ends_at"])) == _ms(sale.ends_at)
