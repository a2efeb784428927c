"""A cart belongs to a user or, for an anonymous shopper, to the session that holds its id.

Lines refer to variants by id (the catalog is another app) and remember the unit price the shopper
was last shown, so a later change can be named ("price changed from X to Y").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.core.money import CurrencyField, MoneyField


class Cart(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant_id = models.BigIntegerField(_("variant id"))
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_seen = MoneyField(verbose_name=_("unit price last shown"))
    currency = CurrencyField(verbose_name=_("currency"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant_id"], name="cartline_unique_variant_per_cart"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cartline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × variant {self.variant_id}"
