from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import Address, User


def axes_username(request, credentials: dict | None = None) -> str:
    """The name django-axes counts failures under: the e-mail as the shop stores it (lower case),
    so an attacker cannot get five fresh tries per spelling ("Ann@x", "ANN@x", ...)."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return (username or "").strip().lower()


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct e-mail address and password. The password is case-sensitive."
        ),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]


class ShopPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{5,30}$",
    _("Enter a phone number of digits, spaces, dashes or brackets, optionally starting with +."),
)
country_validator = RegexValidator(r"^[A-Za-z]{2}$", _("Enter a two-letter country code, e.g. US or CN."))


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ["full_name", "line1", "line2", "city", "postal_code", "country", "phone"]
        widgets = {"country": forms.TextInput(attrs={"size": 2, "maxlength": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validator)
        self.fields["country"].validators.append(country_validator)

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean_phone(self) -> str:
        return self.cleaned_data["phone"].strip()


class AddressCreateForm(AddressForm):
    make_default = forms.BooleanField(label=_("Use as my default address"), required=False)
