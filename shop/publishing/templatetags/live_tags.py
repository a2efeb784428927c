"""Template helpers of published pages: links to the same page in another language (no form, no
CSRF token, no cookie), and the placeholder input live.js fills with the CSRF token."""

from django import template
from django.urls import translate_url
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language: str) -> str:
    """The current page's URL in `language` (the home page when it has none)."""
    request = context.get("request")
    path = request.path if request is not None else "/"
    return translate_url(path, language)


@register.simple_tag
def live_csrf_input() -> str:
    """An empty token field; live.js fills it from /live/session/ (csrf_failure covers no-JS)."""
    return mark_safe('<input type="hidden" name="csrfmiddlewaretoken" value="" data-live-csrf>')
