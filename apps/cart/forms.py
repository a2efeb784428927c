from django import forms
from django.utils.translation import gettext_lazy as _

QUANTITY_ERRORS = {
    "required": _("Enter a quantity."),
    "invalid": _("The quantity must be a whole number."),
    "min_value": _("The quantity must be at least 1."),
}


class CartAddForm(forms.Form):
    variant_id = forms.IntegerField(
        min_value=1, error_messages={"required": _("Choose a variant."), "invalid": _("Choose a variant.")}
    )
    quantity = forms.IntegerField(min_value=1, initial=1, error_messages=QUANTITY_ERRORS)


class CartQuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, error_messages=QUANTITY_ERRORS)


def form_error_text(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
