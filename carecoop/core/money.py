"""Money as integer minor units beside an ISO 4217 code, formatted by babel for the reader."""

from decimal import Decimal

from babel.core import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.utils.translation import get_language, to_locale


def minor_digits(currency: str) -> int:
    """How many minor-unit digits a currency has (INR 2, GTQ 2, BRL 2, XOF 0, ...)."""
    return int(get_currency_precision(currency))


def is_currency(code: str) -> bool:
    return code in list_currencies()


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """Convert a decimal amount to minor units, refusing anything finer than the currency allows."""
    scaled = amount.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def babel_locale(language: str | None = None) -> Locale:
    code = to_locale(language or get_language() or "en")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(code.split("_")[0])


def format_money(minor: int, currency: str, language: str | None = None) -> str:
    return str(
        format_currency(to_decimal(minor, currency), currency, locale=babel_locale(language))
    )
