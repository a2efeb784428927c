"""The shop's URLs plus a few views that log, enqueue a task or fail, for the observability tests."""

import logging

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as shop_urlpatterns
from shop.observability.tasks import observability_echo_trace

logger = logging.getLogger("tests.observability")


def log_view(request):
    logger.warning("inside the view")
    return HttpResponse("logged")


def enqueue_view(request):
    options = {"queue": request.GET["queue"]} if "queue" in request.GET else {}
    observability_echo_trace.apply_async((request.GET["key"],), **options)
    return HttpResponse("enqueued")


def boom_view(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("obs/log/", log_view),
    path("obs/enqueue/", enqueue_view),
    path("obs/boom/", boom_view),
    path("api/obs/boom/", boom_view),
    *shop_urlpatterns,
]

handler404 = "shop.core.views.page_not_found"
handler500 = "shop.core.views.server_error"
