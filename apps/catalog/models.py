from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import Merchant
from shop.core.models import TimeStampedModel
from shop.core.money import CurrencyField, MoneyField


class Category(models.Model):
    """A node of the category tree (adjacency list; the tree is shallow and cached whole)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """A variant property such as colour or size; `is_filterable` puts it in listing filters."""

    name = models.CharField(_("name"), max_length=60)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    is_filterable = models.BooleanField(_("usable as a filter"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(_("value"), max_length=60)
    value_zh = models.CharField(_("value (Chinese)"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60)

    class Meta:
        ordering = ["attribute__name", "value"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "slug"], name="attributevalue_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.attribute.name}: {self.value}"


class Product(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=220)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    max_per_order = models.PositiveIntegerField(
        _("maximum quantity per order"), default=settings.SHOP_DEFAULT_MAX_PER_ORDER
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["merchant", "slug"], name="product_unique_slug_per_merchant"),
            models.CheckConstraint(
                condition=models.Q(max_per_order__gte=1), name="product_max_per_order_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "category", "-created_at"])]

    def __str__(self) -> str:
        return self.name


def product_image_path(instance: "ProductImage", filename: str) -> str:
    return f"products/{instance.product.merchant_id}/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("picture"), upload_to=product_image_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=product_image_path, blank=True, editable=False)
    alt = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")

    def __str__(self) -> str:
        return self.alt or self.image.name


class Variant(TimeStampedModel):
    """A sellable SKU. `merchant` repeats the product's merchant so the database can enforce a SKU
    code unique per merchant."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="variants")
    sku = models.CharField(_("SKU code"), max_length=64)
    name = models.CharField(_("name"), max_length=200, blank=True)
    price = MoneyField(verbose_name=_("price"))
    currency = CurrencyField(verbose_name=_("currency"), default=settings.SHOP_CURRENCY)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=500)
    attribute_values = models.ManyToManyField(AttributeValue, blank=True, related_name="variants")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["price", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(fields=["merchant", "sku"], name="variant_unique_sku_per_merchant"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="variant_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} – {self.name or self.sku}"
