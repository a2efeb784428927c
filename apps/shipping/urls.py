from django.urls import path

from . import views

app_name = "shipping"
urlpatterns = [
    path("carrier/notify/", views.carrier_notify, name="carrier-notify"),
]
