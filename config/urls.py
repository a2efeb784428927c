from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.catalog import live as catalog_live
from config.health import healthz
from shop.observability.views import metrics

admin.site.site_header = "Shop administration"
admin.site.site_title = "Shop admin"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("metrics", metrics, name="metrics"),
    path("healthz", healthz, name="healthz"),
    # The live parts of published pages (apps/catalog/live.py): JSON, no language prefix.
    path("live/session/", catalog_live.session_state, name="live-session"),
    path("live/product/<int:pk>/", catalog_live.product_state, name="live-product"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/catalog/", include("apps.catalog.api_urls")),
    # Server-to-server endpoints (payment and carrier notifications) and the buying API: no
    # language prefix, they are not pages.
    path("payments/", include("apps.payments.urls")),
    path("shipping/", include("apps.shipping.urls")),
    path("api/", include("apps.orders.api_urls")),
    path("flash/api/", include("apps.flashsale.api_urls")),
]

# Shopper pages carry the language in the URL (/en/..., /zh-hans/...); the default language has no
# prefix so the plain URLs a CDN caches stay stable.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("shop.accounts.urls")),
    path("cart/", include("apps.cart.urls")),
    path("orders/", include("apps.orders.urls")),
    path("flash/", include("apps.flashsale.urls")),
    path("search/", include("apps.search.urls")),
    path("", include("apps.catalog.urls")),
    prefix_default_language=False,
)

if settings.DEBUG or settings.SHOP_SERVE_MEDIA:
    # Local pictures from Django itself: the embedded default only (production serves media
    # from S3 / the CDN or the reverse proxy). `static()` alone serves nothing when DEBUG is off.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler404 = "shop.core.views.page_not_found"
handler500 = "shop.core.views.server_error"
