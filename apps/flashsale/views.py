"""The shopper's pages of a flash sale (inside i18n_patterns: /flash/..., /zh-hans/flash/...).

The sale page works without JavaScript (a form that posts the buyer token and the CSRF token,
then a status page that refreshes itself) and with it (sale.js posts to the JSON endpoint and
polls the status endpoint, no page reload). The buy form's view, like the JSON one, reads neither
the session nor the database: the buyer is the token's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.orders.services import FlashOrderNotPayable, order_flash_payment_start

from . import redis_store
from .api import _messages, client_ip, quantity_parse
from .selectors import reservation_view_get, sale_live_state_get, sale_page_get
from .services import flash_sale_admit
from .tokens import HEADER, buyer_token_issue, buyer_token_verify


@require_GET
def sale_page(request: HttpRequest, sale_id: int) -> HttpResponse:
    page = sale_page_get(sale_id=sale_id)
    if page is None:
        raise Http404
    try:
        live = sale_live_state_get(sale_id=sale_id)
    except redis_store.RedisUnavailable:
        live = None
    token = buyer_token_issue(user_id=request.user.pk) if request.user.is_authenticated else ""
    response = render(
        request,
        "flashsale/sale.html",
        {
            "page": page,
            "live": live,
            "token": token,
            "token_header": HEADER,
            "quantities": range(1, page.per_buyer_limit + 1),
            "state_url": reverse("flashsale_api:state", args=[sale_id]),
            "buy_api_url": reverse("flashsale_api:buy", args=[sale_id]),
        },
    )
    # The page carries the buyer's token: never stored by a shared cache.
    response["Cache-Control"] = "private, no-store" if token else "public, max-age=30"
    return response


@require_POST
def buy_form(request: HttpRequest, sale_id: int) -> HttpResponse:
    user_id = buyer_token_verify(request.POST.get("token"))
    if user_id is None:
        return _refused(request, sale_id, 401, _("Log in to join the sale."))
    quantity = quantity_parse(request)
    if quantity is None:
        return _refused(request, sale_id, 400, _("The quantity must be a whole number."))
    result = flash_sale_admit(
        sale_id=sale_id, user_id=user_id, quantity=quantity, client_ip=client_ip(request)
    )
    if result.admitted:
        return redirect("flashsale:reservation", reservation_id=result.reservation_id)
    status, message = _messages().get(result.outcome, (503, _("Please retry.")))
    return _refused(request, sale_id, status, message)


def _refused(request: HttpRequest, sale_id: int, status: int, message: str) -> HttpResponse:
    # A tiny page with no database query: refused buyers are most of a sale's traffic.
    response = render(
        request,
        "flashsale/refused.html",
        {
            "message": message,
            "sale_url": reverse("flashsale:sale", args=[sale_id]),
            "retry": status in (429, 503),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def reservation_page(request: HttpRequest, reservation_id: str) -> HttpResponse:
    try:
        view = reservation_view_get(reservation_id=reservation_id, user_id=request.user.pk)
    except redis_store.RedisUnavailable:
        view = None
    if view is None:
        raise Http404
    response = render(
        request,
        "flashsale/reservation.html",
        {
            "reservation": view,
            "token": buyer_token_issue(user_id=request.user.pk),
            "token_header": HEADER,
            "status_url": reverse("flashsale_api:reservation", args=[reservation_id]),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def reservation_pay(request: HttpRequest, reservation_id: str) -> HttpResponse:
    view = reservation_view_get(reservation_id=reservation_id, user_id=request.user.pk)
    if view is None:
        raise Http404
    if view.status != "ordered" or view.order_id is None:
        messages.error(request, _("This order can no longer be paid."))
        return redirect("flashsale:reservation", reservation_id=reservation_id)
    try:
        start = order_flash_payment_start(order_id=view.order_id, user_id=request.user.pk)
    except FlashOrderNotPayable:
        messages.error(request, _("This order can no longer be paid."))
        return redirect("flashsale:reservation", reservation_id=reservation_id)
    return redirect(start.redirect_url)
