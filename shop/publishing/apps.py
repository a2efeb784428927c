from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Static pages for the CDN: renders pages that apps register to files (see README.md here)."""

    name = "shop.publishing"
    label = "publishing"
