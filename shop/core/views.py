import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

from shop.observability.context import get_trace_id

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def _trace_id(request: HttpRequest) -> str:
    return getattr(request, "trace_id", "") or get_trace_id()


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """The shop's 404 page; API clients get JSON like the API's own 404s."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception, template_name="404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, with the trace id the shopper can quote to support.

    It renders without the request (no context processors: the database or the session store may
    be what failed), and falls back to a bare page if the template itself cannot render.
    """
    trace_id = _trace_id(request)
    if _is_api(request):
        return JsonResponse({"detail": _("Server error."), "trace_id": trace_id}, status=500)
    try:
        body = loader.get_template("500.html").render({"trace_id": trace_id})
    except Exception:
        logger.exception("the 500 page could not be rendered")
        body = (
            f"<!doctype html><title>{escape(_('Server error'))}</title>"
            f"<h1>{escape(_('Server error'))}</h1>"
            f"<p>{escape(_('Reference'))}: <code>{escape(trace_id)}</code></p>"
        )
    return HttpResponseServerError(body)
