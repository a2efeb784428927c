from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("p/<int:pk>-<slug:slug>/", views.product_detail, name="product"),
]
