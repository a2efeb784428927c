"""JSON endpoints (included without a language prefix at "flash/api/")."""

from django.urls import path

from . import api

app_name = "flashsale_api"
urlpatterns = [
    path("sales/<int:sale_id>/buy/", api.buy, name="buy"),
    path("sales/<int:sale_id>/state/", api.state, name="state"),
    path("reservations/<str:reservation_id>/", api.reservation, name="reservation"),
    path("token/", api.token, name="token"),
]
