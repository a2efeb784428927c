"""Catalog rows changed: enqueue a re-index of the product after commit, with its id only.

The catalog sends no signals of its own yet, so these listen to its models' save and delete
signals by label (no import of the catalog's models). Bulk `update()`s send none: the periodic
`search_refresh_changed` task catches those.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

PRODUCT = "catalog.Product"
VARIANT = "catalog.Variant"


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
