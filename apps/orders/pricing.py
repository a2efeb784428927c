"""Builds the checkout summary from the repriced cart: the same code computes what the checkout
page shows and what `checkout_place` charges, so the two cannot disagree."""

from collections.abc import Mapping
from decimal import Decimal

from apps.cart.types import CartView
from apps.shipping.selectors import shipping_methods_for_merchants, shipping_quote
from apps.shipping.types import ShippingMethodInfo, ShippingMethodUnavailable

from .types import CheckoutSummary, MerchantGroup


class ShippingChoiceInvalid(Exception):  # noqa: N818
    def __init__(self, merchant_name: str):
        self.merchant_name = merchant_name
        super().__init__(f"invalid shipping method for {merchant_name}")


def shipping_cost(
    *, method_id: int | None, merchant_id: int, weight_grams: int, subtotal: Decimal
) -> Decimal:
    """The one place the price of a merchant's parcel is asked for (shipping app's quote); a
    merchant that offers no method ships for free."""
    if method_id is None:
        return Decimal("0.00")
    return shipping_quote(
        method_id=method_id, merchant_id=merchant_id, weight_grams=weight_grams, subtotal=subtotal
    )


def _chosen(
    methods: list[ShippingMethodInfo], wanted: int | None, merchant_name: str
) -> ShippingMethodInfo | None:
    if wanted is None:
        return methods[0] if methods else None
    for method in methods:
        if method.id == wanted:
            return method
    raise ShippingChoiceInvalid(merchant_name)


def checkout_summary_build(
    *, cart: CartView, shipping_method_ids: Mapping[int, int | None]
) -> CheckoutSummary:
    """Groups the cart by merchant (merchant id order) with each group's shipping; a merchant with
    no choice gets its first method. Raises ShippingChoiceInvalid for a method that is not one of
    the merchant's active ones."""
    by_merchant: dict[int, list] = {}
    for line in cart.lines:
        by_merchant.setdefault(line.merchant_id, []).append(line)
    methods = shipping_methods_for_merchants(merchant_ids=by_merchant) if by_merchant else {}
    groups = []
    for merchant_id in sorted(by_merchant):
        lines = by_merchant[merchant_id]
        name = lines[0].merchant_name
        offered = methods.get(merchant_id, [])
        method = _chosen(offered, shipping_method_ids.get(merchant_id), name)
        subtotal = sum((line.line_total for line in lines), Decimal("0.00"))
        weight = sum(line.weight_grams * line.quantity for line in lines)
        try:
            shipping = shipping_cost(
                method_id=method.id if method else None,
                merchant_id=merchant_id,
                weight_grams=weight,
                subtotal=subtotal,
            )
        except ShippingMethodUnavailable:
            raise ShippingChoiceInvalid(name) from None
        groups.append(
            MerchantGroup(
                merchant_id=merchant_id,
                merchant_name=name,
                lines=tuple(lines),
                methods=tuple(offered),
                method_id=method.id if method else None,
                method_name=method.name if method else "",
                weight_grams=weight,
                subtotal=subtotal,
                shipping=shipping,
            )
        )
    return CheckoutSummary(groups=tuple(groups), currency=cart.currency, notices=cart.notices)
