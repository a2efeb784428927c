"""Shopper account pages. Views parse the form and call one service; reads go through
request.user's own rows, so another user's address is a 404 by construction."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.accounts import services
from shop.accounts.forms import AddressCreateForm, AddressForm, ProfileForm, SignupForm
from shop.accounts.models import Address

# Sign-up logs the new user in directly; with axes installed too, Django must be told which
# backend vouches for the user.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _add_service_errors(form, exc: ValidationError, field_map: dict[str, str]) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = field_map.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


def _safe_next(request: HttpRequest) -> str:
    """The page to go back to (`next`, posted or in the query) when it is on this site, else ""."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_url(request: HttpRequest) -> str:
    return _safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc, {"password": "password1"})
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect(_next_url(request))
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request)})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, full_name=form.cleaned_data["full_name"])
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def address_list(request: HttpRequest) -> HttpResponse:
    addresses = request.user.addresses.order_by("-is_default", "-created_at", "-pk")
    return render(request, "accounts/address_list.html", {"addresses": addresses})


@login_required
def address_create(request: HttpRequest) -> HttpResponse:
    # Checkout links here with ?next= so the shopper comes back to it with the new address.
    next_url = _safe_next(request)
    form = AddressCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc, {})
        else:
            messages.success(request, _("The address has been added."))
            return redirect(next_url or "accounts:address_list")
    return render(request, "accounts/address_form.html", {"form": form, "is_new": True, "next": next_url})


@login_required
def address_update(request: HttpRequest, pk: int) -> HttpResponse:
    address = get_object_or_404(request.user.addresses, pk=pk)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(user=request.user, address_id=address.pk, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc, {})
        else:
            messages.success(request, _("The address has been saved."))
            return redirect("accounts:address_list")
    return render(request, "accounts/address_form.html", {"form": form, "is_new": False, "address": address})


@require_POST
@login_required
def address_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.address_delete(user=request.user, address_id=pk)
    except Address.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("The address has been deleted."))
    return redirect("accounts:address_list")


@require_POST
@login_required
def address_set_default(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.address_set_default(user=request.user, address_id=pk)
    except Address.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("Your default address has been changed."))
    return redirect("accounts:address_list")
