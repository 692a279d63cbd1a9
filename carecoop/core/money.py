"""Money as integer minor units beside an ISO 4217 code, formatted by babel for the reader.

Every amount a person enters (a form field, a query parameter, a line of a statement) is read by
``parse_amount``: plain figures with at most the currency's decimals, at least zero, and at most
``MAX_MINOR`` minor units. Anything else is refused with a translated message."""

import re
from decimal import Decimal
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision, list_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, ngettext_lazy, to_locale
from django.utils.translation import gettext_lazy as _

from carecoop.core.numbers import currency_text

# The largest amount carecoop records, in minor units: 10^15 (ten trillion rupees, a thousand
# times any cooperative's books), far enough below the 64-bit columns' limit (9.2 x 10^18) that
# the sums of reports and balances cannot overflow either.
MAX_MINOR = 10**15 - 1
PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
NOT_AN_AMOUNT = _("Enter an amount in figures, such as 1250 or 1250.50.")
NEGATIVE = _("Enter an amount of zero or more.")
TOO_LARGE = _("This amount is too large to be right: check the figure.")
TOO_FINE = ngettext_lazy(
    "An amount in %(currency)s has at most %(digits)d decimal.",
    "An amount in %(currency)s has at most %(digits)d decimals.",
    "digits",
)
NO_DECIMALS = _("An amount in %(currency)s has no decimals.")


@lru_cache(maxsize=256)
def minor_digits(currency: str) -> int:
    """How many minor-unit digits a currency has (INR 2, GTQ 2, BRL 2, XOF 0, ...)."""
    return int(get_currency_precision(currency))


def is_currency(code: str) -> bool:
    return code in list_currencies()


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


def parse_decimal(value: object, *, signed: bool = False) -> Decimal:
    """An amount as figures, before its currency is known: plain digits with an optional decimal
    point (no exponent, NaN or infinity), at least zero (unless ``signed``) and below any
    currency's limit."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValidationError(NOT_AN_AMOUNT, code="invalid")
    if isinstance(value, str):
        text = value.strip()
        if not PLAIN.fullmatch(text):
            raise ValidationError(NOT_AN_AMOUNT, code="invalid")
        value = Decimal(text)
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationError(NOT_AN_AMOUNT, code="invalid")
    if amount < 0 and not signed:
        raise ValidationError(NEGATIVE, code="min_value")
    if amount and amount.adjusted() >= len(str(MAX_MINOR)):
        raise ValidationError(TOO_LARGE, code="max_value")
    return amount


def parse_amount(
    value: object, currency: str, *, field: str | None = None, signed: bool = False
) -> int:
    """The one way an amount entered by a person becomes integer minor units of ``currency``.

    Refuses, with a translated message (on ``field`` when given), anything that is not plain
    figures, a negative amount (unless ``signed``), more decimals than the currency has, and more than
    ``MAX_MINOR`` minor units."""
    try:
        amount = parse_decimal(value, signed=signed)
        digits = minor_digits(currency)
        _sign, figures, exponent = amount.as_tuple()
        assert isinstance(exponent, int)  # finite, checked above
        decimals = list(figures)
        while exponent < 0 and decimals and decimals[-1] == 0:
            decimals.pop()
            exponent += 1
        if -exponent > digits:
            message = NO_DECIMALS if digits == 0 else TOO_FINE
            raise ValidationError(
                message, code="decimals", params={"currency": currency, "digits": digits}
            )
        minor = int(amount.scaleb(digits))
        if abs(minor) > MAX_MINOR:
            raise ValidationError(TOO_LARGE, code="max_value")
    except ValidationError as error:
        if field is None:
            raise
        raise ValidationError({field: error.error_list}) from error
    return minor


def to_minor(amount: Decimal, currency: str) -> int:
    """``parse_amount`` of a signed amount, for callers that expect a ValueError."""
    try:
        return parse_amount(amount, currency, signed=True)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from error


def babel_locale(language: str | None = None) -> Locale:
    return _locale(language or get_language() or "en")


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    """The babel locale of a language code, parsed once: every formatted figure asks for it."""
    code = to_locale(language)
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(code.split("_")[0])


def format_money(minor: int, currency: str, language: str | None = None) -> str:
    return currency_text(to_decimal(minor, currency), currency, babel_locale(language))
