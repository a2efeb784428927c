import pytest


@pytest.fixture
def published(settings, tmp_path):
    """Publishing on, into a fresh PUBLISHED_ROOT, with the plain pages of urls.py here."""
    settings.PUBLISHING_ENABLED = True
    settings.PUBLISHED_ROOT = tmp_path / "published"
    settings.ROOT_URLCONF = "tests.shop.publishing.urls"
    settings.PUBLISHING_PAGE_SOURCES = ["tests.shop.publishing.urls.Pages"]
    settings.PUBLISHING_SITE_URL = "https://shop.example.com"
    settings.PUBLISHING_CDN_PURGER = "shop.publishing.cdn.NoopPurger"
    return settings.PUBLISHED_ROOT
