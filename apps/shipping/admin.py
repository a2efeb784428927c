"""Merchant admin: their own shipping methods, their own shipments, and tracking events entered by
hand (a carrier without notifications). Events go through `tracking_event_record`, like the
carrier's, so a delivered event entered here also sends `shipment_delivered`."""

import uuid

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from shop.accounts.admin_scoping import MerchantScopedAdminMixin, MerchantScopedInlineMixin, admin_scope

from .models import Shipment, ShippingMethod, TrackingEvent
from .services import tracking_event_record


@admin.register(ShippingMethod)
class ShippingMethodAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    merchant_lookup = "merchant"
    list_display = (
        "name",
        "merchant",
        "kind",
        "flat_price",
        "price_per_kg",
        "free_over_amount",
        "currency",
        "is_active",
    )
    list_filter = ("kind", "is_active", "merchant")
    search_fields = ("name",)
    fields = (
        "merchant",
        "name",
        "kind",
        "flat_price",
        "price_per_kg",
        "free_over_amount",
        "currency",
        "is_active",
    )


class TrackingEventInline(MerchantScopedInlineMixin, admin.TabularInline):
    model = TrackingEvent
    merchant_lookup = "shipment__merchant"
    merchant_field = None
    fields = ("occurred_at", "status", "location", "description", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("occurred_at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    merchant_lookup = "merchant"
    list_display = (
        "order_id",
        "merchant",
        "carrier",
        "tracking_number",
        "status",
        "shipped_at",
        "delivered_at",
    )
    list_filter = ("status", "carrier", "merchant")
    search_fields = ("tracking_number", "=order_id")
    readonly_fields = (
        "order_id",
        "merchant",
        "carrier",
        "tracking_number",
        "status",
        "shipped_at",
        "delivered_at",
        "last_event_at",
    )
    fields = readonly_fields
    inlines = [TrackingEventInline]

    def has_add_permission(self, request):
        return False  # a shipment is created by shipping its order

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrackingEvent)
class TrackingEventAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    merchant_lookup = "shipment__merchant"
    merchant_field = None
    list_display = ("shipment", "status", "location", "occurred_at", "source")
    list_filter = ("status", "source")
    search_fields = ("shipment__tracking_number",)
    fields = ("shipment", "status", "location", "description", "occurred_at")
    list_select_related = ("shipment",)

    def has_change_permission(self, request, obj=None):
        return False  # the history of a parcel is append-only

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        shipment = obj.shipment
        if change or not admin_scope(request).allows(shipment.merchant_id):
            raise PermissionDenied
        external_id = f"admin-{uuid.uuid4().hex}"
        tracking_event_record(
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            external_id=external_id,
            status=obj.status,
            location=obj.location,
            description=obj.description,
            occurred_at=obj.occurred_at,
            source=TrackingEvent.Source.ADMIN,
        )
        saved = TrackingEvent.objects.get(external_id=external_id)
        obj.pk, obj.external_id, obj.source, obj.created_at = (
            saved.pk,
            saved.external_id,
            saved.source,
            saved.created_at,
        )
