"""The live parts of published pages, as small JSON answers that static/js/live.js fetches.

- /live/session/: the shopper's cart count, name and a CSRF token for the page's forms. Private to
  the browser (Cache-Control: private, max-age=5; Vary: Cookie) and never gzipped (it carries a
  secret: BREACH).
- /live/product/<id>/: in stock / units left (when few) and the flash-sale state. The same for
  everyone: public, max-age=5, and kept 2 s in the two-level cache, so a refresh storm costs one
  stock query every 2 s.
"""

from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from apps.cart.selectors import cart_count_for_request
from apps.flashsale import selectors as flashsale_selectors
from apps.inventory.selectors import stock_levels_get
from shop.core.cache import cache_get_or_build

from .selectors import product_get

LIVE_SECONDS = 5
LIVE_CACHE_SECONDS = 2
# At or below this many units the page says "only N left"; above, just "in stock".
LOW_STOCK = 10


@require_safe
def session_state(request: HttpRequest) -> JsonResponse:
    user = request.user
    response = JsonResponse(
        {
            "cart_count": cart_count_for_request(request),
            "user": {"name": user.get_short_name()} if user.is_authenticated else None,
            "csrf_token": get_token(request),
        }
    )
    patch_cache_control(response, private=True, max_age=LIVE_SECONDS)
    patch_vary_headers(response, ("Cookie",))
    response.ignores_accept_language = True
    return response


def _flash_sale_state(variant_ids: list[int]) -> dict | None:
    """The running, paused or coming sale of one of these variants, if any."""
    if not variant_ids:
        return None
    try:
        state = flashsale_selectors.sale_live_state_for_variants(variant_ids=variant_ids)
    except Exception:  # a live part never breaks its page: then no sale state is shown
        return None
    if state is None:
        return None
    return {
        "sale_id": state.sale_id,
        "state": state.state,
        "units_left": state.units_left,
        "starts_at": state.starts_at.isoformat(),
        "ends_at": state.ends_at.isoformat(),
    }


def product_state_get(*, product_id: int) -> dict | None:
    product = product_get(product_id=product_id, language=None)
    if product is None:
        return None
    variant_ids = [variant.id for variant in product.variants]
    levels = stock_levels_get(variant_ids=variant_ids)
    available = {
        variant_id: max(levels[variant_id].available, 0) if variant_id in levels else 0
        for variant_id in variant_ids
    }
    total = sum(available.values())
    return {
        "product_id": product_id,
        "in_stock": total > 0,
        "stock_left": total if 0 < total <= LOW_STOCK else None,
        "variants": {str(variant_id): units > 0 for variant_id, units in available.items()},
        "flash_sale": _flash_sale_state(variant_ids),
    }


@require_safe
@gzip_page
def product_state(request: HttpRequest, pk: int) -> JsonResponse:
    state = cache_get_or_build(
        key=f"catalog:live:{pk}", build=lambda: product_state_get(product_id=pk), timeout=LIVE_CACHE_SECONDS
    )
    if state is None:
        return JsonResponse({"error": "no such product"}, status=404)
    response = JsonResponse(state)
    patch_cache_control(response, public=True, max_age=LIVE_SECONDS)
    response.ignores_accept_language = True
    return response
