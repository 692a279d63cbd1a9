"""Locale-aware numbers, dates and money in templates (babel), loaded as a template builtin."""

import datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from django import template
from django.utils import timezone

from carecoop.core.money import babel_locale, format_money

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
    return str(format_decimal(value, locale=babel_locale()))


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return ""
    return str(format_percent(value, locale=babel_locale(), format="#,##0.#%"))


@register.filter
def day(value: datetime.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return str(format_date(value, format=fmt, locale=babel_locale()))


@register.filter
def moment(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return str(format_datetime(timezone.localtime(value), format="medium", locale=babel_locale()))
