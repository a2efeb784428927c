"""Arming and the sale's life: units set aside, Redis loaded, warm-up command, beat tasks, closing."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.flashsale import redis_store
from apps.flashsale.keys import GROUP, sale_keys
from apps.flashsale.models import FlashSale
from apps.flashsale.services import (
    FlashSaleError,
    flash_sale_admit,
    flash_sale_arm,
    flash_sale_close,
    flash_sales_advance,
    flash_sales_arm_upcoming,
    reservations_drain,
)
from apps.inventory.models import StockItem, StockMovement

from .factories import FlashSaleFactory, UserFactory, sale_ready, variant_with_stock

pytestmark = pytest.mark.django_db


def test_arming_sets_the_units_aside_and_loads_redis(django_capture_on_commit_callbacks):
    # given a scheduled sale of 30 of a variant's 100 units
    variant = variant_with_stock(units=100)
    sale = FlashSaleFactory(variant_id=variant.pk, units=30, per_buyer_limit=2)
    # when armed
    with django_capture_on_commit_callbacks(execute=True):
        assert flash_sale_arm(sale_id=sale.pk) == "armed"
    # then inventory holds the 30 aside under the sale's reference
    item = StockItem.objects.get(variant_id=variant.pk)
    assert (item.available, item.reserved) == (70, 30)
    assert (
        StockMovement.objects.filter(kind="reserve", order_ref=f"flashsale:{sale.pk}", quantity=30).count()
        == 1
    )
    # and Redis holds the stock, the meta and the consumer group
    keys = sale_keys(sale.pk)
    client = redis_store.client()
    assert client.get(keys.stock) == "30"
    meta = client.hgetall(keys.meta)
    assert (meta["state"], meta["limit"], meta["units"]) == ("live", "2", "30")
    assert int(meta["starts_at"]) == int(sale.starts_at.timestamp() * 1000)
    assert [g["name"] for g in client.xinfo_groups(keys.stream)] == [GROUP]
    sale.refresh_from_db()
    assert (sale.state, sale.units_left_db) == ("armed", 30)


def test_arming_twice_sets_nothing_aside_twice(django_capture_on_commit_callbacks):
    sale = sale_ready(units=5, stock=8)
    assert flash_sale_arm(sale_id=sale.pk) == "ready"
    assert StockItem.objects.get(variant_id=sale.variant_id).reserved == 5


def test_arming_without_enough_stock_changes_nothing():
    variant = variant_with_stock(units=3)
    sale = FlashSaleFactory(variant_id=variant.pk, units=5)
    with pytest.raises(FlashSaleError, match="fewer than 5 units"):
        flash_sale_arm(sale_id=sale.pk)
    assert FlashSale.objects.get(pk=sale.pk).state == "draft"
    assert StockItem.objects.get(variant_id=variant.pk).reserved == 0
    assert redis_store.meta_get(sale.pk) == {}


def test_the_warmup_command_arms_and_reloads_a_lost_sale(capsys):
    sale = sale_ready(units=4)
    redis_store.client().flushdb()
    call_command("flashsale_warmup", str(sale.pk))
    assert f"sale {sale.pk}: loaded; state live, 4 of 4 units left" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("flashsale_warmup", "999999")


def test_the_beat_arms_sales_starting_soon_and_only_those(django_capture_on_commit_callbacks):
    soon = FlashSaleFactory(starts_at=timezone.now() + timedelta(minutes=3))
    later = FlashSaleFactory(
        starts_at=timezone.now() + timedelta(minutes=30), ends_at=timezone.now() + timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert flash_sales_arm_upcoming(ahead_seconds=300) == [soon.pk]
    assert FlashSale.objects.get(pk=later.pk).state == "draft"
    assert redis_store.client().get(sale_keys(soon.pk).stock) == "10"


def test_advance_starts_armed_sales_and_closes_ended_ones_giving_units_back():
    # given a live sale that sold 2 of 5 units and is now past its end
    sale = sale_ready(units=5, stock=9)
    for buyer in UserFactory.create_batch(2):
        flash_sale_admit(sale_id=sale.pk, user_id=buyer.pk, quantity=1)
    FlashSale.objects.filter(pk=sale.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    # when the beat advances the sales
    moved = flash_sales_advance()
    # then the 2 in-flight reservations were written and 3 units went back to ordinary stock
    assert moved["closed"] == [sale.pk]
    sale.refresh_from_db()
    assert (sale.state, sale.units_left_db, sale.units_returned) == ("ended", 0, 3)
    item = StockItem.objects.get(variant_id=sale.variant_id)
    assert (item.available, item.reserved) == (7, 2)
    assert redis_store.meta_get(sale.pk)["state"] == "ended"
    assert flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1).outcome == "ended"
    assert flash_sale_close(sale_id=sale.pk) == 0


def test_the_drain_tick_task_drains_every_active_sale():
    from apps.flashsale.tasks import flash_sales_drain_tick

    sale = sale_ready(units=5)
    flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1)
    assert flash_sales_drain_tick() == 1  # eager in tests: the drain ran
    assert FlashSale.objects.get(pk=sale.pk).units_left_db == 4
    assert reservations_drain(sale_id=sale.pk).read == 0
