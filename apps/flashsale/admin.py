"""Flash sales in the admin: merchants create and watch their own sales (merchant-scoped), operators
see every sale. Actions arm, pause, resume, end and reconcile through the services; the live view
of one sale refreshes itself every two seconds from a small JSON endpoint."""

import dataclasses

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shop.accounts.admin_scoping import MerchantScopedAdminMixin

from . import redis_store, services
from .forms import LOCKED_WHEN_ARMED, FlashSaleForm
from .models import FlashSale, FlashSaleState, Reservation
from .selectors import sale_live_stats_get


def _each(modeladmin, request, queryset, action, done: str) -> None:
    for sale in queryset:
        try:
            action(sale_id=sale.pk)
        except (services.FlashSaleError, *redis_store.RedisUnavailable) as exc:
            modeladmin.message_user(request, f"{sale}: {exc}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{sale}: {done}", messages.SUCCESS)


@admin.register(FlashSale)
class FlashSaleAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    form = FlashSaleForm
    merchant_lookup = "merchant"
    list_display = (
        "title",
        "merchant",
        "variant_id",
        "sale_price",
        "units",
        "units_left_db",
        "state",
        "starts_at",
        "ends_at",
        "live_link",
    )
    list_filter = ("state", "merchant")
    search_fields = ("title",)
    readonly_fields = ("state", "units_left_db", "units_returned", "armed_at", "ended_at", "live_link")
    actions = ("action_arm", "action_pause", "action_resume", "action_close", "action_reconcile")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state == FlashSaleState.ENDED:
            return fields + [f for f in FlashSaleForm.Meta.fields if f not in fields]
        if obj is not None and obj.state != FlashSaleState.DRAFT:
            fields += [f for f in LOCKED_WHEN_ARMED if f not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        # An armed sale has units set aside and reservations: it ends, it is never deleted.
        if obj is not None and obj.state != FlashSaleState.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and obj.state != FlashSaleState.DRAFT and "ends_at" in form.changed_data:
            new_end = obj.ends_at
            obj.ends_at = form.initial["ends_at"]
            super().save_model(request, obj, form, change)
            services.flash_sale_end_extend(sale_id=obj.pk, ends_at=new_end)
            obj.ends_at = new_end
            return
        super().save_model(request, obj, form, change)

    @admin.display(description=_("live view"))
    def live_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:flashsale_flashsale_live", args=[obj.pk]), _("watch")
        )

    # --- actions ------------------------------------------------------------------------------
    @admin.action(description=_("Arm now (set units aside, load into Redis)"))
    def action_arm(self, request, queryset):
        _each(self, request, queryset, services.flash_sale_arm, str(_("armed")))

    @admin.action(description=_("Pause"))
    def action_pause(self, request, queryset):
        _each(self, request, queryset, services.flash_sale_pause, str(_("paused")))

    @admin.action(description=_("Resume"))
    def action_resume(self, request, queryset):
        _each(self, request, queryset, services.flash_sale_resume, str(_("resumed")))

    @admin.action(description=_("End now (units left go back to stock)"))
    def action_close(self, request, queryset):
        _each(self, request, queryset, services.flash_sale_close, str(_("ended")))

    @admin.action(description=_("Reconcile Redis with the database"))
    def action_reconcile(self, request, queryset):
        for sale in queryset:
            try:
                report = services.flash_sale_reconcile(sale_id=sale.pk)
            except (services.FlashSaleError, *redis_store.RedisUnavailable) as exc:
                self.message_user(request, f"{sale}: {exc}", messages.ERROR)
                continue
            level = messages.SUCCESS if report.ok else messages.ERROR
            self.message_user(request, f"{sale}: drift {report.drift}, db drift {report.db_drift}", level)

    # --- the live view ------------------------------------------------------------------------
    def get_urls(self):
        own = [
            path(
                "<int:sale_id>/live/",
                self.admin_site.admin_view(self.live_view),
                name="flashsale_flashsale_live",
            ),
            path(
                "<int:sale_id>/live.json",
                self.admin_site.admin_view(self.live_json),
                name="flashsale_flashsale_live_json",
            ),
        ]
        return own + super().get_urls()

    def _sale_for(self, request, sale_id: int) -> FlashSale:
        sale = self.get_queryset(request).filter(pk=sale_id).first()
        if sale is None:
            raise Http404
        if not self.has_view_permission(request, sale):
            raise PermissionDenied
        return sale

    def live_view(self, request, sale_id: int):
        sale = self._sale_for(request, sale_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Live: %(title)s") % {"title": sale.title},
            "sale": sale,
            "opts": self.model._meta,
            "json_url": reverse("admin:flashsale_flashsale_live_json", args=[sale.pk]),
        }
        return TemplateResponse(request, "flashsale/admin_live.html", context)

    def live_json(self, request, sale_id: int):
        self._sale_for(request, sale_id)
        try:
            stats = sale_live_stats_get(sale_id=sale_id, seconds=60)
        except redis_store.RedisUnavailable:
            return JsonResponse({"error": "redis_unavailable"}, status=503)
        data = dataclasses.asdict(stats)
        data["sale_price"] = str(stats.sale_price)
        response = JsonResponse(data)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(Reservation)
class ReservationAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    merchant_lookup = "sale__merchant"
    merchant_field = None
    list_display = (
        "reservation_id",
        "sale",
        "user",
        "quantity",
        "status",
        "order_number",
        "admitted_at",
        "paid_at",
    )
    list_filter = ("status", "sale")
    search_fields = ("reservation_id", "order_number")
    list_select_related = ("sale", "user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
