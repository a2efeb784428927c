from decimal import Decimal

from django import template

from shop.core.money import Money

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£", "JPY": "¥"}


@register.filter
def money(value: Money | None) -> str:
    """`Money(Decimal("1234.5"), "USD")` -> "$1,234.50"; an unknown currency keeps its code."""
    if value is None:
        return ""
    amount = f"{Decimal(value.amount):,.2f}"
    symbol = CURRENCY_SYMBOLS.get(value.currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {value.currency}"
