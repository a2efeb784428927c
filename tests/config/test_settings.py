"""The settings profiles, each loaded in a fresh process with an environment we control."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://shop@127.0.0.1:5432/shop",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}
SETUP = "import django; django.setup()"


def _run(args: list[str], *, settings_module: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": settings_module,
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=120
    )


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_production_refuses_to_start_without_its_environment_and_names_every_missing_variable():
    # given an environment with none of the required variables
    # when Django starts with the production settings
    result = _run(["-c", SETUP], settings_module="config.settings.production")

    # then it exits with an error that names all four
    assert result.returncode != 0
    assert _last_line(result.stderr) == (
        "django.core.exceptions.ImproperlyConfigured: Production settings need these environment "
        "variables, which are missing or empty: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL"
    )


def test_production_names_only_the_variables_that_are_missing_or_blank():
    # given everything but a blank ALLOWED_HOSTS and no REDIS_URL
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": "  "}
    del env["REDIS_URL"]

    # when Django starts with the production settings
    result = _run(["-c", SETUP], settings_module="config.settings.production", **env)

    # then the message names exactly those two
    assert result.returncode != 0
    assert _last_line(result.stderr).endswith("which are missing or empty: ALLOWED_HOSTS, REDIS_URL")


def test_production_refuses_a_short_secret_key():
    # given a complete environment whose SECRET_KEY is too short to be random
    env = {**PRODUCTION_ENV, "SECRET_KEY": "short-key"}

    # when Django starts with the production settings
    result = _run(["-c", SETUP], settings_module="config.settings.production", **env)

    # then it refuses
    assert result.returncode != 0
    assert _last_line(result.stderr) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "SECRET_KEY must be a random string of at least 50 characters."
    )


def test_production_passes_the_deployment_checks_at_warning_level():
    # given the required environment
    # when the deployment checks run under the production settings
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        settings_module="config.settings.production",
        **PRODUCTION_ENV,
    )

    # then they pass without a single warning
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_has_debug_off_and_secure_cookies():
    # given the required environment
    code = (
        SETUP + "\nfrom django.conf import settings as s"
        "\nprint(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.METRICS_ALLOWED_IPS, s.DATABASES['default']['ENGINE'])"
    )

    # when the production settings load
    result = _run(["-c", code], settings_module="config.settings.production", **PRODUCTION_ENV)

    # then debug is off, cookies are secure, and no address may read /metrics without the token
    assert result.returncode == 0, result.stderr
    assert _last_line(result.stdout) == "False True True True [] django.db.backends.postgresql"


def test_the_embedded_default_uses_sqlite_when_database_url_is_unset():
    # given no DATABASE_URL (REDIS_URL set so no private redis-server is started)
    code = (
        SETUP
        + "\nfrom django.conf import settings as s\nprint(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    )

    # when the local settings load
    result = _run(
        ["-c", code], settings_module="config.settings.local", REDIS_URL="redis://127.0.0.1:6379/15"
    )

    # then the database is the SQLite file under var/
    assert result.returncode == 0, result.stderr
    assert _last_line(result.stdout) == f"django.db.backends.sqlite3 {BASE_DIR / 'var' / 'db.sqlite3'}"


def test_the_embedded_default_follows_database_url_when_set():
    # given a PostgreSQL DATABASE_URL
    code = (
        SETUP
        + "\nfrom django.conf import settings as s\nprint(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    )

    # when the local settings load
    result = _run(
        ["-c", code],
        settings_module="config.settings.local",
        REDIS_URL="redis://127.0.0.1:6379/15",
        DATABASE_URL="postgres://shop@127.0.0.1:5432/shop_local",
    )

    # then PostgreSQL is used
    assert result.returncode == 0, result.stderr
    assert _last_line(result.stdout) == "django.db.backends.postgresql shop_local"


def test_production_with_a_bucket_stores_pictures_and_published_pages_in_the_object_store():
    # given the environment of a deployment whose pictures and pages live in S3 buckets
    env = {
        **PRODUCTION_ENV,
        "AWS_STORAGE_BUCKET_NAME": "shop-media",
        "AWS_S3_CUSTOM_DOMAIN": "media.shop.example.com",
        "PUBLISHING_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
        "PUBLISHING_STORAGE_OPTIONS": '{"bucket_name": "shop-pages", "querystring_auth": false}',
    }
    probe = (
        f'{SETUP}; from django.core.files.storage import storages; s = storages["default"]; '
        "from shop.publishing.storage import published_storage as p; q = p(); "
        "print(type(s).__name__, s.bucket_name, s.url('a.jpg'), type(q).__name__, q.bucket_name, q.querystring_auth)"
    )
    # when Django starts with the production settings and opens both storages (boto3 is installed)
    result = _run(["-c", probe], settings_module="config.settings.production", **env)
    # then
    assert result.returncode == 0, result.stderr
    assert _last_line(result.stdout) == (
        "S3Storage shop-media https://media.shop.example.com/a.jpg S3Storage shop-pages False"
    )


def test_without_redis_url_the_tests_use_a_database_of_the_private_redis_that_the_demo_does_not():
    probe = (
        f"{SETUP}; from django.conf import settings as s; "
        "print(s.REDIS_URL, s.CACHES['default']['LOCATION'], s.FLASHSALE_REDIS_URL, s.CELERY_BROKER_URL)"
    )
    # when the test settings and the demo's settings start without REDIS_URL
    tests = _run(["-c", probe], settings_module="config.settings.test")
    demo = _run(["-c", probe], settings_module="config.settings.local")
    # then both use the same private server, in different databases
    assert tests.returncode == demo.returncode == 0, tests.stderr + demo.stderr
    assert _last_line(tests.stdout).split() == ["redis://127.0.0.1:6390/1"] * 4
    assert _last_line(demo.stdout).split() == ["redis://127.0.0.1:6390/0"] * 4
