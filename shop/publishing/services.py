"""Publishing: render pages to files with gzip and brotli twins, remove the ones that are gone,
purge the CDN of what changed. Called by `manage.py publish_pages` and by the apps' Celery tasks."""

import gzip
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import brotli
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from shop.core.cache import local_cache_clear

from .cdn import cdn_purge
from .registry import PageSet, page_sources
from .render import page_render, site_url
from .storage import published_storage, storage_name_for

logger = logging.getLogger(__name__)

TWINS = (".gz", ".br")


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)  # paths whose file changed
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    purged: bool = True

    def __str__(self) -> str:
        return (
            f"{len(self.written)} written, {len(self.unchanged)} unchanged, {len(self.removed)} removed "
            f"in {self.seconds:.2f} s"
        )


def compress_twins(content: bytes) -> dict[str, bytes]:
    quality = int(getattr(settings, "PUBLISHING_BROTLI_QUALITY", 11))
    return {
        ".gz": gzip.compress(content, compresslevel=9, mtime=0),
        ".br": brotli.compress(content, mode=brotli.MODE_TEXT, quality=quality),
    }


def _same_as_stored(storage: Storage, name: str, content: bytes) -> bool:
    if not storage.exists(name):
        return False
    with storage.open(name, "rb") as stored:
        return stored.read() == content


def _write(storage: Storage, path: str, content: bytes) -> bool:
    """True when the page changed. The twins go first and the page last: a server that finds the
    new page finds its new twins."""
    name = storage_name_for(path)
    if _same_as_stored(storage, name, content):
        return False
    for suffix, compressed in compress_twins(content).items():
        storage.save(name + suffix, ContentFile(compressed))
    storage.save(name, ContentFile(content))
    return True


def _delete(storage: Storage, path: str) -> bool:
    name = storage_name_for(path)
    if not storage.exists(name):
        return False
    storage.delete(name)  # the page first: a server that no longer finds it asks Django
    for suffix in TWINS:
        storage.delete(name + suffix)
    return True


def _listdir(storage: Storage, directory: str) -> tuple[list[str], list[str]]:
    try:
        return storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return [], []


def _published_under(storage: Storage, prefix: str) -> list[str]:
    """Published page paths starting with `prefix` ("/p/12-" -> ["/p/12-lamp/"]): one listing of
    the prefix's directory, so it works on an object store too."""
    directory, _, start = prefix.lstrip("/").rpartition("/")
    found = []
    for name in _listdir(storage, directory)[0]:
        if name.startswith(start):
            path = f"/{directory}/{name}/" if directory else f"/{name}/"
            if storage.exists(storage_name_for(path)):
                found.append(path)
    return found


def _published_all(storage: Storage, directory: str = "") -> list[str]:
    directories, files = _listdir(storage, directory)
    found = [f"/{directory}/" if directory else "/"] if "index.html" in files else []
    for name in directories:
        found += _published_all(storage, f"{directory}/{name}" if directory else name)
    return found


def pages_publish(
    *, paths: Iterable[str] = (), remove: Iterable[str] = (), purge: bool = True
) -> PublishReport:
    """Render `paths` to files (a page that answers 404 is removed), then delete the published
    pages under the `remove` prefixes that are not in `paths`, then purge the CDN of the changes."""
    started = time.perf_counter()
    # This process's level-1 cache may be a few seconds behind the write that triggered us.
    local_cache_clear()
    storage = published_storage()
    report = PublishReport()
    paths = list(dict.fromkeys(paths))
    for path in paths:
        page = page_render(path)
        if page.status == 200:
            (report.written if _write(storage, path, page.content) else report.unchanged).append(path)
        elif _delete(storage, path):
            report.removed.append(path)
    keep = set(paths)
    for prefix in dict.fromkeys(remove):
        for path in _published_under(storage, prefix):
            if path not in keep and _delete(storage, path):
                report.removed.append(path)
    changed = report.written + report.removed
    if purge and changed:
        report.purged = cdn_purge(urls=[site_url() + path for path in changed])
    report.seconds = time.perf_counter() - started
    logger.info("pages published", extra={"written": len(report.written), "removed": len(report.removed)})
    return report


def pages_publish_for(*, kind: str, object_id: int) -> PublishReport:
    """The pages every page source says a change of `kind` #`object_id` touches."""
    publish: list[str] = []
    remove: list[str] = []
    for source in page_sources():
        pages = source.pages_for(kind=kind, object_id=object_id)
        if pages is not None:
            publish += pages.publish
            remove += pages.remove
    return pages_publish(paths=publish, remove=remove)


def pages_publish_all() -> PublishReport:
    """Every page of every source; published pages no source names any more are removed."""
    started = time.perf_counter()
    paths = [path for source in page_sources() for path in source.pages_all()]
    report = pages_publish(paths=paths, purge=False)
    storage = published_storage()
    keep = set(paths)
    for path in _published_all(storage):
        if path not in keep and _delete(storage, path):
            report.removed.append(path)
    changed = report.written + report.removed
    if changed:
        report.purged = cdn_purge(urls=[site_url() + path for path in changed])
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["PageSet", "PublishReport", "pages_publish", "pages_publish_all", "pages_publish_for"]
