"""HTTP caching of pages that are the same for every visitor (the dynamic twin of a published page).

    @public_page(tags=lambda request, pk, slug: cache_tags_product_page(pk))
    def product_detail(request, pk, slug): ...

- ETag and Last-Modified come from the cache stamps of the page's tags (shop.core.cache): one Redis
  round trip, no SQL, and they change exactly when a write invalidates what the page shows (or when
  SHOP_RELEASE changes with a deploy: new templates, new asset hashes). A matching If-None-Match or
  If-Modified-Since gets 304 before the view runs.
- Cache-Control: public, max-age=60, stale-while-revalidate=300 on 200 and 304 answers, like the
  published file, so a CDN keeps it.
- gzip: safe here (BREACH needs a secret in the body, and these pages carry none: no CSRF token).

Such a page must not touch the session or the CSRF token (tests check there is no Set-Cookie and
no Vary: Cookie); its live parts come from a JSON endpoint (README.md here).
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, conditional_page

from shop.core.cache import Stamp, cache_stamp

from .middleware import page_cache_control


def _stamp(request, tags: tuple[str, ...]) -> Stamp | None:
    stamps = request.__dict__.setdefault("_public_page_stamps", {})
    if tags not in stamps:
        stamps[tags] = cache_stamp(tags=tags)
    return stamps[tags]


def public_page(*, tags: Callable[..., Iterable[str]] | None = None):
    """Without `tags` (a page built from no tagged cache entry: search results, the flash-sale
    pages), the ETag is a hash of the rendered body (Django's conditional_page): the view still
    runs, a client that has the page is spared the bytes."""

    def decorator(view):
        if tags is None:
            return gzip_page(_public(conditional_page(view)))

        def etag(request, *args, **kwargs) -> str | None:
            stamp = _stamp(request, tuple(tags(request, *args, **kwargs)))
            if stamp is None:
                return None
            release = getattr(settings, "SHOP_RELEASE", "")
            return f'W/"{translation.get_language()}-{release}-{stamp.token}"'

        def last_modified(request, *args, **kwargs):
            stamp = _stamp(request, tuple(tags(request, *args, **kwargs)))
            return None if stamp is None else stamp.modified_at

        return gzip_page(_public(condition(etag_func=etag, last_modified_func=last_modified)(view)))

    return decorator


def _public(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 304) and not response.has_header("Cache-Control"):
            patch_cache_control(response, **_directives(page_cache_control()))
        response.ignores_accept_language = True  # PublishedPagesMiddleware drops it from Vary
        return response

    return wrapped


def _directives(header: str) -> dict:
    directives = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        directives[name.replace("-", "_")] = value or True
    return directives
