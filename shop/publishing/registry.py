"""Page sources: how an app tells the publisher which of its pages exist and which change.

shop/ never imports apps/, so the publisher knows no page of its own. An app offers a page source
and names it in settings.PUBLISHING_PAGE_SOURCES (dotted paths), or registers one from its
AppConfig.ready() with `page_source_register`. Pages are named by their URL path, language prefix
included ("/p/12-lamp/", "/zh-hans/p/12-lamp/"); the publisher renders each through the view the
path resolves to.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PageSet:
    """Pages touched by one change: `publish` are rendered again (a page that no longer renders is
    removed), `remove` are URL path prefixes whose published pages are deleted ("/p/12-" deletes
    /p/12-old-slug/ too), except those in `publish`."""

    publish: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


@runtime_checkable
class PageSource(Protocol):
    def pages_all(self) -> Iterable[str]:
        """Every page of this source, for `publish_pages --all`."""

    def pages_for(self, *, kind: str, object_id: int) -> PageSet | None:
        """The pages a change of `kind` #`object_id` touches; None when the kind is not this
        source's."""


_registered: list[PageSource] = []


def page_source_register(source: PageSource) -> None:
    if source not in _registered:
        _registered.append(source)


def page_sources() -> list[PageSource]:
    sources = list(_registered)
    for dotted in getattr(settings, "PUBLISHING_PAGE_SOURCES", ()):
        source = import_string(dotted)
        source = source() if isinstance(source, type) else source
        if source not in sources:
            sources.append(source)
    return sources
