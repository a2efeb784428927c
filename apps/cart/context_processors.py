from django.utils.functional import SimpleLazyObject

from .selectors import cart_count_for_request


def cart_count(request) -> dict:
    """`cart_count` for the nav: lazy, so a page that does not show it costs nothing, and one SUM
    query when it does; an anonymous visitor without a cart costs no query and no session."""
    return {"cart_count": SimpleLazyObject(lambda: cart_count_for_request(request))}
