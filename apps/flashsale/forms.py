"""The merchant's flash-sale form (admin): what makes a sale valid, and what is locked once armed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.catalog.selectors import variant_snapshots_get
from apps.inventory.selectors import stock_levels_get

from .models import FlashSale, FlashSaleState

# Once a sale is armed its units are set aside and buyers may hold reservations: these would
# break it. The end may still move later (buyers were promised until then, never less).
LOCKED_WHEN_ARMED = (
    "merchant",
    "variant_id",
    "units",
    "sale_price",
    "currency",
    "per_buyer_limit",
    "starts_at",
)


class FlashSaleForm(forms.ModelForm):
    class Meta:
        model = FlashSale
        fields = (
            "merchant",
            "title",
            "variant_id",
            "sale_price",
            "currency",
            "units",
            "starts_at",
            "ends_at",
            "per_buyer_limit",
            "payment_timeout_minutes",
        )
        help_texts = {
            "variant_id": _("The id of one of your variants (see Catalog › Variants)."),
            "units": _("Set aside from the variant's available stock when the sale is armed."),
            "currency": _("Leave as the variant's currency."),
        }

    @property
    def is_armed(self) -> bool:
        return bool(self.instance.pk) and self.instance.state != FlashSaleState.DRAFT

    def _value(self, name):
        if name in self.cleaned_data:
            return self.cleaned_data[name]
        return getattr(self.instance, name, None)

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = self._value("starts_at"), self._value("ends_at")
        if starts_at and ends_at and starts_at >= ends_at:
            self.add_error("ends_at", _("The sale must end after it starts."))
        if self.is_armed:
            self._clean_armed(ends_at)
            return cleaned
        self._clean_variant_and_units()
        if starts_at and ends_at and not self.errors:
            self._clean_overlap(starts_at, ends_at)
        return cleaned

    def _clean_armed(self, ends_at) -> None:
        if self.instance.state == FlashSaleState.ENDED:
            raise forms.ValidationError(_("The sale is over and can no longer be changed."))
        if ends_at and ends_at < self.instance.ends_at:
            self.add_error("ends_at", _("A sale that has been armed can only end later, not earlier."))

    def _clean_variant_and_units(self) -> None:
        variant_id, merchant = self._value("variant_id"), self._value("merchant")
        if not variant_id:
            return
        snapshot = variant_snapshots_get(variant_ids=[variant_id]).get(variant_id)
        if snapshot is None or merchant is None or snapshot.merchant_id != merchant.pk:
            self.add_error("variant_id", _("Choose one of your own variants."))
            return
        if not snapshot.is_available:
            self.add_error(
                "variant_id", _("This variant is not on sale (inactive variant, product or merchant).")
            )
        currency = self._value("currency")
        if currency and currency != snapshot.currency:
            self.add_error(
                "currency",
                _("The sale must be in the variant's currency (%(c)s).") % {"c": snapshot.currency},
            )
        sale_price = self._value("sale_price")
        if sale_price is not None and sale_price <= 0:
            self.add_error("sale_price", _("The sale price must be positive."))
        units = self._value("units")
        level = stock_levels_get(variant_ids=[variant_id]).get(variant_id)
        available = level.available if level else 0
        if units and units > available:
            self.add_error(
                "units",
                _("Only %(available)s units of this variant are available.") % {"available": available},
            )

    def _clean_overlap(self, starts_at, ends_at) -> None:
        overlapping = (
            FlashSale.objects.filter(
                variant_id=self._value("variant_id"), starts_at__lt=ends_at, ends_at__gt=starts_at
            )
            .exclude(state=FlashSaleState.ENDED)
            .exclude(pk=self.instance.pk)
        )
        if overlapping.exists():
            self.add_error("starts_at", _("Another flash sale of this variant overlaps this time."))
