import hmac

from django.conf import settings
from django.http import HttpResponseForbidden
from django_prometheus.exports import ExportToDjangoView


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if given and hmac.compare_digest(given, token):
            return True
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


def metrics(request):
    """Prometheus metrics, only for the allowed addresses or the bearer of METRICS_TOKEN."""
    if not _allowed(request):
        return HttpResponseForbidden("metrics are not public")
    return ExportToDjangoView(request)
