import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _
from django_prometheus.exports import ExportToDjangoView

BEARER = "Bearer "


def _has_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if not token or not header.startswith(BEARER):
        return False
    # Constant-time: the comparison must not tell an attacker how many leading characters match.
    return hmac.compare_digest(header.removeprefix(BEARER).strip().encode(), token.encode())


def _from_allowed_address(request: HttpRequest) -> bool:
    # REMOTE_ADDR is the direct peer. Behind the reverse proxy that is the proxy itself, hence
    # production allows no address by default and its scraper uses the token.
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, only for METRICS_ALLOWED_IPS or the bearer of METRICS_TOKEN."""
    if not (_has_token(request) or _from_allowed_address(request)):
        return HttpResponseForbidden(_("Metrics are not public."), content_type="text/plain; charset=utf-8")
    return ExportToDjangoView(request)
