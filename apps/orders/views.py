"""Checkout and the shopper's orders: thin views around `checkout_place` and the selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.cart.selectors import cart_id_for_request
from apps.cart.services import cart_refresh
from apps.payments.services import PaymentError

from .forms import CheckoutForm, posted_shipping_choices, shipping_field_name
from .pricing import ShippingChoiceInvalid
from .selectors import address_list_for_user, checkout_summary_get, order_get_for_user, order_list_for_user
from .services import CartChanged, CartEmpty, CheckoutError, OutOfStock, checkout_place, idempotency_key_new


def _summary(cart_id, choices):
    try:
        return checkout_summary_get(cart_id=cart_id, shipping_method_ids=choices, language=get_language())
    except ShippingChoiceInvalid:
        return checkout_summary_get(cart_id=cart_id, shipping_method_ids={}, language=get_language())


def _render_checkout(request, *, cart_id, choices=None, error: str = "", status: int = 200, form=None):
    summary = _summary(cart_id, choices or {})
    addresses = address_list_for_user(user_id=request.user.pk)
    if form is None:
        initial = {
            "idempotency_key": idempotency_key_new(),
            "expected_total": summary.total,
            "address": request.POST.get("address") or (addresses[0].pk if addresses else None),
        }
        initial.update(
            {shipping_field_name(g.merchant_id): g.method_id for g in summary.groups if g.method_id}
        )
        form = CheckoutForm(addresses=addresses, summary=summary, initial=initial)
    context = {"summary": summary, "form": form, "addresses": addresses, "error": error}
    return render(request, "orders/checkout.html", context, status=status)


@login_required
def checkout(request):
    cart_id = cart_id_for_request(request)
    if request.method == "POST" and request.POST.get("action") == "place":
        return _checkout_place(request, cart_id)
    cart = cart_refresh(cart_id=cart_id, language=get_language())
    for notice in cart.notices:
        messages.warning(request, notice)
    if cart.is_empty:
        messages.info(request, _("Your cart is empty."))
        return redirect("cart:detail")
    choices = posted_shipping_choices(request.POST) if request.method == "POST" else {}
    return _render_checkout(request, cart_id=cart_id, choices=choices)


def _checkout_place(request, cart_id):
    choices = posted_shipping_choices(request.POST)
    summary = _summary(cart_id, choices)
    addresses = address_list_for_user(user_id=request.user.pk)
    form = CheckoutForm(request.POST, addresses=addresses, summary=summary)
    if not form.is_valid():
        return _render_checkout(request, cart_id=cart_id, choices=choices, form=form, status=400)
    try:
        result = checkout_place(
            user_id=request.user.pk,
            cart_id=cart_id,
            idempotency_key=form.cleaned_data["idempotency_key"],
            address_id=form.cleaned_data["address"],
            shipping_method_ids=form.shipping_method_ids(),
            expected_total=form.cleaned_data["expected_total"],
        )
    except (CartChanged, CartEmpty, OutOfStock) as exc:
        cart_refresh(cart_id=cart_id, language=get_language())
        messages.error(request, str(exc))
        return redirect("cart:detail")
    except CheckoutError as exc:
        return _render_checkout(request, cart_id=cart_id, choices=choices, error=str(exc), status=400)
    except PaymentError:
        error = _("The payment service did not answer; nothing was charged. Please try again.")
        return _render_checkout(request, cart_id=cart_id, choices=choices, error=error, status=503)
    return HttpResponseRedirect(result.redirect_url)


@login_required
def checkout_done(request, checkout_id: int):
    orders = order_list_for_user(user_id=request.user.pk, checkout_id=checkout_id)
    if not orders:
        raise Http404
    return render(request, "orders/checkout_done.html", {"orders": orders})


@login_required
def order_list(request):
    page = Paginator(order_list_for_user(user_id=request.user.pk), 20).get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page": page})


@login_required
def order_detail(request, number: str):
    order = order_get_for_user(user_id=request.user.pk, number=number)
    if order is None:
        raise Http404
    return render(request, "orders/order_detail.html", {"order": order})
