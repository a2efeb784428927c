"""Writes of the catalog app. Other apps call these; the admin's actions and forms call them too."""

import io
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from apps.catalog.models import Product, ProductImage

THUMBNAIL_MAX_SIDE = 320
THUMBNAIL_JPEG_QUALITY = 85


@transaction.atomic
def product_set_status(
    *, product_ids: Iterable[int], status: str, merchant_ids: frozenset[int] | None
) -> int:
    """Set the status of the given products and return how many changed.

    `merchant_ids` limits the change to those merchants' products (merchant staff); only platform
    code passes None, meaning any merchant. Ids of other merchants' products are ignored.
    """
    if status not in Product.Status.values:
        raise ValueError(f"unknown product status: {status!r}")
    products = Product.objects.filter(pk__in=list(product_ids)).exclude(status=status)
    if merchant_ids is not None:
        products = products.filter(merchant_id__in=merchant_ids)
    return products.update(status=status, updated_at=timezone.now())


def product_image_create_thumbnail(*, image_id: int) -> str:
    """Render the picture's thumbnail (at most 320 px a side, JPEG) and return its storage name.

    Reads and writes through the field's storage (local files or S3 alike), never the local disk.
    """
    picture = ProductImage.objects.select_related("product").get(pk=image_id)
    with picture.image.open("rb") as source:
        rendered = Image.open(source)
        rendered.load()
    rendered = ImageOps.exif_transpose(rendered)
    rendered.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))
    if rendered.mode != "RGB":
        # JPEG has no alpha channel: flatten transparent pictures onto white.
        background = Image.new("RGB", rendered.size, (255, 255, 255))
        rgba = rendered.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        rendered = background
    buffer = io.BytesIO()
    rendered.save(buffer, format="JPEG", quality=THUMBNAIL_JPEG_QUALITY, optimize=True)
    previous = picture.thumbnail.name
    stem = PurePosixPath(picture.image.name).stem
    picture.thumbnail.save(f"thumb-{stem}.jpg", ContentFile(buffer.getvalue()), save=False)
    ProductImage.objects.filter(pk=picture.pk).update(thumbnail=picture.thumbnail.name)
    if previous and previous != picture.thumbnail.name:
        picture.thumbnail.storage.delete(previous)
    return picture.thumbnail.name
