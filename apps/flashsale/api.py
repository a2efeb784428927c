"""The JSON endpoints of flash sales (no language prefix; /flash/api/...).

Plain Django views rather than DRF: the buy endpoint is the hottest path of the shop and must not
pay for content negotiation, authentication classes or a session. It identifies the buyer by the
signed token of the `X-Flash-Token` header (tokens.py; no database, no session), is exempt from
CSRF for that reason (a header a foreign site cannot make a browser send), and makes no SQL query
while the sale is in Redis (tests/apps/flashsale/test_api.py asserts 0 queries).

    POST /flash/api/sales/<id>/buy/          {"quantity": 1}  (JSON or form-encoded; default 1)
      202 {"reservation_id", "status_url", "units_left"}   admitted: the order is being created
      400 bad_quantity   401 not_logged_in   404 unknown_sale
      409 sold_out | over_limit | not_started   410 ended
      429 rate_limited (Retry-After)   503 paused | unavailable | busy (Retry-After: please retry)
    GET  /flash/api/sales/<id>/state/        live state, Cache-Control: public, max-age=1
    GET  /flash/api/reservations/<rid>/      the buyer's reservation (token), another's is a 404
    GET  /flash/api/token/                   a buyer token for the logged-in session
"""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import redis_store
from .selectors import reservation_view_get, sale_live_state_get
from .services import flash_sale_admit
from .tokens import HEADER, buyer_token_issue, buyer_token_verify
from .types import AdmissionResult, ReservationView

MAX_QUANTITY_INPUT = 1000
RETRY_AFTER_SECONDS = "1"


def _error(status: int, code: str, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": code, "message": message, **extra}, status=status)
    if status in (429, 503):
        response["Retry-After"] = RETRY_AFTER_SECONDS
    response["Cache-Control"] = "no-store"
    if code in EXPECTED_REFUSALS:
        # Thousands of buyers told "sold out" in the same second are the sale working, not
        # warnings: Django's request logger would write a JSON line for each (a tenth of the
        # refused request's cost). The admission metrics count them instead.
        response._has_been_logged = True
    return response


# Lazy, so a refused request translates only the one message it returns.
MESSAGES: dict[str, tuple[int, str]] = {
    "sold_out": (409, gettext_lazy("Sold out.")),
    "over_limit": (409, gettext_lazy("You already hold as many units as a buyer may.")),
    "not_started": (409, gettext_lazy("The sale has not started yet.")),
    "ended": (410, gettext_lazy("The sale is over.")),
    "unknown_sale": (404, gettext_lazy("There is no such sale.")),
    "bad_quantity": (400, gettext_lazy("Choose a quantity between 1 and the limit per buyer.")),
    "rate_limited": (429, gettext_lazy("Too many requests; please wait a second.")),
    "paused": (503, gettext_lazy("The sale is paused; please retry in a moment.")),
    "unavailable": (503, gettext_lazy("We could not take your request right now; please retry.")),
    "busy": (503, gettext_lazy("Many buyers right now; please retry.")),
}
EXPECTED_REFUSALS = frozenset({"sold_out", "over_limit", "not_started", "ended", "rate_limited", "busy"})


def admission_response(result: AdmissionResult) -> JsonResponse:
    if result.admitted:
        response = JsonResponse(
            {
                "reservation_id": result.reservation_id,
                "status_url": reverse("flashsale_api:reservation", args=[result.reservation_id]),
                "units_left": result.units_left,
            },
            status=202,
        )
        response["Cache-Control"] = "no-store"
        return response
    status, message = MESSAGES.get(result.outcome, (503, gettext_lazy("Please retry.")))
    extra = {"limit": result.limit} if result.outcome in ("over_limit", "bad_quantity") else {}
    if result.outcome == "sold_out" and result.units_left is not None:
        extra["units_left"] = result.units_left  # > 0: fewer left than the quantity asked for
    return _error(status, result.outcome, str(message), **extra)


def quantity_parse(request: HttpRequest) -> int | None:
    """The requested quantity (default 1), or None when it is not a whole number in a sane range."""
    raw: object = request.POST.get("quantity") if request.POST else None
    if raw is None and request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        raw = body.get("quantity", 1)
    if raw is None:
        return 1
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and len(raw) < 12:
        value = int(raw)
    else:
        return None
    return value if -MAX_QUANTITY_INPUT <= value <= MAX_QUANTITY_INPUT else None


def client_ip(request: HttpRequest) -> str:
    # The reverse proxy sets REMOTE_ADDR to the client (nginx real_ip), never a header we trust here.
    return request.META.get("REMOTE_ADDR", "")


@csrf_exempt
@require_POST
def buy(request: HttpRequest, sale_id: int) -> JsonResponse:
    user_id = buyer_token_verify(request.headers.get(HEADER))
    if user_id is None:
        return _error(401, "not_logged_in", _("Log in to join the sale."))
    quantity = quantity_parse(request)
    if quantity is None:
        return _error(400, "bad_quantity", _("The quantity must be a whole number."))
    result = flash_sale_admit(
        sale_id=sale_id, user_id=user_id, quantity=quantity, client_ip=client_ip(request)
    )
    return admission_response(result)


@require_GET
def state(request: HttpRequest, sale_id: int) -> JsonResponse:
    try:
        live = sale_live_state_get(sale_id=sale_id)
    except redis_store.RedisUnavailable:
        return _error(503, "unavailable", _("Please retry."))
    if live is None:
        return _error(404, "unknown_sale", _("There is no such sale."))
    response = JsonResponse(live.as_json())
    response["Cache-Control"] = "public, max-age=1"
    return response


def reservation_json(view: ReservationView) -> dict:
    data = {
        "reservation_id": view.reservation_id,
        "sale_id": view.sale_id,
        "status": view.status,
        "status_label": view.status_label,
    }
    if view.order_number:
        data["order_number"] = view.order_number
        data["order_url"] = reverse("orders:detail", args=[view.order_number])
        data["expires_at"] = view.expires_at.isoformat() if view.expires_at else None
    if view.status == "ordered":
        data["pay_url"] = reverse("flashsale:reservation_pay", args=[view.reservation_id])
    if view.failure_reason:
        data["reason"] = view.failure_reason
    return data


@require_GET
def reservation(request: HttpRequest, reservation_id: str) -> JsonResponse:
    user_id = buyer_token_verify(request.headers.get(HEADER))
    if user_id is None:
        return _error(401, "not_logged_in", _("Log in to see your reservation."))
    try:
        view = reservation_view_get(reservation_id=reservation_id, user_id=user_id)
    except redis_store.RedisUnavailable:
        return _error(503, "unavailable", _("Please retry."))
    if view is None:
        return _error(404, "unknown_reservation", _("There is no such reservation."))
    response = JsonResponse(reservation_json(view))
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
def token(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return _error(401, "not_logged_in", _("Log in to join the sale."))
    return JsonResponse({"token": buyer_token_issue(user_id=request.user.pk), "header": HEADER})
