from django.urls import resolve, reverse
from django.utils import translation


def test_the_api_and_operations_endpoints_have_no_language_prefix():
    assert reverse("metrics") == "/metrics"
    assert reverse("api-schema") == "/api/schema/"
    assert reverse("api-docs") == "/api/docs/"
    assert reverse("catalog_api:product-list") == "/api/catalog/products/"
    assert reverse("catalog_api:product-detail", kwargs={"product_id": 7}) == "/api/catalog/products/7/"
    assert reverse("catalog_api:category-tree") == "/api/catalog/categories/"
    assert reverse("catalog_api:brand-list") == "/api/catalog/brands/"


def test_the_error_handlers_are_the_shops():
    from config import urls

    assert urls.handler404 == "shop.core.views.page_not_found"
    assert urls.handler500 == "shop.core.views.server_error"


def test_shopper_pages_carry_a_language_prefix_except_for_the_default_language():
    assert resolve("/admin/").url_name == "index"
    with translation.override("zh-hans"):
        assert resolve("/zh-hans/admin/").url_name == "index"
        assert reverse("admin:index") == "/zh-hans/admin/"
