"""Catalog rows changed: enqueue a re-index of the product after commit, with its id only; a
category, brand, merchant or attribute changed: enqueue a re-index of the products that show it
(its name is in their entries' text, its slug in their facets, a switched-off merchant hides them).

The catalog sends no signals of its own yet, so these listen to its models' save and delete
signals by label (no import of the catalog's models). Bulk `update()`s send none: the periodic
`search_refresh_changed` task catches those of products.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

PRODUCT = "catalog.Product"
VARIANT = "catalog.Variant"
CATEGORY = "catalog.Category"
BRAND = "catalog.Brand"
ATTRIBUTE = "catalog.Attribute"
ATTRIBUTE_VALUE = "catalog.AttributeValue"
MERCHANT = "accounts.Merchant"


def _enqueue(product_id: int | None) -> None:
    if product_id is None:
        return
    from .tasks import search_products_reindex

    transaction.on_commit(lambda: search_products_reindex.delay([product_id]))


@receiver(post_save, sender=PRODUCT, dispatch_uid="search_product_saved")
@receiver(post_delete, sender=PRODUCT, dispatch_uid="search_product_deleted")
def search_product_changed(sender, instance, **kwargs) -> None:
    _enqueue(instance.pk)


@receiver(post_save, sender=VARIANT, dispatch_uid="search_variant_saved")
@receiver(post_delete, sender=VARIANT, dispatch_uid="search_variant_deleted")
def search_variant_changed(sender, instance, **kwargs) -> None:
    _enqueue(instance.product_id)


def _enqueue_related(**ids: list) -> None:
    from .tasks import search_reindex_related

    transaction.on_commit(lambda: search_reindex_related.delay(**ids))


@receiver(post_save, sender=CATEGORY, dispatch_uid="search_category_saved")
@receiver(post_delete, sender=CATEGORY, dispatch_uid="search_category_deleted")
def search_category_changed(sender, instance, raw=False, created=False, **kwargs) -> None:
    if not raw and not created:  # a new one shows on no product yet
        _enqueue_related(category_ids=[instance.pk])


@receiver(post_save, sender=BRAND, dispatch_uid="search_brand_saved")
@receiver(post_delete, sender=BRAND, dispatch_uid="search_brand_deleted")
def search_brand_changed(sender, instance, raw=False, created=False, **kwargs) -> None:
    if not raw and not created:  # a new one shows on no product yet
        _enqueue_related(brand_ids=[instance.pk], brand_slugs=[instance.slug])


@receiver(post_save, sender=MERCHANT, dispatch_uid="search_merchant_saved")
def search_merchant_changed(sender, instance, raw=False, created=False, **kwargs) -> None:
    if not raw and not created:  # a new merchant has no products yet
        _enqueue_related(merchant_ids=[instance.pk])


@receiver(post_save, sender=ATTRIBUTE, dispatch_uid="search_attribute_saved")
def search_attribute_changed(sender, instance, raw=False, created=False, **kwargs) -> None:
    if not raw and not created:
        _enqueue_related(attribute_ids=[instance.pk])


@receiver(post_save, sender=ATTRIBUTE_VALUE, dispatch_uid="search_attribute_value_saved")
def search_attribute_value_changed(sender, instance, raw=False, created=False, **kwargs) -> None:
    if not raw and not created:
        _enqueue_related(attribute_value_ids=[instance.pk])
