"""Parsing of a category listing's query string.

A shopper (or a bot) may send anything: a bad value never fails the page; it is dropped or
corrected, and `notices` tells the shopper what happened in plain words.
"""

from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.core.money import DECIMAL_PLACES, MAX_DIGITS

from .types import AttributeFacet, BrandOption, ListingQuery

SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
]
RESERVED_FIELDS = frozenset({"sort", "page", "brand", "min_price", "max_price"})
IGNORED_PREFIXES = ("utm_",)


def _price_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
    )


class ProductFilterForm(forms.Form):
    """Sort, page, brand, price range and one multiple-choice field per filterable attribute
    (its slug is the query parameter: ?colour=red&colour=blue&size=m)."""

    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    brand = forms.ChoiceField(label=_("Brand"), required=False)
    min_price = _price_field(_("Min. price"))
    max_price = _price_field(_("Max. price"))

    def __init__(
        self,
        data: QueryDict,
        *,
        brands: tuple[BrandOption, ...],
        facets: tuple[AttributeFacet, ...],
    ) -> None:
        super().__init__(data)
        self.fields["brand"].choices = [("", _("All brands")), *((b.slug, b.name) for b in brands)]
        self.facets = tuple(facet for facet in facets if facet.slug not in RESERVED_FIELDS)
        for facet in self.facets:
            self.fields[facet.slug] = forms.MultipleChoiceField(
                label=facet.name,
                required=False,
                choices=[(slug, value) for _pk, slug, value in facet.values],
                widget=forms.CheckboxSelectMultiple,
            )
        self.notices: list[str] = []

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[facet.slug] for facet in self.facets]

    def listing_query(self) -> ListingQuery:
        """Validate, drop what is bad (with a notice) and return what is left."""
        self.is_valid()
        data = self.cleaned_data
        self._note_field_errors()
        self._note_unknown_parameters()
        min_price, max_price = data.get("min_price"), data.get("max_price")
        if min_price is not None and max_price is not None and min_price > max_price:
            min_price, max_price = max_price, min_price
            self.notices.append(gettext("The minimum price was above the maximum price; they were swapped."))
        query = ListingQuery(
            sort=data.get("sort") or "newest",
            page=data.get("page") or 1,
            brand_slug=data.get("brand") or "",
            min_price=min_price,
            max_price=max_price,
            attribute_value_ids=self._attribute_value_ids(),
        )
        self.clean_params = self._clean_params(query)
        return query

    def _clean_params(self, query: ListingQuery) -> QueryDict:
        """The corrected query string (without the page), for links and for redisplaying the form."""
        params = QueryDict(mutable=True)
        if query.sort != "newest":
            params["sort"] = query.sort
        if query.brand_slug:
            params["brand"] = query.brand_slug
        if query.min_price is not None:
            params["min_price"] = str(query.min_price)
        if query.max_price is not None:
            params["max_price"] = str(query.max_price)
        chosen_ids = {pk for ids in query.attribute_value_ids for pk in ids}
        for facet in self.facets:
            slugs = [slug for pk, slug, _value in facet.values if pk in chosen_ids]
            if slugs:
                params.setlist(facet.slug, slugs)
        return params

    def _attribute_value_ids(self) -> tuple[tuple[int, ...], ...]:
        chosen: list[tuple[int, ...]] = []
        for facet in self.facets:
            wanted = set(self.data.getlist(facet.slug))
            ids = tuple(pk for pk, slug, _value in facet.values if slug in wanted)
            if ids:
                chosen.append(ids)
        return tuple(chosen)

    def _note_field_errors(self) -> None:
        facet_by_slug = {facet.slug: facet for facet in self.facets}
        for name in self.errors:
            raw = self.data.get(name, "")
            if name == "page":
                self.notices.append(
                    gettext("“%(value)s” is not a page number; showing the first page.") % {"value": raw}
                )
            elif name == "sort":
                self.notices.append(
                    gettext("Unknown sort order “%(value)s”; showing the newest first.") % {"value": raw}
                )
            elif name == "brand":
                self.notices.append(
                    gettext("No brand “%(value)s” in this category; the brand filter was ignored.")
                    % {"value": raw}
                )
            elif name in ("min_price", "max_price"):
                self.notices.append(
                    gettext("“%(value)s” is not a valid price (a number of 0 or more); it was ignored.")
                    % {"value": raw}
                )
            elif name in facet_by_slug:
                self._note_bad_values(facet_by_slug[name])

    def _note_bad_values(self, facet: AttributeFacet) -> None:
        known = {slug for _pk, slug, _value in facet.values}
        for raw in self.data.getlist(facet.slug):
            if raw not in known:
                self.notices.append(
                    gettext("No %(attribute)s “%(value)s” in this category; it was ignored.")
                    % {"attribute": facet.name, "value": raw}
                )

    def _note_unknown_parameters(self) -> None:
        for name in self.data:
            if name in self.fields or name.startswith(IGNORED_PREFIXES):
                continue
            self.notices.append(gettext("Unknown filter “%(name)s”; it was ignored.") % {"name": name})
