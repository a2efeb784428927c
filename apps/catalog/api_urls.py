from django.urls import path

from . import api

app_name = "catalog_api"

urlpatterns = [
    path("products/", api.ProductListApi.as_view(), name="product-list"),
    path("products/<int:product_id>/", api.ProductDetailApi.as_view(), name="product-detail"),
    path("categories/", api.CategoryTreeApi.as_view(), name="category-tree"),
    path("brands/", api.BrandListApi.as_view(), name="brand-list"),
]
