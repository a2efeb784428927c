"""Writes of the cart. Quantities are 1..the product's `max_per_order` and never above the stock
left; every refusal is a `CartError` whose message can be shown to the shopper as it is."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.catalog.selectors import variant_snapshots_get
from apps.inventory.selectors import stock_levels_get

from .models import Cart, CartLine
from .pricing import cart_evaluate, display_name
from .types import CartView


class CartError(Exception):
    """A request the cart refuses; str(error) is the message for the shopper."""


class CartLineNotFound(CartError):  # noqa: N818 - domain words
    pass


def cart_create() -> int:
    """A new anonymous cart (the caller keeps its id in the session)."""
    return Cart.objects.create().pk


def cart_for_user_ensure(*, user_id: int) -> int:
    cart_id = Cart.objects.filter(user_id=user_id).values_list("pk", flat=True).first()
    if cart_id:
        return cart_id
    try:
        with transaction.atomic():
            return Cart.objects.create(user_id=user_id).pk
    except IntegrityError:  # a concurrent request created it first
        return Cart.objects.get(user_id=user_id).pk


def _quantity_check(quantity) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise CartError(_("The quantity must be a whole number of at least 1."))


def _checked_quantity(*, variant_id: int, quantity: int):
    """The variant's snapshot when `quantity` of it may be in a cart, else CartError."""
    _quantity_check(quantity)
    snapshot = variant_snapshots_get(variant_ids=[variant_id]).get(variant_id)
    if snapshot is None or not snapshot.is_available:
        raise CartError(_("This product is not available."))
    name = display_name(snapshot)
    if quantity > snapshot.max_per_order:
        raise CartError(
            _("You can buy at most %(max)s of %(name)s per order.")
            % {"max": snapshot.max_per_order, "name": name}
        )
    level = stock_levels_get(variant_ids=[variant_id]).get(variant_id)
    left = level.available if level else 0
    if left <= 0:
        raise CartError(_("%(name)s is sold out.") % {"name": name})
    if quantity > left:
        raise CartError(_("Only %(left)s of %(name)s left.") % {"left": left, "name": name})
    return snapshot


def cart_line_add(*, cart_id: int, variant_id: int, quantity: int) -> int:
    """Adds `quantity` to the variant's line (creating it); returns the line's new quantity."""
    _quantity_check(quantity)
    current = (
        CartLine.objects.filter(cart_id=cart_id, variant_id=variant_id)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )
    snapshot = _checked_quantity(variant_id=variant_id, quantity=current + quantity)
    CartLine.objects.update_or_create(
        cart_id=cart_id,
        variant_id=variant_id,
        defaults={
            "quantity": current + quantity,
            "unit_price_seen": snapshot.price,
            "currency": snapshot.currency,
        },
    )
    return current + quantity


def _line_get(*, cart_id: int, line_id: int) -> CartLine:
    line = CartLine.objects.filter(pk=line_id, cart_id=cart_id).first()
    if line is None:
        raise CartLineNotFound(_("This line is not in your cart."))
    return line


def cart_line_set_quantity(*, cart_id: int | None, line_id: int, quantity: int) -> int:
    line = _line_get(cart_id=cart_id, line_id=line_id)
    snapshot = _checked_quantity(variant_id=line.variant_id, quantity=quantity)
    CartLine.objects.filter(pk=line.pk).update(
        quantity=quantity, unit_price_seen=snapshot.price, currency=snapshot.currency
    )
    return quantity


def cart_line_remove(*, cart_id: int | None, line_id: int) -> None:
    line = _line_get(cart_id=cart_id, line_id=line_id)
    CartLine.objects.filter(pk=line.pk).delete()


def cart_clear(*, cart_id: int) -> None:
    CartLine.objects.filter(cart_id=cart_id).delete()


def cart_refresh(*, cart_id: int | None, language: str | None = None) -> CartView:
    """Reprices the cart, cuts quantities to what is allowed and left, drops what cannot be bought,
    and remembers the prices now shown; returns the cart with a notice per change."""
    evaluation = cart_evaluate(cart_id=cart_id, language=language)
    if evaluation.updates or evaluation.removals:
        with transaction.atomic():
            CartLine.objects.filter(pk__in=evaluation.removals, cart_id=cart_id).delete()
            for line_id, (quantity, price, currency) in evaluation.updates.items():
                CartLine.objects.filter(pk=line_id, cart_id=cart_id).update(
                    quantity=quantity, unit_price_seen=price, currency=currency
                )
    return evaluation.view


def cart_merge(*, source_cart_id: int, user_id: int) -> int:
    """Moves an anonymous cart's lines into the user's cart (quantities added, capped at the
    product's limit) and deletes the anonymous cart; returns the user's cart id."""
    target_id = cart_for_user_ensure(user_id=user_id)
    if source_cart_id == target_id:
        return target_id
    with transaction.atomic():
        source_lines = list(CartLine.objects.filter(cart_id=source_cart_id, cart__user__isnull=True))
        ids = [line.variant_id for line in source_lines]
        snapshots = variant_snapshots_get(variant_ids=ids) if ids else {}
        existing = dict(CartLine.objects.filter(cart_id=target_id).values_list("variant_id", "quantity"))
        for line in source_lines:
            snapshot = snapshots.get(line.variant_id)
            limit = snapshot.max_per_order if snapshot else line.quantity
            quantity = min(limit, existing.get(line.variant_id, 0) + line.quantity)
            CartLine.objects.update_or_create(
                cart_id=target_id,
                variant_id=line.variant_id,
                defaults={
                    "quantity": quantity,
                    "unit_price_seen": line.unit_price_seen,
                    "currency": line.currency,
                },
            )
        Cart.objects.filter(pk=source_cart_id, user__isnull=True).delete()
    return target_id


def cart_line_add_for_shopper(
    *, user_id: int | None, cart_id: int | None, variant_id: int, quantity: int
) -> tuple[int, int]:
    """Adds to the shopper's cart, creating the cart only when the line is accepted; returns
    (cart id, the line's new quantity)."""
    with transaction.atomic():
        if cart_id is None:
            cart_id = cart_for_user_ensure(user_id=user_id) if user_id else cart_create()
        return cart_id, cart_line_add(cart_id=cart_id, variant_id=variant_id, quantity=quantity)
