"""The shopper's journey in a real browser, against the real app served over HTTP.

A visitor puts a product in the cart, signs up, adds a second merchant's product, adds an address
from checkout, picks a shipping method per merchant, pays on the sandbox gateway's hosted page (its
signed notification goes over HTTP to the live server) and sees both orders paid; the first
merchant's staff ships their order in the admin, and the shopper sees the shipment on the order
page. The zh-hans home page renders in Chinese.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from apps.inventory.services import stock_adjust
from apps.orders.models import Order
from apps.payments.models import Payment
from apps.shipping.models import Shipment, ShippingMethod
from shop.accounts.selectors import MERCHANT_STAFF_GROUP
from tests.apps.catalog.factories import MerchantFactory, ProductFactory, VariantFactory
from tests.shop.accounts.factories import DEFAULT_PASSWORD, MerchantMembershipFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HTTP_DELIVERY = "apps.payments.providers.sandbox.notification_deliver_http"
SHOPPER_EMAIL = "mei.chen@example.com"
SHOPPER_PASSWORD = "a-long-journey-password-42"
STAFF_EMAIL = "staff@red-lantern.example.com"


def _merchant_with_product(*, name, slug, product, product_zh, price, methods):
    merchant = MerchantFactory(name=name, slug=slug)
    item = ProductFactory(merchant=merchant, name=product, name_zh=product_zh, slug=slug + "-product")
    variant = VariantFactory(product=item, price=Decimal(price), currency="USD", weight_grams=500)
    stock_adjust(variant_id=variant.pk, delta=10, actor_id=None, reason="browser test stock")
    for method in methods:
        ShippingMethod.objects.create(merchant=merchant, currency="USD", **method)
    return merchant, item


@pytest.fixture
def shop(live_server, settings):
    # The gateway's notification travels over real HTTP to the live server (a thread of this
    # process); Celery stays eager, so it is sent from the request that records the decision.
    settings.SHOP_SITE_URL = live_server.url
    settings.SHOP_PAYMENT_SANDBOX_DELIVERY = HTTP_DELIVERY
    call_command("ensure_groups", verbosity=0)
    lantern, cup = _merchant_with_product(
        name="Red Lantern Trading",
        slug="red-lantern",
        product="Jade Tea Cup",
        product_zh="玉茶杯",
        price="12.50",
        methods=[
            {"name": "Standard", "kind": ShippingMethod.Kind.FLAT, "flat_price": Decimal("4.90")},
            {"name": "Express", "kind": ShippingMethod.Kind.FLAT, "flat_price": Decimal("12.00")},
        ],
    )
    harbor, jacket = _merchant_with_product(
        name="Blue Harbor Goods",
        slug="blue-harbor",
        product="Harbor Rain Jacket",
        product_zh="港湾雨衣",
        price="30.00",
        methods=[
            {
                "name": "Standard",
                "kind": ShippingMethod.Kind.FREE_OVER,
                "flat_price": Decimal("4.90"),
                "free_over_amount": Decimal("50.00"),
            },
            {"name": "Express", "kind": ShippingMethod.Kind.WEIGHT, "price_per_kg": Decimal("6.50")},
        ],
    )
    staff = MerchantMembershipFactory(merchant=lantern, user__email=STAFF_EMAIL).user
    staff.groups.add(Group.objects.get(name=MERCHANT_STAFF_GROUP))
    return {"url": live_server.url, "lantern": lantern, "harbor": harbor, "cup": cup, "jacket": jacket}


def _add_to_cart(page, product_name, quantity):
    page.get_by_role("link", name=re.compile(product_name)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(product_name)
    # The product page is public (the same for everyone): live.js puts the CSRF token in its form.
    expect(page.locator("form.buy input[data-live-csrf]")).not_to_have_value("")
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")


def _select_shipping(page, merchant, method):
    group = page.locator("section.merchant-group", has=page.get_by_role("heading", name=f"From {merchant}"))
    group.get_by_role("radio", name=re.compile(rf"^\s*{method}\b")).check()


def _shopper_pays_two_merchants(page, shop):
    # given a visitor on the home page puts a tea cup in the cart
    page.goto(shop["url"] + "/")
    expect(page).to_have_title(re.compile("Flash Shop"))
    _add_to_cart(page, "Jade Tea Cup", 2)

    # when they sign up, the anonymous cart becomes theirs
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("E-mail address").fill(SHOPPER_EMAIL)
    page.get_by_label("Full name").fill("Mei Chen")
    page.locator("#id_password1").fill(SHOPPER_PASSWORD)
    page.locator("#id_password2").fill(SHOPPER_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("[data-live-user-name]")).to_have_text("Mei")
    expect(page.locator("[data-live-cart-count]")).to_have_text("(2)")

    # and add the second merchant's jacket
    _add_to_cart(page, "Harbor Rain Jacket", 1)
    rows = page.locator("table.cart-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Jade Tea Cup")).to_contain_text("Sold by Red Lantern Trading")
    expect(rows.filter(has_text="Harbor Rain Jacket")).to_contain_text("Sold by Blue Harbor Goods")
    expect(page.locator("table.cart-table tfoot")).to_contain_text("55.00 USD")

    # and at checkout add an address, then choose express for the cup and standard for the jacket
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page.get_by_text("You have no delivery address yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Place order and pay")).to_be_disabled()
    page.get_by_role("link", name="Add an address").click()
    page.get_by_label("Full name").fill("Mei Chen")
    page.get_by_label("Address line 1").fill("1 Lotus Road")
    page.get_by_label("City").fill("Hangzhou")
    page.get_by_label("Postal code").fill("310000")
    page.get_by_label("Country").fill("CN")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    expect(page.get_by_role("radio", name=re.compile("Mei Chen"))).to_be_checked()
    _select_shipping(page, "Red Lantern Trading", "Express")
    _select_shipping(page, "Blue Harbor Goods", "Standard")
    page.get_by_role("button", name="Update totals").click()
    totals = page.locator("section.totals")
    expect(totals).to_contain_text("Items: 55.00 USD")
    expect(totals).to_contain_text("Shipping: 16.90 USD")
    expect(totals).to_contain_text("Total: 71.90 USD")
    page.get_by_role("button", name="Place order and pay").click()

    # then the sandbox gateway's own page asks for the whole amount, and paying it comes back paid
    expect(page.get_by_role("heading", name="Confirm your payment")).to_be_visible()
    expect(page.locator(".amount")).to_have_text("71.90 USD")
    page.get_by_role("button", name="Pay").click()
    expect(page.locator(".payment-status")).to_have_attribute("data-status", "succeeded")
    page.get_by_role("link", name="Continue to your order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order")
    orders = page.locator("main li")
    expect(orders).to_have_count(2)
    expect(orders.filter(has_text="Red Lantern Trading")).to_contain_text("37.00 USD — Paid")
    expect(orders.filter(has_text="Blue Harbor Goods")).to_contain_text("34.90 USD — Paid")
    return orders.filter(has_text="Red Lantern Trading").get_by_role("link").inner_text()


def _merchant_ships(page, shop, number):
    # given the merchant's staff logged in to the admin
    page.goto(shop["url"] + "/admin/")
    page.locator("#id_username").fill(STAFF_EMAIL)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("#orders-order").get_by_role("link", name="Orders").click()

    # then they see their own order only
    result_rows = page.locator("#result_list tbody tr")
    expect(result_rows).to_have_count(1)
    expect(result_rows).to_contain_text(number)

    # when they ship it with a carrier and a tracking number
    result_rows.first.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("ship_orders")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Carrier").fill("SF Express")
    page.get_by_label("Tracking number").fill("SF1234567890")
    page.get_by_role("button", name="Ship").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Order {number} shipped.")


def test_a_shopper_buys_from_two_merchants_pays_and_follows_the_shipment(new_page, shop):
    shopper = new_page()
    number = _shopper_pays_two_merchants(shopper, shop)
    orders = {order.merchant_id: order for order in Order.objects.filter(user__email=SHOPPER_EMAIL)}
    assert {m: (o.status, o.total) for m, o in orders.items()} == {
        shop["lantern"].pk: ("paid", Decimal("37.00")),
        shop["harbor"].pk: ("paid", Decimal("34.90")),
    }
    assert list(Payment.objects.values_list("status", "amount")) == [("succeeded", Decimal("71.90"))]
    assert orders[shop["lantern"].pk].number == number

    # the shopper's order page before the merchant ships
    shopper.get_by_role("link", name=number).click()
    expect(shopper.locator("main")).to_contain_text("Status: Paid")
    expect(shopper.locator(".shipment-timeline")).to_contain_text("This order has not been shipped yet.")

    _merchant_ships(new_page(), shop, number)

    # then the shopper's order page shows the shipment
    shopper.reload()
    expect(shopper.locator("main")).to_contain_text("Status: Shipped")
    summary = shopper.locator(".shipment-summary")
    expect(summary).to_contain_text("SF EXPRESS")
    expect(summary).to_contain_text("SF1234567890")
    expect(shopper.locator(".order-history")).to_contain_text("Shipped")
    shopper.screenshot(path="/tmp/journey.png", full_page=True)
    assert list(Shipment.objects.values_list("order_id", "carrier", "tracking_number")) == [
        (orders[shop["lantern"].pk].pk, "sf express", "SF1234567890")
    ]
    assert Order.objects.get(pk=orders[shop["harbor"].pk].pk).status == "paid"


def test_the_chinese_home_page_renders(new_page, shop):
    # given the shop with products that have Chinese names
    page = new_page()

    # when a visitor opens the zh-hans home page
    response = page.goto(shop["url"] + "/zh-hans/")

    # then it is served in Chinese, with the products' Chinese names linking to zh-hans pages
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".logo")).to_contain_text("闪购商城")
    expect(page.get_by_role("link", name="购物车")).to_be_visible()
    cup = page.get_by_role("link", name=re.compile("玉茶杯")).first
    expect(cup).to_have_attribute("href", f"/zh-hans/p/{shop['cup'].pk}-red-lantern-product/")
