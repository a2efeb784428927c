"""The CSRF failure page that lets a published page's forms work without JavaScript.

A published page holds no CSRF token (it is the same for everyone); live.js adds one from
/live/session/. Without JavaScript, the form posts without a token, and CsrfViewMiddleware sends the
request here. When the only fault is the missing cookie or token of a same-origin post (the Origin
and Referer checks passed), the shopper gets the same form back, filled with what they chose and a
fresh token, to confirm with one click; a forged cross-site post never gets that far (its Origin
fails first, and X-Frame-Options stops it from being framed). Every other failure is the plain 403.
"""

from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.views.csrf import csrf_failure as django_csrf_failure

CONFIRMABLE = {REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING}
MAX_FIELDS = 20
MAX_VALUE_LENGTH = 500


def _fields_to_repeat(request) -> list[tuple[str, str]] | None:
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]
    if request.FILES or len(fields) > MAX_FIELDS or any(len(v) > MAX_VALUE_LENGTH for _, v in fields):
        return None
    return fields


def csrf_failure(request, reason: str = ""):
    fields = _fields_to_repeat(request) if reason in CONFIRMABLE else None
    if fields is None:
        return django_csrf_failure(request, reason=reason)
    response = render(
        request,
        "partials/csrf_confirm.html",
        {"action": request.path, "fields": fields, "page_is_public": False},
        status=403,
    )
    response["Cache-Control"] = "private, no-store"
    return response
