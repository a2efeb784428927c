"""Keeping the index in step with the catalog: Celery tasks after commit (eager in tests), the
periodic catch-up for bulk updates, and the management command."""

import importlib
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Product
from apps.catalog.services import product_set_status
from apps.inventory.models import StockItem
from apps.inventory.services import stock_release, stock_reserve
from apps.inventory.types import StockLine
from apps.search.demo import search_seed_demo
from apps.search.models import SearchEntry
from apps.search.selectors import search_products
from apps.search.services import search_entries_sync, search_index_rebuild
from apps.search.tasks import search_refresh_changed, search_refresh_stock
from apps.search.types import SearchFilters
from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def _names(query: str) -> list[str]:
    return [hit.name for hit in search_products(query=query, language="en").hits]


@pytest.fixture
def kettle(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(name="Sunbeam Kettle", name_zh="Sunbeam 电水壶", slug="kettle")
        VariantFactory(product=product, price=Decimal("49.00"))
    return product


def test_a_new_product_is_searchable_once_committed(kettle):
    # given a product created and committed (the fixture), its task run by eager Celery
    # then it is found, in English and in Chinese, with its price
    result = search_products(query="kettle", language="en")
    assert [(hit.name, str(hit.price)) for hit in result.hits] == [("Sunbeam Kettle", "49.00 USD")]
    assert _names("水壶") == ["Sunbeam Kettle"]


def test_nothing_is_indexed_before_the_commit(django_capture_on_commit_callbacks):
    # when a product is saved but its transaction has not committed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ProductFactory(name="Uncommitted Toaster", slug="toaster")

        # then the index does not know it yet, and a re-index waits for the commit
        assert SearchEntry.objects.filter(name="Uncommitted Toaster").exists() is False
    ours = [callback for callback in callbacks if callback.__qualname__.startswith("_enqueue")]
    assert len(ours) == 1

    # and once the commit runs the callbacks, it is there
    for callback in callbacks:
        callback()
    assert _names("toaster") == ["Uncommitted Toaster"]


def test_an_edit_updates_the_index_after_commit(kettle, django_capture_on_commit_callbacks):
    # when the product is renamed and a variant repriced, in one committed transaction
    with django_capture_on_commit_callbacks(execute=True):
        kettle.name = "Sunbeam Glass Teapot"
        kettle.save()
        variant = kettle.variants.get()
        variant.price = Decimal("19.50")
        variant.save()

    # then the new name is found at the new price and the old one no longer
    result = search_products(query="teapot", language="en")
    assert [(hit.name, str(hit.price)) for hit in result.hits] == [("Sunbeam Glass Teapot", "19.50 USD")]
    assert _names("kettle") == []


def test_a_deactivated_product_leaves_the_results(kettle, django_capture_on_commit_callbacks):
    # when the product goes back to draft
    with django_capture_on_commit_callbacks(execute=True):
        kettle.status = Product.Status.DRAFT
        kettle.save()

    # then it is no longer found and its entry is gone
    assert _names("kettle") == []
    assert SearchEntry.objects.filter(product_id=kettle.pk).exists() is False


def test_a_deleted_product_leaves_the_results(kettle, django_capture_on_commit_callbacks):
    # when the product is deleted
    with django_capture_on_commit_callbacks(execute=True):
        kettle.delete()

    # then its entry is gone
    assert _names("kettle") == []
    assert SearchEntry.objects.count() == 0


def test_the_periodic_catch_up_sees_bulk_status_changes(kettle, django_capture_on_commit_callbacks):
    # given a status change made by a bulk update (the admin's action), which sends no signal
    product_set_status(product_ids=[kettle.pk], status=Product.Status.DRAFT, merchant_ids=None)
    assert _names("kettle") == ["Sunbeam Kettle"]

    # when the periodic task runs
    changed = search_refresh_changed.delay().get()

    # then it re-indexed the product, which left the results
    assert changed == 1
    assert _names("kettle") == []


def test_stock_decides_in_stock(kettle):
    # given stock for the kettle's variant
    variant = kettle.variants.get()
    StockItem.objects.create(variant_id=variant.pk, merchant=kettle.merchant, sku=variant.sku, available=2)

    # when the index is rebuilt
    search_index_rebuild()

    # then the hit says it is in stock
    assert [hit.in_stock for hit in search_products(query="kettle", language="en").hits] == [True]


def _in_stock(query: str) -> list[bool]:
    return [hit.in_stock for hit in search_products(query=query, language="en").hits]


def test_selling_the_last_unit_and_restocking_flip_in_stock_within_the_periodic_refresh(kettle):
    # given a kettle with one unit on the shelf, indexed as in stock
    variant = kettle.variants.get()
    StockItem.objects.create(variant_id=variant.pk, merchant=kettle.merchant, sku=variant.sku, available=1)
    search_index_rebuild()
    assert _in_stock("kettle") == [True]

    # when the last unit is reserved by a checkout and the periodic refresh runs
    stock_reserve(lines=[StockLine(variant_id=variant.pk, quantity=1)], order_ref="o-1")
    flipped = search_refresh_stock()

    # then the kettle is out of stock in search, and the in-stock filter drops it
    assert (flipped, _in_stock("kettle")) == (1, [False])
    in_stock_only = search_products(query="kettle", filters=SearchFilters(in_stock=True), language="en")
    assert in_stock_only.total == 0

    # when the reservation is released, the refresh brings it back
    stock_release(lines=[StockLine(variant_id=variant.pk, quantity=1)], order_ref="o-1", reason="expired")
    assert (search_refresh_stock(), _in_stock("kettle")) == (1, [True])


def test_stock_that_moves_without_flipping_writes_no_entry(kettle):
    # given a kettle with five units, indexed as in stock
    variant = kettle.variants.get()
    StockItem.objects.create(variant_id=variant.pk, merchant=kettle.merchant, sku=variant.sku, available=5)
    search_index_rebuild()

    # when two are sold and the refresh runs
    stock_reserve(lines=[StockLine(variant_id=variant.pk, quantity=2)], order_ref="o-2")
    with CaptureQueriesContext(connection) as queries:
        flipped = search_refresh_stock()

    # then nothing flipped and no entry was written
    assert flipped == 0
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "search_searchentry" in q["sql"]
    ]
    assert _in_stock("kettle") == [True]


def test_the_command_rebuilds_and_drops_what_is_no_longer_visible():
    # given an index holding one product that was since switched to draft behind its back
    category = CategoryFactory(slug="kitchen", name="Kitchen")
    kept = ProductFactory(category=category, name="Cast Iron Pan", slug="pan")
    gone = ProductFactory(category=category, name="Chef Knife", slug="knife")
    search_index_rebuild()
    Product.objects.filter(pk=gone.pk).update(status=Product.Status.DRAFT)
    out = StringIO()

    # when the operator rebuilds
    call_command("search_index", "--rebuild", stdout=out)

    # then the visible product stays and the draft is dropped
    assert "1 indexed, 1 removed" in out.getvalue()
    assert list(SearchEntry.objects.values_list("product_id", "facet_keys")) == [
        (kept.pk, f"\nc:{category.pk}\n")
    ]


def test_an_entry_carries_its_price_band_and_attribute_combination():
    # given a product whose variants have two colours and a size, priced in the 25-50 band
    product = ProductFactory(name="Trail Jacket", slug="jacket")
    colour = AttributeFactory(slug="colour", name="Colour")
    size = AttributeFactory(slug="size", name="Size")
    red, blue = (AttributeValueFactory(attribute=colour, slug=s, value=s.title()) for s in ("red", "blue"))
    medium = AttributeValueFactory(attribute=size, slug="m", value="M")
    VariantFactory(product=product, sku="J1", price=Decimal("30.00"), attribute_values=[red, medium])
    VariantFactory(product=product, sku="J2", price=Decimal("45.00"), attribute_values=[blue, medium])

    # when it is indexed
    search_index_rebuild()

    # then the columns facet counting groups by hold the band and the sorted attribute keys
    entry = SearchEntry.objects.get(product_id=product.pk)
    assert entry.price_band == "25-50"
    assert entry.attribute_keys == "a:colour:blue\na:colour:red\na:size:m"
    assert {key for key in entry.facet_keys.split("\n") if key.startswith(("a:", "p:"))} == {
        "a:colour:blue", "a:colour:red", "a:size:m", "p:25-50",
    }  # fmt: skip


def test_the_migration_fills_the_facet_columns_from_the_indexed_keys():
    # given entries indexed before the columns existed (blank), with their facet keys
    migration = importlib.import_module("apps.search.migrations.0003_facet_columns")
    product = ProductFactory(name="Trail Jacket", slug="jacket")
    colour = AttributeFactory(slug="colour", name="Colour")
    red = AttributeValueFactory(attribute=colour, slug="red", value="Red")
    VariantFactory(product=product, sku="J1", price=Decimal("300.00"), attribute_values=[red])
    ProductFactory(name="Plain Mug", slug="mug")
    search_index_rebuild()
    expected = list(SearchEntry.objects.order_by("id").values_list("price_band", "attribute_keys"))
    SearchEntry.objects.update(price_band="", attribute_keys="")

    # when the migration's data step runs
    migration.fill(django_apps, None)

    # then every entry holds what indexing would have written
    assert list(SearchEntry.objects.order_by("id").values_list("price_band", "attribute_keys")) == expected
    assert ("250-", "a:colour:red") in expected


def test_the_command_reindexes_one_product_and_refuses_no_action():
    # given a product missing from the index
    product = ProductFactory(name="Desk Lamp", slug="lamp")
    out = StringIO()

    # when it is re-indexed by id, and when the command is run with nothing to do
    call_command("search_index", "--product", str(product.pk), stdout=out)
    with pytest.raises(CommandError):
        call_command("search_index")

    # then the product is found
    assert "1 indexed, 0 removed" in out.getvalue()
    assert _names("lamp") == ["Desk Lamp"]


def test_the_demo_seed_builds_the_index():
    # given a catalog written without signals (as seed_demo's bulk_create does)
    product = ProductFactory(name="Demo Teapot", slug="teapot")
    SearchEntry.objects.all().delete()

    # when the search app's demo seeder runs
    line = search_seed_demo(products=1)

    # then the product is indexed and the line says so
    assert line.endswith(": 1 products")
    assert list(SearchEntry.objects.values_list("product_id", flat=True)) == [product.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the vector is PostgreSQL's")
def test_an_entry_is_written_once_with_its_vector(kettle):
    # when a product is re-indexed
    with CaptureQueriesContext(connection) as queries:
        search_entries_sync(product_ids=[kettle.pk])

    # then its row is written by one INSERT ... ON CONFLICT that computes the vector too (a
    # second UPDATE would leave a dead copy of every row behind), and the vector is there
    writes = [
        q["sql"] for q in queries.captured_queries if "search_searchentry" in q["sql"].split(" WHERE ")[0]
    ]
    assert [sql.split(" ", 1)[0] for sql in writes if not sql.startswith("SELECT")] == ["INSERT"]
    assert "to_tsvector" in next(sql for sql in writes if sql.startswith("INSERT"))
    assert _names("kettle") == ["Sunbeam Kettle"]
