"""A shopper finds a flash sale in a real browser: the navigation's "Flash sales" link, the sales
page, the product page's live sale label (static/js/live.js makes it a link to the sale, in the
page's language) and the sale page itself."""

import re

import pytest
from playwright.sync_api import expect

from tests.apps.flashsale.factories import sale_ready

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def sale(live_server):
    return sale_ready(units=5, title="Midnight Lamp Rush")


def test_a_shopper_goes_from_the_nav_to_the_sale_and_from_its_product_page_back_to_it(
    new_page, live_server, sale
):
    page = new_page()
    # given a shopper on the home page
    page.goto(live_server.url + "/")
    # when they follow the navigation's link
    page.get_by_role("link", name="Flash sales").click()
    # then the sales page lists the live sale
    expect(page.get_by_role("heading", level=1)).to_have_text("Flash sales")
    card = page.locator(".flash-sales .card", has_text="Midnight Lamp Rush")
    expect(card).to_contain_text("Live now.")
    # when they open it, then follow the link to its product
    card.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Midnight Lamp Rush")
    page.locator(".product-info p a").first.click()
    # then the product page's live part says the sale is on and links back to it
    label = page.get_by_role("link", name="Flash sale on now")
    expect(label).to_have_attribute("href", f"/flash/{sale.pk}/")
    label.click()
    expect(page).to_have_url(re.compile(rf"/flash/{sale.pk}/$"))


def test_the_chinese_product_page_links_to_the_chinese_sale_page(new_page, live_server, sale):
    from apps.catalog.models import Variant

    product_id = Variant.objects.get(pk=sale.variant_id).product_id
    page = new_page()
    page.goto(live_server.url + "/zh-hans/flash/")
    page.locator(".flash-sales .card-link").first.click()
    page.locator(".product-info p a").first.click()
    expect(page).to_have_url(re.compile(rf"/zh-hans/p/{product_id}-"))
    expect(page.get_by_role("link", name="限时秒杀进行中")).to_have_attribute(
        "href", f"/zh-hans/flash/{sale.pk}/"
    )
