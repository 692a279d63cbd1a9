"""Numbers, amounts and percentages formatted as babel formats them, with the locale's pattern and
symbols looked up once per language (and currency) instead of once per figure.

babel's ``NumberPattern.apply`` reads the locale's symbols and the currency's precision from its
data on every call; a table of figures paid for that in every cell. ``Style`` holds what it reads,
and ``Style.format`` is the same arithmetic (``core/tests/test_numbers.py`` compares the two for
every shipped language and currency). A pattern this does not cover (scientific, significant
digits, quoted text, the currency's plural name) is left to babel.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.core import Locale
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_quantum,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

NUMBERING = "latn"  # babel's default: the digits 0-9 in every language


@dataclass(frozen=True)
class Style:
    """A number pattern of one locale with its symbols and affixes resolved."""

    prefix: tuple[str, str]  # positive, negative
    suffix: tuple[str, str]
    grouping: tuple[int, int]
    int_min: int
    frac: tuple[int, int]
    scale: int
    group: str
    decimal: str
    quantum: Decimal

    def format(self, value: int | float | Decimal) -> str:
        """``NumberPattern.apply`` of a finite value, without looking anything up."""
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        value = value.scaleb(self.scale)
        negative = int(value.is_signed())
        value = abs(value).normalize()
        whole, _sep, fraction = f"{value.quantize(self.quantum):f}".partition(".")
        if len(whole) < self.int_min:
            whole = "0" * (self.int_min - len(whole)) + whole
        size, grouped = self.grouping[0], ""
        while len(whole) > size:
            grouped = self.group + whole[-size:] + grouped
            whole = whole[:-size]
            size = self.grouping[1]
        least, most = self.frac
        fraction = fraction or "0"
        if len(fraction) < least:
            fraction += "0" * (least - len(fraction))
        if most == 0 or (least == 0 and int(fraction) == 0):
            fraction = ""
        else:
            while len(fraction) > least and fraction[-1] == "0":
                fraction = fraction[:-1]
            fraction = self.decimal + fraction
        return f"{self.prefix[negative]}{whole}{grouped}{fraction}{self.suffix[negative]}"


@lru_cache(maxsize=512)
def style(
    locale: Locale, kind: str, pattern: str | None = None, currency: str = ""
) -> Style | None:
    """The resolved style of the locale's ``kind`` pattern ("decimal", "percent" or "currency"), or
    of ``pattern``; None when babel must format it itself."""
    if pattern is not None:
        parsed = parse_pattern(pattern)
    elif kind == "currency":
        parsed = locale.currency_formats["standard"]
    elif kind == "percent":
        parsed = locale.percent_formats[None]
    else:
        parsed = locale.decimal_formats[None]
    if parsed.exp_prec or "@" in parsed.pattern or parsed.number_pattern == "":
        return None
    group = get_group_symbol(locale, numbering_system=NUMBERING)
    decimal = get_decimal_symbol(locale, numbering_system=NUMBERING)
    affixes = []
    for text in (*parsed.prefix, *parsed.suffix):
        if "'" in text or "¤¤¤" in text or (not currency and "¤" in text):
            return None
        if currency:
            text = text.replace("¤¤", currency.upper())
            text = text.replace("¤", get_currency_symbol(currency, locale))
        affixes.append(text)
    if "'" in group + decimal:
        return None
    digits = (get_currency_precision(currency),) * 2 if currency else parsed.frac_prec
    return Style(
        prefix=(affixes[0], affixes[1]),
        suffix=(affixes[2], affixes[3]),
        grouping=parsed.grouping,
        int_min=parsed.int_prec[0],
        frac=digits,
        scale=parsed.scale,
        group=group,
        decimal=decimal,
        quantum=get_decimal_quantum(digits[1]),
    )


def _finite(value: int | float | Decimal) -> bool:
    return isinstance(value, int) or Decimal(str(value)).is_finite()


def decimal_text(value: int | float | Decimal, locale: Locale) -> str:
    """``babel.numbers.format_decimal(value, locale=locale)``."""
    found = style(locale, "decimal")
    if found is None or not _finite(value):
        return str(format_decimal(value, locale=locale))
    return found.format(value)


def percent_text(value: int | float | Decimal, locale: Locale, pattern: str | None = None) -> str:
    """``babel.numbers.format_percent(value, locale=locale, format=pattern)``."""
    found = style(locale, "percent", pattern)
    if found is None or not _finite(value):
        return str(format_percent(value, locale=locale, format=pattern))
    return found.format(value)


def currency_text(amount: Decimal, currency: str, locale: Locale) -> str:
    """``babel.numbers.format_currency(amount, currency, locale=locale)``."""
    found = style(locale, "currency", None, currency)
    if found is None or not amount.is_finite():
        return str(format_currency(amount, currency, locale=locale))
    return found.format(amount)
