import pytest
from django.db import IntegrityError, transaction

from apps.inventory.models import StockItem, StockMovement
from apps.inventory.selectors import stock_levels_get
from apps.inventory.services import (
    InsufficientStock,
    StockError,
    stock_adjust,
    stock_commit,
    stock_release,
    stock_reserve,
    stock_restock,
)
from apps.inventory.types import StockLevel, StockLine
from tests.apps.catalog.factories import VariantFactory
from tests.apps.orders.helpers import variant_in_stock
from tests.shop.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def counters(variant):
    item = StockItem.objects.get(variant_id=variant.pk)
    return item.available, item.reserved, item.sold


def test_stock_adjust_creates_the_item_for_the_variants_merchant_and_records_who_and_why():
    # given a variant without stock and a merchant user
    variant = VariantFactory(sku="TEE-1")
    user = UserFactory()
    # when the merchant puts 7 units in
    available = stock_adjust(variant_id=variant.pk, delta=7, actor_id=user.pk, reason="delivery")
    # then the item belongs to the variant's merchant and the ledger says who and why
    item = StockItem.objects.get(variant_id=variant.pk)
    assert (available, item.merchant_id, item.sku) == (7, variant.merchant_id, "TEE-1")
    movement = StockMovement.objects.get(stock_item=item)
    assert (movement.kind, movement.quantity, movement.actor_id, movement.reason) == (
        "adjust",
        7,
        user.pk,
        "delivery",
    )
    assert (movement.available_after, movement.reserved_after, movement.sold_after) == (7, 0, 0)


def test_stock_adjust_refuses_to_go_below_zero_and_changes_nothing():
    variant = variant_in_stock(stock=3)
    with pytest.raises(StockError):
        stock_adjust(variant_id=variant.pk, delta=-4, actor_id=None, reason="broken")
    assert counters(variant) == (3, 0, 0)
    assert StockMovement.objects.count() == 1


def test_stock_adjust_of_unknown_variant_is_refused():
    with pytest.raises(StockError):
        stock_adjust(variant_id=987654, delta=5, actor_id=None, reason="x")
    assert StockItem.objects.count() == 0


def test_reserve_commit_release_restock_move_units_between_counters_with_ledger_rows():
    variant = variant_in_stock(stock=10)
    line = [StockLine(variant_id=variant.pk, quantity=3)]
    stock_reserve(lines=line, order_ref="A-1")
    assert counters(variant) == (7, 3, 0)
    stock_commit(lines=line, order_ref="A-1")
    assert counters(variant) == (7, 0, 3)
    stock_restock(lines=line, order_ref="A-1", reason="refund")
    assert counters(variant) == (10, 0, 0)
    stock_reserve(lines=line, order_ref="B-2")
    stock_release(lines=line, order_ref="B-2", reason="expired")
    assert counters(variant) == (10, 0, 0)
    kinds = list(StockMovement.objects.order_by("id").values_list("kind", "quantity", "order_ref"))
    assert kinds == [
        ("adjust", 10, ""),
        ("reserve", 3, "A-1"),
        ("commit", 3, "A-1"),
        ("restock", 3, "A-1"),
        ("reserve", 3, "B-2"),
        ("release", 3, "B-2"),
    ]


def test_reserve_is_all_or_nothing_and_names_every_short_variant():
    # given two variants, one with enough stock and one short
    plenty, short = variant_in_stock(stock=5), variant_in_stock(stock=1)
    lines = [StockLine(variant_id=plenty.pk, quantity=2), StockLine(variant_id=short.pk, quantity=2)]
    # when both are reserved together
    with pytest.raises(InsufficientStock) as caught:
        stock_reserve(lines=lines, order_ref="C-3")
    # then nothing moved, even for the variant that had enough
    assert caught.value.variant_ids == (short.pk,)
    assert counters(plenty) == (5, 0, 0)
    assert counters(short) == (1, 0, 0)
    assert not StockMovement.objects.filter(kind="reserve").exists()


def test_reserve_of_a_variant_without_stock_item_is_insufficient():
    variant = VariantFactory()
    with pytest.raises(InsufficientStock):
        stock_reserve(lines=[StockLine(variant_id=variant.pk, quantity=1)], order_ref="D-4")


def test_commit_without_reservation_is_refused():
    variant = variant_in_stock(stock=5)
    with pytest.raises(StockError):
        stock_commit(lines=[StockLine(variant_id=variant.pk, quantity=1)], order_ref="E-5")
    assert counters(variant) == (5, 0, 0)


@pytest.mark.parametrize("quantity", [0, -1])
def test_non_positive_quantities_are_refused(quantity):
    variant = variant_in_stock(stock=5)
    with pytest.raises(StockError):
        stock_reserve(lines=[StockLine(variant_id=variant.pk, quantity=quantity)], order_ref="F-6")
    assert counters(variant) == (5, 0, 0)


def test_the_database_refuses_a_negative_counter():
    variant = variant_in_stock(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockItem.objects.filter(variant_id=variant.pk).update(available=-1)


def test_stock_levels_get_answers_known_variants_only():
    variant = variant_in_stock(stock=4)
    assert stock_levels_get(variant_ids=[variant.pk, 424242]) == {
        variant.pk: StockLevel(variant_id=variant.pk, available=4, reserved=0, sold=0)
    }
