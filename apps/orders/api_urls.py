from django.urls import path

from . import api

urlpatterns = [
    path("cart/", api.CartApi.as_view(), name="api-cart"),
    path("cart/lines/", api.CartLinesApi.as_view(), name="api-cart-lines"),
    path("cart/lines/<int:line_id>/", api.CartLineApi.as_view(), name="api-cart-line"),
    path("checkout/", api.CheckoutApi.as_view(), name="api-checkout"),
    path("orders/", api.OrderListApi.as_view(), name="api-orders"),
    path("orders/<str:number>/", api.OrderDetailApi.as_view(), name="api-order"),
]
