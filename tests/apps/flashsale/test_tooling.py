"""Operator tooling: buyer tokens for load tests, the Prometheus gauges."""

import pytest
from django.core.management import call_command
from prometheus_client import REGISTRY

from apps.flashsale.management.commands.flashsale_seed_buyers import buyers_seed
from apps.flashsale.services import flash_sale_admit
from apps.flashsale.tokens import buyer_token_verify
from shop.accounts.models import User

from .factories import UserFactory, sale_ready

pytestmark = pytest.mark.django_db


def test_seed_buyers_creates_accounts_once_and_prints_valid_tokens(capsys):
    call_command("flashsale_seed_buyers", "3", "--prefix", "loadbuyer")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    for line in lines:
        user_id, token = line.split(" ")
        assert buyer_token_verify(token) == int(user_id)
    again = buyers_seed(count=3, prefix="loadbuyer")
    assert [user_id for user_id, _token in again] == [int(line.split(" ")[0]) for line in lines]
    assert User.objects.filter(email__startswith="loadbuyer").count() == 3


def test_the_gauges_are_read_at_scrape_time():
    sale = sale_ready(units=5)
    flash_sale_admit(sale_id=sale.pk, user_id=UserFactory().pk, quantity=1)
    labels = {"sale": str(sale.pk)}
    assert REGISTRY.get_sample_value("shop_flash_sale_live_units_left_redis", labels) == 4
    assert REGISTRY.get_sample_value("shop_flash_sale_live_queue_depth", labels) == 1
    assert REGISTRY.get_sample_value("shop_flash_sale_live_drift", labels) == 0
