from django import forms
from django.utils.translation import gettext_lazy as _

from .types import CheckoutSummary


def shipping_field_name(merchant_id: int) -> str:
    return f"shipping_{merchant_id}"


class CheckoutForm(forms.Form):
    """What the shopper chooses at checkout. Prices and totals are never read from it: only
    `expected_total`, the total the shopper was shown, which the server compares with its own."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=12, decimal_places=2)
    address = forms.TypedChoiceField(
        label=_("Deliver to"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a delivery address."),
            "invalid_choice": _("Choose one of your addresses."),
        },
    )

    def __init__(self, *args, addresses, summary: CheckoutSummary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].choices = [(address.pk, str(address)) for address in addresses]
        self.groups = summary.groups
        for group in summary.groups:
            if not group.methods:
                continue
            self.fields[shipping_field_name(group.merchant_id)] = forms.TypedChoiceField(
                label=_("Shipping from %(merchant)s") % {"merchant": group.merchant_name},
                coerce=int,
                widget=forms.RadioSelect,
                choices=[(method.id, f"{method.name} — {method.description}") for method in group.methods],
                error_messages={"invalid_choice": _("Choose one of the shipping methods offered.")},
            )

    def shipping_method_ids(self) -> dict[int, int | None]:
        return {
            group.merchant_id: self.cleaned_data.get(shipping_field_name(group.merchant_id))
            for group in self.groups
        }


def posted_shipping_choices(data) -> dict[int, int | None]:
    """Shipping choices from a POST, for re-pricing the page ("update totals"); junk is ignored."""
    choices: dict[int, int | None] = {}
    for key, value in data.items():
        if key.startswith("shipping_") and key[9:].isdigit() and str(value).isdigit():
            choices[int(key[9:])] = int(value)
    return choices
