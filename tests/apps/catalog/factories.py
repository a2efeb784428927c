"""factory-boy factories for the catalog. Other apps' tests import these.

`ProductFactory` makes an ACTIVE product of an active merchant; pass `status=Product.Status.DRAFT`
for a draft. `VariantFactory` copies its product's merchant, as the model requires.
`ProductImageFactory` writes a tiny real PNG (and the same as thumbnail) to MEDIA_ROOT.
"""

import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from apps.catalog.models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    Variant,
)
from tests.shop.accounts.factories import MerchantFactory

__all__ = [
    "AttributeFactory",
    "AttributeValueFactory",
    "BrandFactory",
    "CategoryFactory",
    "MerchantFactory",
    "ProductFactory",
    "ProductImageFactory",
    "VariantFactory",
    "png_bytes",
]


def png_bytes(colour: tuple[int, int, int] = (200, 60, 60), size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    parent = None
    name = factory.Sequence(lambda n: f"Category {n}")
    name_zh = ""
    slug = factory.Sequence(lambda n: f"category-{n}")
    position = 0


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class AttributeFactory(DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Attribute {n}")
    name_zh = ""
    slug = factory.Sequence(lambda n: f"attribute-{n}")
    is_filterable = True


class AttributeValueFactory(DjangoModelFactory):
    class Meta:
        model = AttributeValue
        django_get_or_create = ("attribute", "slug")

    attribute = factory.SubFactory(AttributeFactory)
    value = factory.Sequence(lambda n: f"Value {n}")
    value_zh = ""
    slug = factory.Sequence(lambda n: f"value-{n}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    merchant = factory.SubFactory(MerchantFactory)
    category = factory.SubFactory(CategoryFactory)
    brand = None
    name = factory.Sequence(lambda n: f"Product {n}")
    name_zh = ""
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A fine product."
    description_zh = ""
    status = Product.Status.ACTIVE
    is_featured = False


class ProductImageFactory(DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(lambda: ContentFile(png_bytes((200, 60, 60), (32, 32)), name="picture.png"))
    thumbnail = factory.LazyFunction(lambda: ContentFile(png_bytes((200, 60, 60)), name="thumb.png"))
    alt = factory.Sequence(lambda n: f"Picture {n}")
    position = factory.Sequence(lambda n: n)


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    merchant = factory.LazyAttribute(lambda o: o.product.merchant)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    name = ""
    price = Decimal("10.00")
    currency = "USD"
    weight_grams = 500
    is_active = True

    @factory.post_generation
    def attribute_values(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy passes the object
        if create and extracted:
            obj.attribute_values.add(*extracted)
