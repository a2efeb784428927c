"""Serve published pages from PUBLISHED_ROOT in the embedded default (nginx does it in production).

Placed right after WhiteNoiseMiddleware: a GET or HEAD without a query string whose page was
published is answered from the file, precompressed (br or gzip by Accept-Encoding), with ETag and
Last-Modified (304s) by whitenoise's file responder, before sessions, CSRF or a view run. The
pages are the same for every visitor (their live parts come from JSON), so logged-in shoppers get
them too. Anything else goes on to Django.

It also drops `Accept-Language` from the Vary of responses marked `ignores_accept_language` (public
pages through `shop.publishing.http.public_page`, the live JSON):
with i18n_patterns(prefix_default_language=False) the URL alone decides their language
(LocaleMiddleware activates the default language for a path without prefix), so varying on the
header would only split a CDN's cache for nothing. Other responses (the API reads the header) keep it.
"""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.utils import translation
from django.utils.cache import cc_delim_re
from whitenoise.base import WhiteNoise
from whitenoise.middleware import WhiteNoiseMiddleware

PAGE_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"


def page_cache_control() -> str:
    return getattr(settings, "PUBLISHING_PAGE_CACHE_CONTROL", PAGE_CACHE_CONTROL)


def _page_headers(headers, path: str, url: str) -> None:
    headers["Cache-Control"] = page_cache_control()
    headers["Content-Language"] = translation.get_language_from_path(url) or settings.LANGUAGE_CODE
    headers["X-Published"] = "1"
    # Served before XFrameOptionsMiddleware runs: the pages' forms must not be framed either.
    headers["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY")


class _PublishedFiles(WhiteNoise):
    """whitenoise's finder in autorefresh mode: pages come and go while the process runs, so each
    request looks at the disk (one stat per file) instead of an index built at start-up."""

    def __init__(self, root: str):
        super().__init__(
            None,
            autorefresh=True,
            index_file=True,
            max_age=None,
            allow_all_origins=False,
            add_headers_function=_page_headers,
        )
        self.add_files(root)


class PublishedPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._finders: dict[str, _PublishedFiles] = {}

    def _finder(self) -> _PublishedFiles | None:
        if not getattr(settings, "PUBLISHING_ENABLED", False) or not getattr(
            settings, "PUBLISHING_SERVE", True
        ):
            return None
        root = str(settings.PUBLISHED_ROOT)
        if root not in self._finders:
            self._finders[root] = _PublishedFiles(root)
        return self._finders[root]

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
            and request.path_info[-1:] == "/"
        ):
            finder = self._finder()
            static_file = finder.find_file(request.path_info) if finder is not None else None
            if static_file is not None:
                return WhiteNoiseMiddleware.serve(static_file, request)
        return _vary_without_accept_language(self.get_response(request), request)


def _vary_without_accept_language(response, request):
    vary = response.get("Vary")
    if (
        not getattr(response, "ignores_accept_language", False)
        or not vary
        or "accept-language" not in vary.lower()
    ):
        return response
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    if not i18n_patterns_used or prefixed_default_language:
        return response  # then the header may choose the language: keep it
    kept = [field for field in cc_delim_re.split(vary) if field and field.lower() != "accept-language"]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]
    return response
