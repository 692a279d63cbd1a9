"""Locale-aware numbers, dates and money in templates (babel), text the product ships as data in
the reader's language, and text isolated for either direction; loaded as a template builtin."""

import datetime

from babel.dates import format_datetime
from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from carecoop.core.dates import day_text
from carecoop.core.money import babel_locale, format_money
from carecoop.core.numbers import decimal_text, percent_text
from carecoop.core.shipped import shown

register = template.Library()


@register.filter
def money(minor: int | None, currency: str) -> str:
    if minor is None:
        return ""
    return format_money(int(minor), currency)


@register.filter
def number(value: int | float | None) -> str:
    if value is None:
        return ""
    return decimal_text(value, babel_locale())


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return ""
    return percent_text(value, babel_locale(), "#,##0.#%")


@register.filter
def day(value: datetime.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return day_text(value, fmt)


@register.filter
def moment(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return str(format_datetime(timezone.localtime(value), format="medium", locale=babel_locale()))


@register.filter
def bdi(value: object) -> SafeString:
    """Text someone typed, isolated inside a sentence (``{% blocktranslate with name=x|bdi %}``):
    a right-to-left override in it cannot turn the words after it around."""
    return format_html("<bdi>{}</bdi>", "" if value is None else value)


@register.filter
def shipped(value: object) -> str:
    """A stored text the product ships (an account's name, a reason a service wrote) in the
    reader's language; any other text as it is (``core.shipped``)."""
    return "" if value is None else shown(str(value))
