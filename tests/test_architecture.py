"""Business apps under apps/ never hold a foreign key into another business app.

Across a boundary a row is referred to by its id (and what is needed is copied), so the apps can
later become services with their own databases. Keys into shop/ (users, merchants) and Django's
own apps are allowed, as are keys within one app. import-linter cannot see string references
such as "catalog.Product", hence this walk over the models.
"""

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from shop.accounts.models import Merchant

BUSINESS_PACKAGE = "apps"


def _business_app(model: type[models.Model]) -> str | None:
    name = model._meta.app_config.name
    return name if name.split(".")[0] == BUSINESS_PACKAGE else None


def cross_app_relations(model_classes) -> list[str]:
    """Every FK, one-to-one and many-to-many from a business app into another business app."""
    found = []
    for model in model_classes:
        source = _business_app(model)
        if source is None:
            continue
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            if not field.is_relation:
                continue
            target = _business_app(field.related_model)
            if target is not None and target != source:
                found.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    return found


def test_no_business_app_has_a_relation_into_another_business_app():
    # given every model of every installed app
    all_models = [model for config in apps.get_app_configs() for model in config.get_models()]
    walked = {model._meta.label for model in all_models if _business_app(model)}

    # when they are checked
    found = cross_app_relations(all_models)

    # then none points into another business app (and the walk did see the business models)
    assert found == []
    assert {"catalog.Product", "catalog.Variant", "catalog.ProductImage"} <= walked


@isolate_apps("apps.catalog", "apps.orders")
def test_the_check_flags_relations_across_business_apps_and_only_those():
    # given a fake order line pointing at a fake catalog product in three ways, plus allowed keys
    class FakeProduct(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "catalog"

    class FakeOrder(models.Model):  # noqa: DJ008
        class Meta:
            app_label = "orders"

    class FakeOrderLine(models.Model):  # noqa: DJ008
        order = models.ForeignKey(FakeOrder, on_delete=models.CASCADE)
        merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT)
        product = models.ForeignKey(FakeProduct, on_delete=models.PROTECT)
        main_product = models.OneToOneField(FakeProduct, on_delete=models.PROTECT, related_name="+")
        bundle = models.ManyToManyField(FakeProduct, related_name="+")

        class Meta:
            app_label = "orders"

    # when the check runs over them
    found = cross_app_relations([FakeProduct, FakeOrder, FakeOrderLine])

    # then exactly the three cross-app relations are reported
    assert found == [
        "orders.FakeOrderLine.product -> catalog.FakeProduct",
        "orders.FakeOrderLine.main_product -> catalog.FakeProduct",
        "orders.FakeOrderLine.bundle -> catalog.FakeProduct",
    ]
