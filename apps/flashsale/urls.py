"""Shopper pages (included inside i18n_patterns at "flash/")."""

from django.urls import path

from . import views

app_name = "flashsale"
urlpatterns = [
    path("", views.sale_list, name="index"),
    path("<int:sale_id>/", views.sale_page, name="sale"),
    path("<int:sale_id>/join/", views.sale_join, name="join"),
    path("<int:sale_id>/buy/", views.buy_form, name="buy"),
    path("reservations/<str:reservation_id>/", views.reservation_page, name="reservation"),
    path("reservations/<str:reservation_id>/pay/", views.reservation_pay, name="reservation_pay"),
]
