"""Query-string filters of the read-only catalog API (django-filter).

Every bad value (not a number, a negative price, min above max, an unknown category or brand, an
unknown ordering) becomes a 400 with a JSON message naming the parameter, never a 500.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from .models import Brand, Product
from .selectors import category_tree_get

MAX_PRICE = Decimal("9999999999.99")
ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "price": ("lowest_price", "-created_at", "-id"),
    "-price": ("-lowest_price", "-created_at", "-id"),
}


class ProductFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("The maximum price must not be below the minimum price."))
        return cleaned


class ProductFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        method="filter_category",
        max_length=140,
        help_text=_("Category slug; products of its sub-categories are included."),
    )
    brand = django_filters.CharFilter(method="filter_brand", max_length=140, help_text=_("Brand slug."))
    min_price = django_filters.NumberFilter(
        field_name="lowest_price",
        lookup_expr="gte",
        min_value=Decimal("0"),
        max_value=MAX_PRICE,
        help_text=_("Lowest price at least this amount."),
    )
    max_price = django_filters.NumberFilter(
        field_name="lowest_price",
        lookup_expr="lte",
        min_value=Decimal("0"),
        max_value=MAX_PRICE,
        help_text=_("Lowest price at most this amount."),
    )
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", max_length=100, help_text=_("Words in the name.")
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering",
        choices=[
            ("newest", _("newest first")),
            ("price", _("price, low to high")),
            ("-price", _("price, high to low")),
        ],
        empty_label=None,
        help_text=_("newest (the default), price or -price."),
    )

    class Meta:
        model = Product
        fields: list[str] = []
        form = ProductFilterForm

    def filter_category(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        tree = category_tree_get(language=None)
        node = tree.by_slug(value)
        if node is None:
            raise ValidationError({"category": [_("No category has this slug.")]})
        return queryset.filter(category_id__in=tree.descendant_ids(node.id))

    def filter_brand(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        brand_id = Brand.objects.filter(slug=value).values_list("id", flat=True).first()
        if brand_id is None:
            raise ValidationError({"brand": [_("No brand has this slug.")]})
        return queryset.filter(brand_id=brand_id)

    def filter_ordering(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        return queryset.order_by(*ORDERINGS[value])
