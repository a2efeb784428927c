"""Where published pages are written: a Django storage, pluggable like any other.

The default writes under settings.PUBLISHED_ROOT, each file through a temporary file and an atomic
rename, so a reader (whitenoise, nginx) sees the old page or the new one, never half a page.
Production can write to an object store instead (PUBLISHING_STORAGE_BACKEND =
"storages.backends.s3.S3Storage", PUBLISHING_STORAGE_OPTIONS as JSON) behind the CDN: each page and
twin is an object named like the URL, with Content-Type text/html and the twins' Content-Encoding
(tests/shop/publishing/test_published_pages_s3.py, against an S3-compatible server).
"""

import os
import tempfile

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.module_loading import import_string


class AtomicFileSystemStorage(FileSystemStorage):
    def __init__(self, location=None, **kwargs):
        kwargs.setdefault("base_url", "/")
        kwargs.setdefault("file_permissions_mode", 0o644)
        kwargs.setdefault("directory_permissions_mode", 0o755)
        super().__init__(location=location or settings.PUBLISHED_ROOT, allow_overwrite=True, **kwargs)

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, mode=self.directory_permissions_mode, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".publishing-")
        try:
            with os.fdopen(handle, "wb") as target:
                for chunk in content.chunks():
                    target.write(chunk)
            os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, full_path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return str(name).replace("\\", "/")


def published_storage() -> Storage:
    backend = import_string(
        getattr(settings, "PUBLISHING_STORAGE_BACKEND", "shop.publishing.storage.AtomicFileSystemStorage")
    )
    return backend(**getattr(settings, "PUBLISHING_STORAGE_OPTIONS", {}))


def storage_name_for(path: str) -> str:
    """ "/zh-hans/p/12-lamp/" -> "zh-hans/p/12-lamp/index.html": the layout mirrors the URLs, so
    nginx finds a page with `try_files ${uri}index.html` and a bucket behind a CDN by its key."""
    return path.lstrip("/") + "index.html"
