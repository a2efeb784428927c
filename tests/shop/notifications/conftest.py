import pytest


@pytest.fixture
def order_context():
    """The plain dict the orders app passes to the order e-mails."""
    return {
        "order_number": "SH-1001",
        "shopper_name": "Li <Wei>",
        "lines": [
            {"name": "Blue mug", "sku": "MUG-1", "quantity": 2, "unit_price": "9.50", "line_total": "19.00"},
            {
                "name": "Tea & honey",
                "sku": "TEA-7",
                "quantity": 1,
                "unit_price": "4.25",
                "line_total": "4.25",
            },
        ],
        "subtotal": "23.25",
        "shipping_total": "5.00",
        "total": "28.25",
        "currency": "USD",
        "order_url": "https://shop.example.com/orders/SH-1001/",
        "carrier": "DHL",
        "tracking_number": "JD0001",
        "refund_amount": "28.25",
        "merchant_name": "Tea House",
    }
