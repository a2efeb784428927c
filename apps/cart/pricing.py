"""Reprices a cart against the catalog and the stock: the one place that decides what changed."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from apps.catalog.selectors import variant_snapshots_get
from apps.inventory.selectors import stock_levels_get
from shop.core.money import Money

from .models import CartLine
from .types import CartLineView, CartView


@dataclass
class Evaluation:
    view: CartView
    updates: dict[int, tuple[int, Decimal, str]] = field(default_factory=dict)  # line id -> qty, price, cur
    removals: list[int] = field(default_factory=list)


def display_name(snapshot) -> str:
    if snapshot.variant_name:
        return f"{snapshot.product_name} ({snapshot.variant_name})"
    return snapshot.product_name


def cart_evaluate(*, cart_id: int | None, language: str | None = None) -> Evaluation:
    lines = list(CartLine.objects.filter(cart_id=cart_id)) if cart_id else []
    ids = [line.variant_id for line in lines]
    snapshots = variant_snapshots_get(variant_ids=ids, language=language) if ids else {}
    stock = stock_levels_get(variant_ids=ids) if ids else {}
    evaluation = Evaluation(
        view=CartView(cart_id=cart_id, lines=(), notices=(), currency=settings.SHOP_CURRENCY)
    )
    views: list[CartLineView] = []
    notices: list[str] = []
    for line in lines:
        snapshot = snapshots.get(line.variant_id)
        if snapshot is None or not snapshot.is_available:
            name = display_name(snapshot) if snapshot else _("An item")
            notices.append(
                _("%(name)s is no longer available and was removed from your cart.") % {"name": name}
            )
            evaluation.removals.append(line.pk)
            continue
        name = display_name(snapshot)
        left = stock[line.variant_id].available if line.variant_id in stock else 0
        if left <= 0:
            notices.append(_("%(name)s is sold out and was removed from your cart.") % {"name": name})
            evaluation.removals.append(line.pk)
            continue
        quantity = line.quantity
        if quantity > snapshot.max_per_order:
            quantity = snapshot.max_per_order
            notices.append(
                _("At most %(max)s of %(name)s per order: quantity reduced to %(max)s.")
                % {"max": quantity, "name": name}
            )
        if quantity > left:
            quantity = left
            notices.append(
                _("Only %(left)s of %(name)s left: quantity reduced to %(left)s.")
                % {"left": left, "name": name}
            )
        if line.unit_price_seen != snapshot.price or line.currency != snapshot.currency:
            notices.append(
                _("The price of %(name)s changed from %(old)s to %(new)s.")
                % {
                    "name": name,
                    "old": Money(line.unit_price_seen, line.currency),
                    "new": Money(snapshot.price, snapshot.currency),
                }
            )
        if (
            quantity != line.quantity
            or line.unit_price_seen != snapshot.price
            or line.currency != snapshot.currency
        ):
            evaluation.updates[line.pk] = (quantity, snapshot.price, snapshot.currency)
        views.append(_line_view(line_id=line.pk, snapshot=snapshot, quantity=quantity))
    currency = views[0].currency if views else settings.SHOP_CURRENCY
    evaluation.view = CartView(cart_id=cart_id, lines=tuple(views), notices=tuple(notices), currency=currency)
    return evaluation


def _line_view(*, line_id: int, snapshot, quantity: int) -> CartLineView:
    return CartLineView(
        line_id=line_id,
        variant_id=snapshot.variant_id,
        product_id=snapshot.product_id,
        merchant_id=snapshot.merchant_id,
        merchant_name=snapshot.merchant_name,
        product_name=snapshot.product_name,
        variant_name=snapshot.variant_name,
        sku=snapshot.sku,
        unit_price=snapshot.price,
        currency=snapshot.currency,
        quantity=quantity,
        max_per_order=snapshot.max_per_order,
        weight_grams=snapshot.weight_grams,
        thumbnail_url=snapshot.thumbnail_url,
        product_url=snapshot.product_url,
    )
