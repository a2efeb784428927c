import pytest
from prometheus_client import REGISTRY

from shop.observability import metrics

TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def closed_metrics(settings):
    """No address is allowed; only the token opens /metrics."""
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = TOKEN


def test_metrics_answer_an_allowed_address(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics")

    assert response.status_code == 200
    assert b"django_http_requests_before_middlewares_total" in response.content


def test_metrics_refuse_an_address_not_on_the_list(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.5"]
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert response.content == b"Metrics are not public."


def test_metrics_answer_the_bearer_of_the_token_from_anywhere(client, closed_metrics):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert b"shop_orders_placed_total" in response.content


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer ", TOKEN, f"Basic {TOKEN}", f"bearer{TOKEN}"],
)
def test_metrics_refuse_a_wrong_or_malformed_token(client, closed_metrics, authorization):
    response = client.get("/metrics", headers={"Authorization": authorization})

    assert response.status_code == 403


def test_metrics_refuse_everyone_when_no_token_is_set_and_no_address_allowed(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", headers={"Authorization": "Bearer "})

    assert response.status_code == 403


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_the_shop_counters_count_by_their_label():
    # given the current counts
    before_flash = _sample("shop_orders_placed_total", channel="flash_sale")
    before_checkout = _sample("shop_orders_placed_total", channel="checkout")

    # when two flash-sale orders are recorded
    metrics.order_placed_record(channel="flash_sale")
    metrics.order_placed_record(channel="flash_sale")

    # then only their channel moved, by two
    assert _sample("shop_orders_placed_total", channel="flash_sale") == before_flash + 2
    assert _sample("shop_orders_placed_total", channel="checkout") == before_checkout


def test_an_unknown_label_value_is_counted_as_other():
    before = _sample("shop_stock_reserve_failures_total", reason="other")

    metrics.stock_reserve_failure_record(reason="<script>whatever</script>")

    assert _sample("shop_stock_reserve_failures_total", reason="other") == before + 1
    assert (
        REGISTRY.get_sample_value(
            "shop_stock_reserve_failures_total", {"reason": "<script>whatever</script>"}
        )
        is None
    )


def test_stock_and_flash_sale_counters_and_the_order_histogram_record():
    stock_before = _sample("shop_stock_reserve_failures_total", reason="sold_out")
    admitted_before = _sample("shop_flash_sale_admissions_total", outcome="admitted")
    timed_before = _sample("shop_order_place_seconds_count")

    metrics.stock_reserve_failure_record(reason="sold_out")
    metrics.flash_sale_admission_record(outcome="admitted")
    with metrics.ORDER_PLACE_SECONDS.time():
        pass

    assert _sample("shop_stock_reserve_failures_total", reason="sold_out") == stock_before + 1
    assert _sample("shop_flash_sale_admissions_total", outcome="admitted") == admitted_before + 1
    assert _sample("shop_order_place_seconds_count") == timed_before + 1
