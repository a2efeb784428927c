"""Operators look up what was sent and why a notification failed; merchants never see this (it
holds shoppers' addresses). Rows are written by the service only, so the admin is read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shop.accounts.admin_scoping import PlatformStaffOnlyAdminMixin

from .masking import mask_recipient
from .models import NotificationLog


@admin.register(NotificationLog)
class NotificationLogAdmin(PlatformStaffOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "template", "channel", "masked_recipient", "language", "status", "attempts")
    list_filter = ("status", "channel", "template", "language")
    search_fields = ("=idempotency_key", "=trace_id")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in NotificationLog._meta.fields]

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj: NotificationLog) -> str:
        return mask_recipient(obj.recipient)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
