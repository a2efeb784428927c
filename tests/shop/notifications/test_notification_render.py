import pytest

from shop.notifications.services import notification_render

TEMPLATES = ["order_placed", "order_paid", "order_shipped", "order_refunded", "merchant_new_order"]


def test_order_shipped_in_english(order_context):
    # when
    rendered = notification_render(template="order_shipped", context=order_context, language="en")

    # then: one-line subject, lines and totals in the text body, nothing HTML-escaped there
    assert rendered.subject == "Your order SH-1001 has shipped"
    assert rendered.body_text.splitlines()[:5] == [
        "Hello Li <Wei>,",
        "",
        "Your order SH-1001 is on its way.",
        "Carrier: DHL",
        "Tracking number: JD0001",
    ]
    assert "- Blue mug (SKU MUG-1) × 2 @ 9.50 USD = 19.00 USD" in rendered.body_text
    assert "- Tea & honey (SKU TEA-7) × 1 @ 4.25 USD = 4.25 USD" in rendered.body_text
    assert "Shipping: 5.00 USD\nTotal: 28.25 USD" in rendered.body_text
    assert "Track your order: https://shop.example.com/orders/SH-1001/" in rendered.body_text
    # and the HTML body escapes what the shopper typed
    assert "Hello Li &lt;Wei&gt;," in rendered.body_html
    assert "<Wei>" not in rendered.body_html
    assert '<html lang="en">' in rendered.body_html


def test_order_shipped_in_simplified_chinese(order_context):
    rendered = notification_render(template="order_shipped", context=order_context, language="zh-hans")

    assert rendered.subject == "您的订单 SH-1001 已发货"
    assert "您的订单 SH-1001 正在配送途中。" in rendered.body_text
    assert "运费: 5.00 USD\n总计: 28.25 USD" in rendered.body_text
    assert '<html lang="zh-hans">' in rendered.body_html
    assert "承运商" in rendered.body_html


@pytest.mark.parametrize(
    ("template", "english", "chinese"),
    [
        ("order_placed", "We received your order SH-1001", "我们已收到您的订单 SH-1001"),
        ("order_paid", "Payment received for order SH-1001", "订单 SH-1001 已收到付款"),
        ("order_refunded", "Refund for order SH-1001", "订单 SH-1001 的退款"),
        ("merchant_new_order", "New order SH-1001 to ship", "新订单 SH-1001 待发货"),
    ],
)
def test_every_template_has_its_subject_in_both_languages(order_context, template, english, chinese):
    assert notification_render(template=template, context=order_context, language="en").subject == english
    assert (
        notification_render(template=template, context=order_context, language="zh-hans").subject == chinese
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_renders_lines_and_total_in_text_and_html(order_context, template):
    rendered = notification_render(template=template, context=order_context, language="en")

    assert "Total: 28.25 USD" in rendered.body_text
    assert "MUG-1" in rendered.body_html
    assert "28.25 USD" in rendered.body_html


def test_refund_mentions_the_refunded_amount(order_context):
    rendered = notification_render(
        template="order_refunded", context={**order_context, "refund_amount": "10.00"}, language="en"
    )

    assert "We refunded 10.00 USD for your order SH-1001." in rendered.body_text


@pytest.mark.parametrize("name", ["../secrets", "Order_Paid", "", "order paid"])
def test_a_bad_template_name_is_refused(name):
    with pytest.raises(ValueError, match="bad notification template name"):
        notification_render(template=name, context={}, language="en")
