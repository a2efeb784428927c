"""BENCHMARK ONLY: the shop's URLs plus /bench/naive-checkout/<sale>/ (see views.py)."""

from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as shop_urlpatterns

from . import views

__all__ = ["handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path("bench/naive-checkout/<int:sale_id>/", views.naive_checkout, name="bench_naive_checkout"),
    *shop_urlpatterns,
]
