"""A URLconf and a page source of plain pages, so the generic publisher is tested without the
catalog (tests/apps/catalog/test_publishing.py tests the catalog's pages)."""

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path, re_path

from shop.publishing.registry import PageSet


def page(request, name: str):
    if name.startswith("gone"):
        raise Http404("gone")
    body = f"<p>{name}</p>" * 200  # big enough for compression to matter
    return HttpResponse(
        f"<!doctype html><html><head><title>Page {name}</title></head><body>{body}</body></html>"
    )


def with_token(request):
    return HttpResponse(f"<html><head><title>t</title></head><body>{get_token(request)}</body></html>")


def with_cookie(request):
    response = HttpResponse("<html><head><title>c</title></head></html>")
    response.set_cookie("seen", "1")
    return response


urlpatterns = [
    path("pages/<str:name>/", page),
    path("token/", with_token),
    path("cookie/", with_cookie),
    re_path(r"^", lambda request: HttpResponse("django")),  # anything else: Django answered
]


class Pages:
    """Pages /pages/1/ and /pages/2/; a change of "thing" #n touches /pages/<n>/."""

    def pages_all(self):
        return ["/pages/1/", "/pages/2/"]

    def pages_for(self, *, kind: str, object_id: int):
        if kind != "thing":
            return None
        return PageSet(publish=(f"/pages/{object_id}/",), remove=(f"/pages/{object_id}-",))
