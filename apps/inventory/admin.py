"""Merchant admin for stock: each merchant sees and adjusts only its own stock items, and every
change goes through `stock_adjust` (a conditional UPDATE plus a ledger row), never a form save."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.catalog.selectors import variant_snapshots_get
from shop.accounts.admin_scoping import MerchantScopedAdminMixin, admin_scope

from .models import StockItem, StockMovement
from .services import StockError, stock_adjust


class AdjustForm(forms.Form):
    delta = forms.IntegerField(
        label=_("Change (units)"),
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text=_("Positive to add units on hand, negative to remove them."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_delta(self):
        if self.cleaned_data["delta"] == 0:
            raise forms.ValidationError(_("Enter a change other than 0."))
        return self.cleaned_data["delta"]


class NewStockForm(AdjustForm):
    variant_id = forms.IntegerField(label=_("Variant id"), min_value=1)
    field_order = ["variant_id", "delta", "reason"]


class LowStockFilter(admin.SimpleListFilter):
    title = _("stock level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("low", _("low (at or below threshold)")), ("out", _("sold out"))]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(available__lte=F("low_stock_threshold"))
        if self.value() == "out":
            return queryset.filter(available=0)
        return queryset


class StockMovementInline(admin.TabularInline):
    model = StockMovement
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "kind",
        "quantity",
        "available_after",
        "reserved_after",
        "sold_after",
        "order_ref",
        "actor",
        "reason",
    )
    readonly_fields = fields
    ordering = ("-created_at", "-id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StockItem)
class StockItemAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    list_display = ("sku", "variant_id", "merchant", "available", "reserved", "sold", "low_stock_threshold")
    list_filter = (LowStockFilter, "merchant")
    search_fields = ("sku", "=variant_id")
    readonly_fields = ("variant_id", "merchant", "sku", "available", "reserved", "sold", "updated_at")
    fields = readonly_fields + ("low_stock_threshold",)
    inlines = [StockMovementInline]
    actions = ["adjust_stock"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only the threshold is editable here; a full save() would write back counters read
        # before a concurrent sale and undo it.
        if not change or not admin_scope(request).allows(obj.merchant_id):
            raise PermissionDenied
        StockItem.objects.filter(pk=obj.pk).update(low_stock_threshold=obj.low_stock_threshold)

    @admin.action(description=_("Adjust stock of the selected items"), permissions=["change"])
    def adjust_stock(self, request, queryset):
        form = AdjustForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            for item in queryset:
                try:
                    stock_adjust(
                        variant_id=item.variant_id,
                        delta=form.cleaned_data["delta"],
                        actor_id=request.user.pk,
                        reason=form.cleaned_data["reason"],
                    )
                except StockError:
                    self.message_user(
                        request,
                        gettext("%(item)s: not that many units available.") % {"item": item},
                        messages.ERROR,
                    )
                else:
                    self.message_user(
                        request, gettext("%(item)s adjusted.") % {"item": item}, messages.SUCCESS
                    )
            return None
        return render(
            request,
            "inventory/admin_action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Adjust stock"),
                "form": form,
                "objects": list(queryset),
                "action": "adjust_stock",
                "submit_label": gettext("Adjust"),
                "back_url": reverse("admin:inventory_stockitem_changelist"),
            },
        )

    def add_view(self, request, form_url="", extra_context=None):
        """Stock for a variant that has none yet: a first adjustment, through the service."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NewStockForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            variant_id = form.cleaned_data["variant_id"]
            snapshot = variant_snapshots_get(variant_ids=[variant_id]).get(variant_id)
            if snapshot is None or not admin_scope(request).allows(snapshot.merchant_id):
                form.add_error("variant_id", gettext("No variant of yours has this id."))
            else:
                try:
                    stock_adjust(
                        variant_id=variant_id,
                        delta=form.cleaned_data["delta"],
                        actor_id=request.user.pk,
                        reason=form.cleaned_data["reason"],
                    )
                except StockError:
                    form.add_error("delta", gettext("Not that many units available."))
                else:
                    self.message_user(request, gettext("Stock adjusted."), messages.SUCCESS)
                    return redirect("admin:inventory_stockitem_changelist")
        return render(
            request,
            "inventory/admin_action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Add or adjust stock"),
                "form": form,
                "objects": [],
                "action": "",
                "submit_label": gettext("Save"),
                "back_url": reverse("admin:inventory_stockitem_changelist"),
            },
        )
