"""Payments, notifications and refunds: read-only, for platform staff only.

A payment covers a whole checkout across merchants, so merchant staff get no payments admin at all
(their refunds start from the orders admin, which calls `services.payment_refund`).
"""

from django.contrib import admin
from django.http import HttpRequest

from apps.payments.models import Payment, PaymentNotification, Refund
from shop.accounts.selectors import user_is_platform_staff


class PlatformReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_platform_staff(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return user_is_platform_staff(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("created_at", "amount", "currency", "reason", "order_id", "provider_ref")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(PlatformReadOnlyAdmin):
    list_display = ("id", "checkout_id", "user", "amount", "currency", "provider", "status", "refunded_amount", "created_at")  # fmt: skip
    list_filter = ("status", "provider", "currency")
    search_fields = ("=id", "=checkout_id", "provider_ref", "capture_ref", "user__email")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    exclude = ("token",)
    inlines = [RefundInline]


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(PlatformReadOnlyAdmin):
    list_display = ("event_id", "provider", "kind", "payment", "applied", "received_at")
    list_filter = ("provider", "kind", "applied")
    search_fields = ("event_id", "=payment__id")
    list_select_related = ("payment",)


@admin.register(Refund)
class RefundAdmin(PlatformReadOnlyAdmin):
    list_display = ("id", "payment", "amount", "currency", "order_id", "reason", "provider_ref", "created_at")
    list_filter = ("currency",)
    search_fields = ("=payment__id", "=order_id", "provider_ref")
    list_select_related = ("payment",)
