"""Shipping: each merchant's shipping methods, the shipments of orders and their tracking events.

Orders are referred to by `order_id` only (another app); foreign keys stay inside this app or point
at `shop.accounts.Merchant`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import Merchant
from shop.core.models import TimeStampedModel
from shop.core.money import CurrencyField, MoneyField


class ShippingMethod(TimeStampedModel):
    class Kind(models.TextChoices):
        FLAT = "flat", _("flat rate")
        WEIGHT = "weight", _("by weight")
        FREE_OVER = "free_over", _("free over an amount")

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="shipping_methods", verbose_name=_("merchant")
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FLAT)
    flat_price = MoneyField(
        verbose_name=_("flat price"),
        default=0,
        help_text=_("Flat rate; for 'free over an amount', the price below that amount."),
    )
    price_per_kg = MoneyField(
        verbose_name=_("price per kg"), default=0, help_text=_("Charged per started kilogram.")
    )
    free_over_amount = MoneyField(
        verbose_name=_("free over amount"),
        null=True,
        blank=True,
        help_text=_("Shipping is free when the merchant's subtotal reaches this amount."),
    )
    currency = CurrencyField(verbose_name=_("currency"), default="USD")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["merchant_id", "name", "id"]
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(flat_price__gte=0) & models.Q(price_per_kg__gte=0),
                name="shipping_method_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="free_over") | models.Q(free_over_amount__isnull=False),
                name="shipping_method_free_over_needs_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.merchant_id})"


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", _("shipped")
    IN_TRANSIT = "in_transit", _("in transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("out for delivery")
    DELIVERED = "delivered", _("delivered")
    EXCEPTION = "exception", _("delivery problem")


class Shipment(TimeStampedModel):
    order_id = models.PositiveBigIntegerField(_("order id"), unique=True)
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("merchant")
    )
    carrier = models.CharField(_("carrier"), max_length=40)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.SHIPPED
    )
    shipped_at = models.DateTimeField(_("shipped at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last event at"), null=True, blank=True)

    class Meta:
        ordering = ["-shipped_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"], name="shipment_unique_tracking"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class TrackingEvent(models.Model):
    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("in transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("out for delivery")
        DELIVERED = "delivered", _("delivered")
        EXCEPTION = "exception", _("delivery problem")

    class Source(models.TextChoices):
        CARRIER = "carrier", _("carrier notification")
        ADMIN = "admin", _("merchant staff")

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="events", verbose_name=_("shipment")
    )
    # The carrier's own event id: a notification delivered twice records the event once.
    external_id = models.CharField(_("external id"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    location = models.CharField(_("location"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CARRIER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        indexes = [models.Index(fields=["shipment", "occurred_at"], name="tracking_event_timeline")]

    def __str__(self) -> str:
        return f"{self.status} @ {self.occurred_at:%Y-%m-%d %H:%M}"
