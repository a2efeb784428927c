"""Checkouts, orders, their lines and their history.

A `Checkout` is one press of "place order": unique per (user, idempotency key), it makes a retried
or double-clicked POST find the first one's result instead of buying twice. It owns one payment
(payments app, by id) and one `Order` per merchant. Status changes go only through
`state.order_transition` (a conditional UPDATE on the current status plus an `OrderEvent`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import Merchant
from shop.core.money import CurrencyField, MoneyField


class Checkout(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", _("placed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts")
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLACED)
    total = MoneyField(default=0)
    currency = CurrencyField()
    payment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="checkout_unique_user_key"),
        ]

    def __str__(self) -> str:
        return f"checkout {self.pk}"


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("awaiting payment")
    PAID = "paid", _("paid")
    SHIPPED = "shipped", _("shipped")
    DELIVERED = "delivered", _("delivered")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
    REFUNDED = "refunded", _("refunded")


class Order(models.Model):
    Status = OrderStatus

    number = models.CharField(_("number"), max_length=20, unique=True)
    checkout = models.ForeignKey(
        Checkout, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    subtotal = MoneyField(verbose_name=_("subtotal"))
    shipping_total = MoneyField(verbose_name=_("shipping"), default=0)
    total = MoneyField(verbose_name=_("total"))
    refunded_total = MoneyField(verbose_name=_("refunded"), default=0)
    currency = CurrencyField(verbose_name=_("currency"))
    shipping_address = models.JSONField(_("shipping address"), default=dict)
    shipping_method_id = models.BigIntegerField(null=True, blank=True)
    shipping_method_name = models.CharField(_("shipping method"), max_length=120, blank=True)
    reservation_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(_("pay before"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(refunded_total__gte=0) & Q(refunded_total__lte=models.F("total")),
                name="order_refunded_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    name = models.CharField(_("name"), max_length=420)
    sku = models.CharField(_("SKU code"), max_length=64)
    unit_price = MoneyField(verbose_name=_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    weight_grams = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity


class OrderEvent(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
