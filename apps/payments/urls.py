from django.urls import path

from apps.payments import views

app_name = "payments"

urlpatterns = [
    path("notify/<slug:provider>/", views.notify, name="notify"),
    path("sandbox/pay/<str:token>/", views.sandbox_pay, name="sandbox_pay"),
    path("<int:payment_id>/processing/", views.processing, name="processing"),
]
