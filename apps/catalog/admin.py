"""Catalog admin. Merchants manage their own products, variants and pictures here and nothing of
anyone else's (see shop.accounts.admin_scoping); categories, brands and attributes are the
platform's reference data."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    Variant,
)
from apps.catalog.services import product_image_create_thumbnail, product_set_status
from shop.accounts.admin_scoping import (
    MerchantScopedAdminMixin,
    MerchantScopedInlineMixin,
    PlatformReferenceDataAdminMixin,
    admin_scope,
)

SKU_TAKEN_MESSAGE = _("This merchant already has a variant with this SKU code.")


class VariantAdminForm(forms.ModelForm):
    """A variant's merchant is never chosen: it is its product's, so it cannot disagree."""

    class Meta:
        model = Variant
        fields = (
            "product",
            "sku",
            "name",
            "price",
            "currency",
            "weight_grams",
            "attribute_values",
            "is_active",
        )

    def clean(self):
        cleaned_data = super().clean()
        product = cleaned_data.get("product")
        if product is None or product.merchant_id is None:
            return cleaned_data
        self.instance.merchant_id = product.merchant_id
        # The (merchant, sku) constraint involves a field that is not on the form, so Django's
        # own unique check skips it; check it here rather than fail on the database.
        sku = cleaned_data.get("sku")
        taken = Variant.objects.filter(merchant_id=product.merchant_id, sku=sku).exclude(pk=self.instance.pk)
        if sku and taken.exists():
            self.add_error("sku", SKU_TAKEN_MESSAGE)
        return cleaned_data


class VariantInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            cleaned_data = getattr(form, "cleaned_data", None)
            if not cleaned_data or cleaned_data.get("DELETE") or not cleaned_data.get("sku"):
                continue
            if cleaned_data["sku"] in seen:
                raise ValidationError(SKU_TAKEN_MESSAGE)
            seen.add(cleaned_data["sku"])


class VariantInline(MerchantScopedInlineMixin, admin.TabularInline):
    model = Variant
    form = VariantAdminForm
    formset = VariantInlineFormSet
    merchant_field = None
    fields = ("sku", "name", "price", "currency", "weight_grams", "attribute_values", "is_active")
    autocomplete_fields = ("attribute_values",)
    extra = 0


class ProductImageInline(MerchantScopedInlineMixin, admin.TabularInline):
    model = ProductImage
    merchant_lookup = "product__merchant"
    merchant_field = None
    fields = ("image", "thumbnail_preview", "alt", "position")
    readonly_fields = ("thumbnail_preview",)
    extra = 0

    @admin.display(description=_("thumbnail"))
    def thumbnail_preview(self, obj: ProductImage) -> str:
        if not obj.thumbnail:
            return "-"
        return format_html('<img src="{}" alt="" style="max-height:80px">', obj.thumbnail.url)


@admin.register(Product)
class ProductAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "merchant", "category", "status", "is_featured", "updated_at")
    list_filter = ("status", "is_featured", "merchant", "category")
    search_fields = ("name", "name_zh", "slug", "variants__sku")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("category", "brand")
    fields = (
        "merchant",
        "name",
        "name_zh",
        "slug",
        "category",
        "brand",
        "description",
        "description_zh",
        "status",
        "is_featured",
        "max_per_order",
    )
    inlines = (VariantInline, ProductImageInline)
    actions = ("mark_active", "mark_draft")
    list_select_related = ("merchant", "category")

    @admin.action(description=_("Mark selected products active"), permissions=["change"])
    def mark_active(self, request, queryset):
        self._set_status(request, queryset, Product.Status.ACTIVE)

    @admin.action(description=_("Mark selected products draft"), permissions=["change"])
    def mark_draft(self, request, queryset):
        self._set_status(request, queryset, Product.Status.DRAFT)

    def _set_status(self, request, queryset, status: str) -> None:
        scope = admin_scope(request)
        changed = product_set_status(
            product_ids=list(queryset.values_list("pk", flat=True)),
            status=status,
            merchant_ids=None if scope.is_platform_staff else scope.merchant_ids,
        )
        self.message_user(
            request,
            ngettext("%(count)d product changed.", "%(count)d products changed.", changed)
            % {"count": changed},
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ProductImage:
            changed = [obj for obj, fields in formset.changed_objects if "image" in fields]
            for picture in [*formset.new_objects, *changed]:
                product_image_create_thumbnail(image_id=picture.pk)


@admin.register(Variant)
class VariantAdmin(MerchantScopedAdminMixin, admin.ModelAdmin):
    form = VariantAdminForm
    merchant_field = None
    list_display = ("sku", "product", "merchant", "price", "currency", "is_active")
    list_filter = ("is_active", "merchant")
    search_fields = ("sku", "name", "product__name")
    autocomplete_fields = ("product", "attribute_values")
    fields = ("product", "sku", "name", "price", "currency", "weight_grams", "attribute_values", "is_active")
    list_select_related = ("product", "merchant")


@admin.register(Category)
class CategoryAdmin(PlatformReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_zh", "parent", "position")
    search_fields = ("name", "name_zh", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)


@admin.register(Brand)
class BrandAdmin(PlatformReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class AttributeValueInline(PlatformReferenceDataAdminMixin, admin.TabularInline):
    model = AttributeValue
    fields = ("value", "value_zh", "slug")
    prepopulated_fields = {"slug": ("value",)}
    extra = 0


@admin.register(Attribute)
class AttributeAdmin(PlatformReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_zh", "slug", "is_filterable")
    search_fields = ("name", "name_zh", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (AttributeValueInline,)


@admin.register(AttributeValue)
class AttributeValueAdmin(PlatformReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ("value", "value_zh", "attribute", "slug")
    list_filter = ("attribute",)
    search_fields = ("value", "value_zh", "attribute__name")
    autocomplete_fields = ("attribute",)
