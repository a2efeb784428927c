"""Stock per variant and its ledger.

`StockItem` holds three counters that only ever change through conditional UPDATEs in
`services.py`; the CHECK constraints make the database itself refuse a negative counter, so a bug
or a race can fail a transaction but never oversell. `StockMovement` records every change with
the counters after it, so the history of a variant can be replayed and audited.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import Merchant


class StockItem(models.Model):
    variant_id = models.BigIntegerField(_("variant id"), unique=True)
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="stock_items")
    sku = models.CharField(_("SKU code"), max_length=64, blank=True)
    available = models.IntegerField(_("available"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    sold = models.IntegerField(_("sold"), default=0)
    low_stock_threshold = models.PositiveIntegerField(_("low-stock threshold"), default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["merchant_id", "sku", "variant_id"]
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")
        constraints = [
            models.CheckConstraint(condition=Q(available__gte=0), name="stockitem_available_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stockitem_reserved_not_negative"),
            models.CheckConstraint(condition=Q(sold__gte=0), name="stockitem_sold_not_negative"),
        ]

    def __str__(self) -> str:
        return self.sku or f"variant {self.variant_id}"


class StockMovement(models.Model):
    class Kind(models.TextChoices):
        ADJUST = "adjust", _("adjustment")
        RESERVE = "reserve", _("reservation")
        RELEASE = "release", _("release")
        COMMIT = "commit", _("sale")
        RESTOCK = "restock", _("restock")

    stock_item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Signed for adjustments (what the merchant added or removed), positive for every other kind.
    quantity = models.IntegerField(_("quantity"))
    available_after = models.IntegerField()
    reserved_after = models.IntegerField()
    sold_after = models.IntegerField()
    order_ref = models.CharField(_("order reference"), max_length=64, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} ({self.order_ref or self.reason})"
