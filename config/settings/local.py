"""Embedded default: SQLite, Redis from REDIS_URL (or the private one `make demo` starts), a real
Celery worker. Safe defaults for a laptop; never used in production."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The demo runs with DEBUG off (the shop's own 404 and 500 pages) and still shows its pictures.
SHOP_SERVE_MEDIA = env.bool("SHOP_SERVE_MEDIA", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-development-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
(BASE_DIR / "var").mkdir(exist_ok=True)
