"""CDN purge: one interface, a no-op (the short max-age does the job) and an HTTP implementation
that POSTs the changed URLs to the CDN's purge endpoint with a token.

settings.PUBLISHING_CDN_PURGER names the class; HttpPurger reads PUBLISHING_CDN_PURGE_URL and
PUBLISHING_CDN_PURGE_TOKEN. A failed purge is logged and does not undo the publishing: the pages'
max-age (60 s) bounds how long the CDN keeps the old copy.
"""

import json
import logging
import urllib.request
from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class CdnPurger(Protocol):
    def purge(self, *, urls: Sequence[str]) -> None: ...


class NoopPurger:
    def purge(self, *, urls: Sequence[str]) -> None:
        return None


class HttpPurger:
    """POST {"urls": [...]} as JSON with `Authorization: Bearer <token>`; any 2xx is success."""

    def __init__(self, *, endpoint: str | None = None, token: str | None = None, timeout: float = 5.0):
        self.endpoint = endpoint if endpoint is not None else settings.PUBLISHING_CDN_PURGE_URL
        self.token = token if token is not None else settings.PUBLISHING_CDN_PURGE_TOKEN
        self.timeout = timeout
        if not self.endpoint.startswith(("http://", "https://")):
            raise ValueError("PUBLISHING_CDN_PURGE_URL must be an http(s) URL")

    def purge(self, *, urls: Sequence[str]) -> None:
        if not urls:
            return
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.endpoint,
            data=json.dumps({"urls": list(urls)}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            response.read()


def cdn_purger() -> CdnPurger:
    return import_string(getattr(settings, "PUBLISHING_CDN_PURGER", "shop.publishing.cdn.NoopPurger"))()


def cdn_purge(*, urls: Sequence[str]) -> bool:
    """Purge, logging instead of raising: True when the CDN accepted it (or there is no CDN)."""
    try:
        cdn_purger().purge(urls=urls)
    except (OSError, ValueError) as exc:
        logger.warning("CDN purge failed", extra={"urls": len(urls), "error": str(exc)})
        return False
    return True
