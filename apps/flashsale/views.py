"""The shopper's pages of a flash sale (inside i18n_patterns: /flash/..., /zh-hans/flash/...).

The sale page is the same for every visitor: published as a static file (publishing.py) and
served with the public Cache-Control of published pages. It carries neither a buyer token nor a
CSRF token and reads neither the session nor the user; sale.js fetches the live state
(api.state) and, for a logged-in buyer, the buyer token (api.token), then buys through the JSON
endpoint and polls the reservation, without a page reload.

Without JavaScript the sale page's form posts to `sale_join`, which reads the session: a
logged-in buyer gets a private copy of the page with a fresh buyer token and the CSRF token (one
click on "Buy now" posts it to `buy_form`), a visitor is sent to log in and comes back to it. The
buy form's view, like the JSON one, reads neither the session nor the database: the buyer is the
token's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.orders.services import FlashOrderNotPayable, order_flash_payment_start
from shop.publishing.http import public_page

from . import redis_store
from .api import MESSAGES, client_ip, quantity_parse
from .selectors import SalePage, reservation_view_get, sale_list_current, sale_live_state_get, sale_page_get
from .services import flash_sale_admit
from .tokens import HEADER, buyer_token_issue, buyer_token_verify


def _sale_context(page: SalePage) -> dict:
    sale_id = page.sale_id
    return {
        "page": page,
        "token_header": HEADER,
        "quantities": range(1, page.per_buyer_limit + 1),
        "state_url": reverse("flashsale_api:state", args=[sale_id]),
        "buy_api_url": reverse("flashsale_api:buy", args=[sale_id]),
        "token_url": reverse("flashsale_api:token"),
    }


@require_GET
@public_page()  # the published pages' Cache-Control, gzip (no secret in it), an ETag of its content
def sale_list(request: HttpRequest) -> HttpResponse:
    # The same for every visitor, like the sale page: published again whenever a sale changes.
    now = timezone.now()
    sales = [(page, page.public_state(now)) for page in sale_list_current()]
    return render(request, "flashsale/index.html", {"sales": sales, "page_is_public": True})


@require_GET
@public_page()
def sale_page(request: HttpRequest, sale_id: int) -> HttpResponse:
    page = sale_page_get(sale_id=sale_id)
    if page is None:
        raise Http404
    # Nothing here may depend on the visitor: this is the published file (published again when the
    # sale changes state: armed, started, paused, resumed, ended). The units left come from JSON.
    context = {**_sale_context(page), "page_is_public": True, "sale_state": page.public_state()}
    return render(request, "flashsale/sale.html", context)


@csrf_exempt  # it changes nothing: it only renders the buyer's private copy of the page
@require_http_methods(["GET", "POST"])
def sale_join(request: HttpRequest, sale_id: int) -> HttpResponse:
    page = sale_page_get(sale_id=sale_id)
    if page is None:
        raise Http404
    quantity = quantity_parse(request) if request.method == "POST" else _quantity_from_query(request)
    quantity = min(max(quantity or 1, 1), page.per_buyer_limit)
    here = reverse("flashsale:join", args=[sale_id])
    if not request.user.is_authenticated:
        return redirect_to_login(f"{here}?quantity={quantity}")
    try:
        live = sale_live_state_get(sale_id=sale_id)
    except redis_store.RedisUnavailable:
        live = None
    response = render(
        request,
        "flashsale/sale.html",
        {
            **_sale_context(page),
            "page_is_public": False,
            "live": live,
            "token": buyer_token_issue(user_id=request.user.pk),
            "chosen_quantity": quantity,
        },
    )
    # The page carries the buyer's token: never stored by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _quantity_from_query(request: HttpRequest) -> int | None:
    raw = request.GET.get("quantity", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else None


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
    status, message = MESSAGES.get(result.outcome, (503, _("Please retry.")))
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
