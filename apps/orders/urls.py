from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/<int:checkout_id>/done/", views.checkout_done, name="checkout_done"),
    path("<str:number>/", views.order_detail, name="detail"),
]
