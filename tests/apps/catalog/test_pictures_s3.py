"""Product pictures in an S3-compatible store (AWS_STORAGE_BUCKET_NAME in production: the default
storage is django-storages' S3Storage): the upload, the thumbnail rendered from it, their URLs on
the CDN's domain on the product page, the old thumbnail's deletion. Over HTTP against the test S3
server (tests/s3.py)."""

import pytest

from apps.catalog.services import product_image_create_thumbnail
from tests.apps.catalog.factories import ProductImageFactory, VariantFactory

pytestmark = pytest.mark.django_db

BUCKET = "shop-media"
CDN = "media.shop.example.com"


@pytest.fixture
def s3_pictures(settings, s3_server):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_server.storage_options(
                s3_server.bucket(BUCKET), custom_domain=CDN, querystring_auth=False
            ),
        },
    }
    return s3_server


def test_a_picture_and_its_thumbnail_live_in_the_bucket_and_show_from_the_cdn(s3_pictures, client, tmp_path):
    # given a picture uploaded through the storage API
    picture = ProductImageFactory(thumbnail=None)
    VariantFactory(product=picture.product)
    assert picture.image.name in s3_pictures.keys(BUCKET)
    # when its thumbnail is rendered (the Celery task's service: read from and written to the store)
    name = product_image_create_thumbnail(image_id=picture.pk)
    # then
    assert name in s3_pictures.keys(BUCKET)
    thumbnail = s3_pictures.client().get_object(Bucket=BUCKET, Key=name)
    assert thumbnail["ContentType"] == "image/jpeg"
    assert thumbnail["Body"].read(3) == b"\xff\xd8\xff"  # a JPEG
    # and the pages point at the CDN's copies: the picture on the product page, the thumbnail on
    # the category listing's card
    product = picture.product
    page = client.get(f"/p/{product.pk}-{product.slug}/").content.decode()
    assert f'src="https://{CDN}/{picture.image.name}"' in page
    listing = client.get(f"/c/{product.category.slug}/").content.decode()
    assert f'src="https://{CDN}/{name}"' in listing
    assert not list(tmp_path.glob("media/**/*.jpg"))  # nothing on the local disk


def test_rendering_the_thumbnail_again_replaces_the_old_object(s3_pictures):
    picture = ProductImageFactory(thumbnail=None)
    first = product_image_create_thumbnail(image_id=picture.pk)
    # when the picture's thumbnail is rendered again (a new name: the store may have kept the old one)
    second = product_image_create_thumbnail(image_id=picture.pk)
    # then exactly one thumbnail is left
    keys = s3_pictures.keys(BUCKET)
    assert second in keys
    assert (first == second) or (first not in keys)
    assert len([key for key in keys if "thumb-" in key]) == 1
