"""Catalog writes -> cache invalidation and re-publishing, both after the commit.

Receivers only name what changed (ids): the cache tags are bumped on commit (cheap, in process), and
the pages are re-published by a Celery task enqueued on commit (`tasks.py`). Bulk writes
(`bulk_create`, `update()`) send no signal: who does them invalidates and publishes itself
(`manage.py publish_pages --all`).
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from shop.accounts.models import Merchant
from shop.core.cache import cache_invalidate_on_commit

from . import tasks
from .models import Attribute, AttributeValue, Brand, Category, Product, ProductImage, Variant
from .selectors import CACHE_TAG_CATALOG, CACHE_TAG_LISTINGS, CACHE_TAG_TREE, cache_tag_product


def _publishing_enabled() -> bool:
    return getattr(settings, "PUBLISHING_ENABLED", False)


def _product_changed(product_id: int, category_ids: set[int]) -> None:
    cache_invalidate_on_commit(tags=(cache_tag_product(product_id), CACHE_TAG_LISTINGS))
    if _publishing_enabled():
        ids = sorted(pk for pk in category_ids if pk)
        transaction.on_commit(lambda: tasks.catalog_product_pages_publish_enqueue(product_id, ids))


def _everything_changed(*tags: str) -> None:
    cache_invalidate_on_commit(tags=tags)
    if _publishing_enabled():
        transaction.on_commit(tasks.catalog_pages_publish_all_enqueue)


@receiver(pre_save, sender=Product, dispatch_uid="catalog_product_previous_category")
def _product_remember_category(sender, instance: Product, raw=False, **kwargs) -> None:
    # A product moved to another category must leave the old category's listing too.
    if raw or instance.pk is None or not _publishing_enabled():
        return
    instance._previous_category_id = (
        Product.objects.filter(pk=instance.pk).values_list("category_id", flat=True).first()
    )


@receiver(post_save, sender=Product, dispatch_uid="catalog_product_saved")
@receiver(post_delete, sender=Product, dispatch_uid="catalog_product_deleted")
def _product_saved(sender, instance: Product, raw=False, **kwargs) -> None:
    if raw:
        return
    previous = getattr(instance, "_previous_category_id", None)
    _product_changed(instance.pk, {instance.category_id, previous or 0})


@receiver(post_save, sender=Variant, dispatch_uid="catalog_variant_saved")
@receiver(post_delete, sender=Variant, dispatch_uid="catalog_variant_deleted")
@receiver(post_save, sender=ProductImage, dispatch_uid="catalog_image_saved")
@receiver(post_delete, sender=ProductImage, dispatch_uid="catalog_image_deleted")
def _product_part_saved(sender, instance: Variant | ProductImage, raw=False, **kwargs) -> None:
    if raw:
        return
    category_ids: set[int] = set()
    if _publishing_enabled():
        product = Product.objects.filter(pk=instance.product_id).values_list("category_id", flat=True)
        category_ids.add(product.first() or 0)
    _product_changed(instance.product_id, category_ids)


@receiver(m2m_changed, sender=Variant.attribute_values.through, dispatch_uid="catalog_variant_values")
def _variant_values_changed(sender, instance, action: str, reverse: bool, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # an attribute value's variants changed: too many products to name, start over
        _everything_changed(CACHE_TAG_CATALOG, CACHE_TAG_LISTINGS)
        return
    _product_changed(instance.product_id, {instance.product.category_id} if _publishing_enabled() else set())


@receiver(post_save, sender=Category, dispatch_uid="catalog_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="catalog_category_deleted")
def _category_saved(sender, instance: Category, raw=False, **kwargs) -> None:
    # Every page shows the top categories in its nav and its breadcrumbs: all of them change.
    if not raw:
        _everything_changed(CACHE_TAG_TREE, CACHE_TAG_LISTINGS)


@receiver(post_save, sender=Brand, dispatch_uid="catalog_brand_saved")
@receiver(post_delete, sender=Brand, dispatch_uid="catalog_brand_deleted")
@receiver(post_save, sender=Attribute, dispatch_uid="catalog_attribute_saved")
@receiver(post_delete, sender=Attribute, dispatch_uid="catalog_attribute_deleted")
@receiver(post_save, sender=AttributeValue, dispatch_uid="catalog_attribute_value_saved")
@receiver(post_delete, sender=AttributeValue, dispatch_uid="catalog_attribute_value_deleted")
@receiver(post_save, sender=Merchant, dispatch_uid="catalog_merchant_saved")
def _shared_data_saved(sender, instance, raw=False, **kwargs) -> None:
    # A brand or merchant name, or a merchant switched off, shows on (or hides) many products.
    if not raw:
        _everything_changed(CACHE_TAG_CATALOG, CACHE_TAG_LISTINGS)
