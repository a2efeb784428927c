"""Cart pages: thin, each parses a form and calls one service; refusals become messages."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import CartAddForm, CartQuantityForm, form_error_text
from .selectors import SESSION_KEY, cart_id_for_request
from .services import (
    CartError,
    CartLineNotFound,
    cart_line_add_for_shopper,
    cart_line_remove,
    cart_line_set_quantity,
    cart_refresh,
)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("cart:detail")


def cart_detail(request):
    cart = cart_refresh(cart_id=cart_id_for_request(request), language=get_language())
    for notice in cart.notices:
        messages.warning(request, notice)
    return render(request, "cart/detail.html", {"cart": cart})


@require_POST
def cart_add(request):
    data = request.POST.copy()
    if "variant_id" not in data and "variant" in data:
        data["variant_id"] = data["variant"]  # the product page's radio buttons are named "variant"
    form = CartAddForm(data)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return _back(request)
    user_id = request.user.pk if request.user.is_authenticated else None
    cart_id = cart_id_for_request(request)
    try:
        new_cart_id, quantity = cart_line_add_for_shopper(
            user_id=user_id,
            cart_id=cart_id,
            variant_id=form.cleaned_data["variant_id"],
            quantity=form.cleaned_data["quantity"],
        )
    except CartError as exc:
        messages.error(request, str(exc))
        return _back(request)
    if user_id is None and new_cart_id != cart_id:
        request.session[SESSION_KEY] = new_cart_id  # the anonymous session starts here, not before
    messages.success(request, _("Added to your cart (%(n)s in cart).") % {"n": quantity})
    return redirect("cart:detail")


@require_POST
def cart_line_update(request, line_id: int):
    form = CartQuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("cart:detail")
    try:
        cart_line_set_quantity(
            cart_id=cart_id_for_request(request), line_id=line_id, quantity=form.cleaned_data["quantity"]
        )
    except CartLineNotFound:
        raise Http404 from None
    except CartError as exc:
        messages.error(request, str(exc))
    return redirect("cart:detail")


@require_POST
def cart_line_delete(request, line_id: int):
    try:
        cart_line_remove(cart_id=cart_id_for_request(request), line_id=line_id)
    except CartLineNotFound:
        raise Http404 from None
    return redirect("cart:detail")
