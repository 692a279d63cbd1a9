"""The header's links, rendered once for each cooperative, set of links the role may follow and
language, and kept: every page of a cooperative shows them, and they change only with those."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def coop_nav(context: template.Context) -> str:
    """The cooperative's menu (core/_nav.html) for the page's access and the active language."""
    access = context.get("access")
    if access is None or not access.org.is_cooperative:
        return ""
    links = tuple(sorted(name for name, shown in (context.get("nav") or {}).items() if shown))
    return _nav(
        access.org.slug, access.org.name, links, get_language(), get_script_prefix(), get_urlconf()
    )


@lru_cache(maxsize=2048)
def _nav(
    slug: str, name: str, links: tuple[str, ...], language: str, prefix: str, urlconf: object
) -> SafeString:
    # The language, the script prefix and the URLconf are part of the key: the text and the links
    # depend on them, and all are active while this renders.
    context = {"slug": slug, "name": name, "nav": dict.fromkeys(links, True)}
    return SafeString(render_to_string("core/_nav.html", context))


@register.simple_tag
def url_once(name: str) -> str:
    """``{% url name %}`` of a URL without arguments, reversed once for each script prefix."""
    return _reversed(name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=256)
def _reversed(name: str, prefix: str, urlconf: object) -> str:
    return reverse(name)


@register.simple_tag(takes_context=True)
def language_options(context: template.Context) -> SafeString:
    """The options of the language menu, the active language selected, built once a language."""
    return _language_options(get_language(), tuple(context.get("SHIPPED_LANGUAGES") or ()))


@lru_cache(maxsize=64)
def _language_options(active: str, languages: tuple[tuple[str, str], ...]) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}" lang="{}"{}>{}</option>',
        ((code, code, " selected" if code == active else "", name) for code, name in languages),
    )
