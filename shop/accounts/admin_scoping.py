"""Merchant isolation for the Django admin: one merchant's staff never see another merchant's rows.

Every business app that lets merchants edit rows in the admin (catalog, inventory, orders, flash
sales...) builds its ModelAdmins from these mixins instead of repeating the rules:

    from shop.accounts.admin_scoping import MerchantScopedAdminMixin, MerchantScopedInlineMixin

    class StockLevelAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
        merchant_lookup = "merchant"      # ORM path from the model to its owning Merchant
        merchant_field = "merchant"       # the form field that picks the merchant (None: derived)

    class RefundInline(MerchantScopedInlineMixin, admin.TabularInline):
        model = Refund
        merchant_lookup = "order__merchant"

Who is who (`admin_scope`):

* platform staff (a superuser or a member of the "Platform staff" group) see every merchant;
* everyone else is merchant staff and sees only the active merchants they have a
  `MerchantMembership` in (`shop.accounts.selectors.merchant_ids_for_user`); none means nothing.

What the mixins enforce for merchant staff, so that no admin URL leaks another merchant's data:

* `get_queryset` is filtered by `merchant_lookup`. Django's admin answers every object URL (change,
  delete, history), the changelist, raw-id pop-ups, autocomplete and bulk actions from it, so
  another merchant's object is simply "not there" (the admin's "doesn't exist" redirect).
* Object permissions (`has_view/change/delete_permission(request, obj)`) are refused for an object
  of another merchant, in case a custom view fetches an object by other means.
* Foreign-key and many-to-many choices are narrowed (`related_queryset`): `Merchant` to the user's
  merchants; a model whose registered admin is merchant-scoped to what that admin shows; any other
  model with a `merchant` field to the user's merchants (fail closed). A forged POST naming another
  merchant's row is therefore a form error ("Select a valid choice"), never a save.
* The merchant form field (`merchant_field`) offers only the user's merchants and becomes a hidden
  input preset to the merchant when the user has exactly one. It stays a real, validated field so
  the model's unique constraints that include the merchant are still checked by the form.
* Changelist filters on scoped relations only list values the user can see.
* `save_model` refuses (403) an object that would end up outside the user's merchants.

Reference data owned by the platform (categories, brands...) uses
`PlatformReferenceDataAdminMixin` (merchant staff may at most view it, if their group has the view
permission); personal or platform-only data uses `PlatformStaffOnlyAdminMixin`. Model permissions
still come from the groups (`manage.py ensure_groups`, which grants "Merchant staff" what each
app declares in `merchant_staff_permissions` on its AppConfig); these mixins only ever take
rights away.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from shop.accounts.models import Merchant
from shop.accounts.selectors import merchant_ids_for_user, user_is_platform_staff

_SCOPE_ATTRIBUTE = "_shop_admin_scope"


@dataclass(frozen=True)
class AdminScope:
    is_platform_staff: bool
    merchant_ids: frozenset[int]

    def allows(self, merchant_id: int | None) -> bool:
        return self.is_platform_staff or merchant_id in self.merchant_ids


def admin_scope(request: HttpRequest) -> AdminScope:
    """The requesting user's scope, computed once per request (the admin asks many times)."""
    scope = getattr(request, _SCOPE_ATTRIBUTE, None)
    if scope is None:
        user = request.user
        is_platform = user_is_platform_staff(user=user)
        scope = AdminScope(
            is_platform_staff=is_platform,
            merchant_ids=frozenset() if is_platform else merchant_ids_for_user(user=user),
        )
        setattr(request, _SCOPE_ATTRIBUTE, scope)
    return scope


class _MerchantScopeBase:
    """Queryset and choice scoping shared by ModelAdmins and inlines."""

    #: ORM path from this model to the Merchant that owns a row ("merchant", "product__merchant",
    #: "pk" for the Merchant model itself).
    merchant_lookup: str = "merchant"
    #: Name of the form field that chooses the merchant, or None when the merchant is derived
    #: (a variant takes its product's merchant).
    merchant_field: str | None = "merchant"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = admin_scope(request)
        if scope.is_platform_staff:
            return queryset
        return queryset.filter(**{f"{self.merchant_lookup}__in": scope.merchant_ids})

    def related_queryset(self, request, model: type[models.Model]) -> models.QuerySet | None:
        """The rows of `model` the user may pick in a form, or None when `model` is not scoped."""
        scope = admin_scope(request)
        if scope.is_platform_staff:
            return None
        if issubclass(model, Merchant):
            return model._default_manager.filter(pk__in=scope.merchant_ids)
        try:
            model_admin = self.admin_site.get_model_admin(model)
        except NotRegistered:
            model_admin = None
        if isinstance(model_admin, _MerchantScopeBase):
            return model_admin.get_queryset(request)
        try:
            model._meta.get_field("merchant")
        except FieldDoesNotExist:
            return None
        return model._default_manager.filter(merchant__in=scope.merchant_ids)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = self.related_queryset(request, db_field.related_model)
        if queryset is not None:
            kwargs["queryset"] = queryset
        scope = admin_scope(request)
        if (
            db_field.name == self.merchant_field
            and not scope.is_platform_staff
            and len(scope.merchant_ids) == 1
        ):
            kwargs["widget"] = forms.HiddenInput()
            kwargs["initial"] = next(iter(scope.merchant_ids))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = self.related_queryset(request, db_field.related_model)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class MerchantScopedInlineMixin(_MerchantScopeBase):
    """For inlines: rows and choices scoped. Object permissions are the parent admin's job (an
    inline's `has_*_permission(request, obj)` receives the parent object)."""


class MerchantScopedAdminMixin(_MerchantScopeBase):
    """For ModelAdmins of merchant-owned models; see the module docstring."""

    def merchant_id_of(self, obj: models.Model) -> int | None:
        *path, last = self.merchant_lookup.split("__")
        for part in path:
            obj = getattr(obj, part)
            if obj is None:
                return None
        if last == "pk":
            return obj.pk
        return getattr(obj, obj._meta.get_field(last).attname)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django answers a missing object with a redirect to the admin index and a message that
        # echoes the id. Another merchant's object must look like no object at all: a plain 404.
        raise Http404(f"{opts.verbose_name} not found")

    def _owns(self, request, obj) -> bool:
        return obj is None or admin_scope(request).allows(self.merchant_id_of(obj))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns(request, obj)

    def has_add_permission(self, request):
        scope = admin_scope(request)
        has_merchant = scope.is_platform_staff or bool(scope.merchant_ids)
        return has_merchant and super().has_add_permission(request)

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if admin_scope(request).is_platform_staff:
            return list_filter
        return [self._scoped_list_filter(request, entry) for entry in list_filter]

    def _scoped_list_filter(self, request, entry):
        # A plain related-field filter lists every row of the related table (every merchant's
        # name, every product); the "related only" filter lists what this changelist shows.
        if not isinstance(entry, str):
            return entry
        try:
            field = self.model._meta.get_field(entry)
        except FieldDoesNotExist:
            return entry
        if field.is_relation and self.related_queryset(request, field.related_model) is not None:
            return (entry, admin.RelatedOnlyFieldListFilter)
        return entry

    def save_model(self, request, obj, form, change):
        # Form validation already refuses another merchant; this guards custom forms and code paths.
        if not admin_scope(request).allows(self.merchant_id_of(obj)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class PlatformReferenceDataAdminMixin:
    """Platform-owned reference data (categories, brands, attributes): only platform staff may
    add, change or delete; others may view it if their group grants the view permission."""

    def has_add_permission(self, request, *args):
        return admin_scope(request).is_platform_staff and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return admin_scope(request).is_platform_staff and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return admin_scope(request).is_platform_staff and super().has_delete_permission(request, obj)


class PlatformStaffOnlyAdminMixin:
    """Platform-only data (users, memberships, addresses): invisible to everyone else, whatever
    model permissions they were given."""

    def has_module_permission(self, request):
        return admin_scope(request).is_platform_staff and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return admin_scope(request).is_platform_staff and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return admin_scope(request).is_platform_staff and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return admin_scope(request).is_platform_staff and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return admin_scope(request).is_platform_staff and super().has_delete_permission(request, obj)
