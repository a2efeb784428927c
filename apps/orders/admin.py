"""Merchant admin for orders: each merchant sees only its own; ship, cancel and refund are actions
that call the services (nothing is edited by hand)."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.payments.services import PaymentError
from apps.shipping.types import TrackingNumberInUse
from shop.accounts.admin_scoping import MerchantScopedAdminMixin

from .models import Order, OrderEvent, OrderLine
from .services import IllegalTransition, RefundInvalid, order_cancel, order_refund, order_ship


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=40)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64)


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty to refund everything not yet refunded."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = readonly_fields = ("name", "sku", "variant_id", "unit_price", "quantity")


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = readonly_fields = ("created_at", "from_status", "to_status", "actor", "note")


@admin.register(Order)
class OrderAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "merchant",
        "user",
        "status",
        "total",
        "refunded_total",
        "currency",
        "created_at",
    )
    list_filter = ("status", "merchant")
    search_fields = ("=number", "user__email")
    date_hierarchy = "created_at"
    readonly_fields = (
        "number",
        "merchant",
        "user",
        "status",
        "subtotal",
        "shipping_total",
        "total",
        "refunded_total",
        "currency",
        "shipping_address",
        "shipping_method_name",
        "expires_at",
        "paid_at",
        "created_at",
    )
    fields = readonly_fields
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["ship_orders", "cancel_orders", "refund_orders"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merchant", "user")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Every field is read-only: saving the loaded row back could undo a concurrent status
        # change (a payment arriving). Orders change only through the actions' services.
        return None

    def save_related(self, request, form, formsets, change):
        return None

    def _form_page(self, request, *, form, queryset, action, title, submit):
        return render(
            request,
            "orders/admin_action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "objects": list(queryset),
                "action": action,
                "submit_label": submit,
                "back_url": reverse("admin:orders_order_changelist"),
            },
        )

    def _one(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Select exactly one order."), messages.ERROR)
            return None
        return queryset.first()

    @admin.action(description=_("Ship the selected order"), permissions=["change"])
    def ship_orders(self, request, queryset):
        order = self._one(request, queryset)
        if order is None:
            return None
        form = ShipForm(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return self._form_page(
                request,
                form=form,
                queryset=queryset,
                action="ship_orders",
                title=gettext("Ship order"),
                submit=gettext("Ship"),
            )
        try:
            order_ship(
                order_id=order.pk,
                actor_id=request.user.pk,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except IllegalTransition:
            self.message_user(
                request, gettext("Order %(n)s cannot be shipped now.") % {"n": order.number}, messages.ERROR
            )
        except (TrackingNumberInUse, ValueError):
            self.message_user(
                request, gettext("This tracking number is already used by another shipment."), messages.ERROR
            )
        else:
            self.message_user(
                request, gettext("Order %(n)s shipped.") % {"n": order.number}, messages.SUCCESS
            )
        return None

    @admin.action(description=_("Cancel the selected unpaid orders"), permissions=["change"])
    def cancel_orders(self, request, queryset):
        for order in queryset:
            try:
                order_cancel(order_id=order.pk, actor_id=request.user.pk, reason="cancelled by merchant")
            except IllegalTransition:
                self.message_user(
                    request,
                    gettext("Order %(n)s is not awaiting payment: not cancelled.") % {"n": order.number},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request, gettext("Order %(n)s cancelled.") % {"n": order.number}, messages.SUCCESS
                )

    @admin.action(description=_("Refund the selected order"), permissions=["change"])
    def refund_orders(self, request, queryset):
        order = self._one(request, queryset)
        if order is None:
            return None
        form = RefundForm(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return self._form_page(
                request,
                form=form,
                queryset=queryset,
                action="refund_orders",
                title=gettext("Refund order"),
                submit=gettext("Refund"),
            )
        amount = form.cleaned_data["amount"] or (order.total - order.refunded_total)
        try:
            order_refund(
                order_id=order.pk, amount=amount, actor_id=request.user.pk, reason=form.cleaned_data["reason"]
            )
        except RefundInvalid as exc:
            self.message_user(request, str(exc), messages.ERROR)
        except PaymentError:
            self.message_user(
                request, gettext("The payment provider refused the refund; nothing changed."), messages.ERROR
            )
        else:
            self.message_user(
                request,
                gettext("Refunded %(amount)s for order %(n)s.") % {"amount": amount, "n": order.number},
                messages.SUCCESS,
            )
        return None
