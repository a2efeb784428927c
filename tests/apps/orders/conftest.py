import pytest

from tests.apps.orders.invariants import assert_stock_ledger_consistent


@pytest.fixture(autouse=True)
def _stock_ledger_invariant(request):
    """Every test that touches the database ends by checking the stock ledger invariant (before
    the database is rolled back or flushed: `db` is set up first, so torn down after this)."""
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    request.getfixturevalue("db")
    yield
    assert_stock_ledger_consistent()


@pytest.fixture(autouse=True)
def _sandbox_secret(settings):
    settings.SHOP_PAYMENT_SANDBOX_SECRET = "test-sandbox-secret"
