"""Admin for users, merchants, memberships and addresses.

Users, memberships and addresses are personal or platform data: platform staff only. A merchant's
staff may view their own merchant record and nothing else here (see admin_scoping).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shop.accounts.admin_scoping import (
    MerchantScopedAdminMixin,
    PlatformStaffOnlyAdminMixin,
    admin_scope,
)
from shop.accounts.models import Address, Merchant, MerchantMembership, User

PHONE_VISIBLE_DIGITS = 2
MASK = "•"


def phone_mask(phone: str) -> str:
    """Show only the last digits of a phone number: enough to tell two apart, not to call."""
    digits = [c for c in phone if c.isdigit()]
    if not digits:
        return ""
    visible = digits[-PHONE_VISIBLE_DIGITS:] if len(digits) > PHONE_VISIBLE_DIGITS * 2 else []
    return MASK * (len(digits) - len(visible)) + "".join(visible)


class ShopUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this e-mail address already exists."))
        return email


class ShopUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("A user with this e-mail address already exists."))
        return email


@admin.register(User)
class UserAdmin(PlatformStaffOnlyAdminMixin, DjangoUserAdmin):
    form = ShopUserChangeForm
    add_form = ShopUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")},
        ),
    )
    list_display = ("email", "full_name", "is_staff", "is_superuser", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    filter_horizontal = ("groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            # Platform staff run the shop; making superusers or one-off grants is the owner's call.
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        # Otherwise platform staff could reset a superuser's password and become one.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class MerchantMembershipInline(PlatformStaffOnlyAdminMixin, admin.TabularInline):
    model = MerchantMembership
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Merchant)
class MerchantAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    merchant_lookup = "pk"
    merchant_field = None
    list_display = ("name", "slug", "email", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MerchantMembershipInline,)

    def get_inlines(self, request, obj):
        return self.inlines if admin_scope(request).is_platform_staff else ()

    # Merchants are created and switched on or off by the platform; their staff only look.
    def has_add_permission(self, request):
        return admin_scope(request).is_platform_staff and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return admin_scope(request).is_platform_staff and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return admin_scope(request).is_platform_staff and super().has_delete_permission(request, obj)


@admin.register(MerchantMembership)
class MerchantMembershipAdmin(PlatformStaffOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "merchant", "role", "created_at")
    list_filter = ("role", "merchant")
    search_fields = ("user__email", "merchant__name")
    autocomplete_fields = ("user", "merchant")
    list_select_related = ("user", "merchant")


@admin.register(Address)
class AddressAdmin(PlatformStaffOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("full_name", "user", "city", "country", "masked_phone", "is_default")
    list_filter = ("country", "is_default")
    search_fields = ("user__email", "full_name", "city", "postal_code")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Address) -> str:
        return phone_mask(obj.phone)
