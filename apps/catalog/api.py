"""The read-only catalog API: products (list and detail), the category tree and the brands.

Anyone may read it. Every endpoint runs a fixed number of queries whatever the number of products
(the list: the page and its count, plus one query per category or brand filter). Answers may be
cached by a CDN for a minute: they hold nothing per user.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.cache import cache_control
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.helpers import lazy_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .filters import ORDERINGS, ProductFilter
from .models import Brand, Product, ProductImage
from .selectors import category_tree_get, localized, product_get
from .types import CategoryNode, CategoryTree

CDN_MAX_AGE_SECONDS = 60
public_cache = method_decorator(cache_control(public=True, max_age=CDN_MAX_AGE_SECONDS), name="dispatch")


def _absolute_media_url(request: Request | None, name: str) -> str | None:
    if not name:
        return None
    url = default_storage.url(name)
    return request.build_absolute_uri(url) if request is not None else url


def _accept_language(request) -> str:
    """The best supported language of the Accept-Language header, else the default.

    The API's URLs carry no language prefix, so LocaleMiddleware would always pick the default;
    a session or cookie language is ignored on purpose, as a CDN caches the answers (by
    Accept-Language, which LocaleMiddleware adds to Vary)."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class AcceptLanguageMixin:
    def dispatch(self, request, *args, **kwargs):
        with translation.override(_accept_language(request)):
            return super().dispatch(request, *args, **kwargs)


# --- serializers --------------------------------------------------------------------------------


class MoneySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()


class ProductListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.SerializerMethodField()
    merchant_name = serializers.CharField(source="merchant.name")
    category_slug = serializers.CharField(source="category.slug")
    brand_slug = serializers.CharField(source="brand.slug", allow_null=True)
    lowest_price = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_name(self, product: Product) -> str:
        return localized(english=product.name, chinese=product.name_zh, language=get_language())

    @extend_schema_field(MoneySerializer)
    def get_lowest_price(self, product: Product) -> dict:
        return {"amount": f"{product.lowest_price:.2f}", "currency": settings.SHOP_CURRENCY}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, product: Product) -> str | None:
        name = product.first_thumbnail or product.first_image or ""
        return _absolute_media_url(self.context.get("request"), name)


class AttributeValueSerializer(serializers.Serializer):
    attribute_slug = serializers.CharField()
    attribute_name = serializers.CharField()
    slug = serializers.CharField()
    value = serializers.CharField()


class VariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    label = serializers.CharField()
    price = MoneySerializer()
    attribute_values = AttributeValueSerializer(many=True)


class PictureSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    alt = serializers.CharField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image) -> str:
        return self.context["request"].build_absolute_uri(image.url)

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, image) -> str:
        return self.context["request"].build_absolute_uri(image.thumbnail_url)


class ProductDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    brand_name = serializers.CharField()
    merchant_id = serializers.IntegerField()
    merchant_name = serializers.CharField()
    category_slug = serializers.SerializerMethodField()
    max_per_order = serializers.IntegerField()
    lowest_price = MoneySerializer(source="price_from", allow_null=True)
    pictures = PictureSerializer(source="images", many=True)
    variants = VariantSerializer(many=True)

    def get_category_slug(self, product) -> str:
        return product.breadcrumbs[-1].slug if product.breadcrumbs else ""


class CategoryNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    children = serializers.SerializerMethodField()

    @extend_schema_field(lazy_serializer("apps.catalog.api.CategoryNodeSerializer")(many=True))
    def get_children(self, node: dict) -> list:
        return CategoryNodeSerializer(node["children"], many=True).data


class CatalogErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class BrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "slug", "name"]


# --- queries ------------------------------------------------------------------------------------


def _product_list_queryset() -> QuerySet[Product]:
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
    return (
        Product.objects.filter(status=Product.Status.ACTIVE, merchant__is_active=True)
        .select_related("merchant", "category", "brand")
        .annotate(
            lowest_price=Min("variants__price", filter=Q(variants__is_active=True)),
            first_thumbnail=Subquery(first_image.values("thumbnail")[:1]),
            first_image=Subquery(first_image.values("image")[:1]),
        )
        .filter(lowest_price__isnull=False)
        .order_by(*ORDERINGS["newest"])
    )


def _category_nodes(tree: CategoryTree, parent_id: int | None) -> list[dict]:
    def node_dict(node: CategoryNode) -> dict:
        return {
            "id": node.id,
            "slug": node.slug,
            "name": node.name,
            "children": _category_nodes(tree, node.id),
        }

    return [node_dict(node) for node in tree.children_of(parent_id)]


# --- views --------------------------------------------------------------------------------------


@public_cache
@extend_schema_view(
    get=extend_schema(
        responses={
            200: ProductListItemSerializer(many=True),
            400: OpenApiResponse(
                description=_("A filter value is invalid: the body maps each bad parameter to its messages.")
            ),
        }
    )
)
class ProductListApi(AcceptLanguageMixin, generics.ListAPIView):
    """Active products of active merchants, newest first, with their lowest price."""

    permission_classes = [AllowAny]
    serializer_class = ProductListItemSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter

    def get_queryset(self) -> QuerySet[Product]:
        return _product_list_queryset()


@public_cache
class ProductDetailApi(AcceptLanguageMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: ProductDetailSerializer, 404: CatalogErrorSerializer})
    def get(self, request: Request, product_id: int) -> Response:
        product = product_get(product_id=product_id, language=get_language())
        if product is None:
            raise NotFound(_("No product has this id."))
        return Response(ProductDetailSerializer(product, context={"request": request}).data)


@public_cache
class CategoryTreeApi(AcceptLanguageMixin, APIView):
    """The whole category tree, roots first, each node with its children."""

    permission_classes = [AllowAny]

    @extend_schema(responses=CategoryNodeSerializer(many=True))
    def get(self, request: Request) -> Response:
        tree = category_tree_get(language=get_language())
        return Response(CategoryNodeSerializer(_category_nodes(tree, None), many=True).data)


@public_cache
class BrandListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = BrandSerializer
    pagination_class = None
    filter_backends: list = []
    queryset = Brand.objects.order_by("name")
