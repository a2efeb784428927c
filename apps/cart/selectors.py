from django.db.models import Sum

from .models import Cart, CartLine
from .pricing import cart_evaluate
from .types import CartView

SESSION_KEY = "cart_id"


def cart_get(*, cart_id: int | None, language: str | None = None) -> CartView:
    """The cart repriced from the catalog and the stock, with a notice per change; writes nothing
    (`services.cart_refresh` stores what the shopper has now been shown)."""
    return cart_evaluate(cart_id=cart_id, language=language).view


def cart_id_for_user(*, user_id: int) -> int | None:
    return Cart.objects.filter(user_id=user_id).values_list("pk", flat=True).first()


def cart_id_for_request(request) -> int | None:
    """The user's cart, else the anonymous cart the session points at; never creates one (nor the
    session)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return cart_id_for_user(user_id=user.pk)
    session = getattr(request, "session", None)
    if session is None:
        return None
    cart_id = session.get(SESSION_KEY)
    return cart_id if isinstance(cart_id, int) else None


def cart_count_get(*, cart_id: int | None) -> int:
    if not cart_id:
        return 0
    return CartLine.objects.filter(cart_id=cart_id).aggregate(total=Sum("quantity"))["total"] or 0


def cart_count_for_request(request) -> int:
    """Units in the shopper's cart: one query for a user, none for a visitor without a cart."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user_id=user.pk)
        return lines.aggregate(total=Sum("quantity"))["total"] or 0
    return cart_count_get(cart_id=cart_id_for_request(request))
