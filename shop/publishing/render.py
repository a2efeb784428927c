"""Render one page the way a shopper who is not logged in gets it: a RequestFactory request for an
anonymous user, the language taken from the path, the view the path resolves to.

A page that would carry something private (a CSRF token, a cookie, a session) is refused: such a
page must get those from its live endpoint instead (README.md here).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import translation


class PageNotPublishableError(Exception):
    """The page depends on the visitor (it used the CSRF token, set a cookie or varies on one)."""


@dataclass(frozen=True)
class RenderedPage:
    path: str
    status: int
    content: bytes


def site_url() -> str:
    return (getattr(settings, "PUBLISHING_SITE_URL", "") or settings.SHOP_SITE_URL).rstrip("/")


def _request_for(path: str):
    site = urlsplit(site_url())
    secure = site.scheme == "https"
    factory = RequestFactory(
        HTTP_HOST=site.netloc or "localhost",
        SERVER_PORT=str(site.port or (443 if secure else 80)),
        **{"wsgi.url_scheme": site.scheme or "http"},
    )
    request = factory.get(path, secure=secure)
    request.user = AnonymousUser()
    return request


def page_render(path: str) -> RenderedPage:
    """Status 404 for a path no view answers (or whose object is gone); raises PageNotPublishableError."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return RenderedPage(path=path, status=404, content=b"")
        request = _request_for(path)
        request.LANGUAGE_CODE = language
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
        except Http404:
            return RenderedPage(path=path, status=404, content=b"")
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
        raise PageNotPublishableError(
            f"{path} uses a CSRF token or sets a cookie; move it to a live endpoint"
        )
    if "cookie" in response.get("Vary", "").lower():
        raise PageNotPublishableError(f"{path} varies on the cookie (it read the session)")
    return RenderedPage(path=path, status=response.status_code, content=response.content)
