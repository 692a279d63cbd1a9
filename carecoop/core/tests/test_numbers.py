"""The figures formatted with resolved styles are exactly babel's, for every shipped language."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal, format_percent
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from carecoop.core.money import babel_locale, format_money, to_decimal
from carecoop.core.numbers import currency_text, decimal_text, percent_text, style

LANGUAGES = [code for code, _name in settings.LANGUAGES] + ["en-in", "de-ch", "fa"]
CURRENCIES = ["INR", "GTQ", "BRL", "USD", "XOF", "KES", "KWD", "JPY", "EUR", "CHF"]
NUMBERS = [0, 1, -1, 7, 999, 1000, 12345, -12345, 123456, 1234567, 10**12, -(10**15)]
FRACTIONS = ["0.5", "1.25", "-0.004", "2.345", "1234.5678", "-0.0", "99999.995", "1E+3", "0.0001"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_numbers_are_babels(language):
    locale = babel_locale(language)
    for value in [*NUMBERS, *(Decimal(f) for f in FRACTIONS), 0.25, -3.5, 1e-7, 12345.678]:
        assert decimal_text(value, locale) == format_decimal(value, locale=locale), value
        for pattern in (None, "#,##0.#%"):
            expected = format_percent(value, locale=locale, format=pattern)
            assert percent_text(value, locale, pattern) == expected, (value, pattern)


@pytest.mark.parametrize("language", LANGUAGES)
def test_amounts_are_babels(language):
    locale = babel_locale(language)
    assert style(locale, "currency", None, "INR") is not None  # the fast path is the one tested
    for currency in CURRENCIES:
        for minor in [*NUMBERS, 5, 50, 17550, -99]:
            amount = to_decimal(minor, currency)
            expected = format_currency(amount, currency, locale=locale)
            assert currency_text(amount, currency, locale) == expected, (minor, currency)
            assert format_money(minor, currency, language) == expected
        for text in FRACTIONS:
            amount = Decimal(text)
            expected = format_currency(amount, currency, locale=locale)
            assert currency_text(amount, currency, locale) == expected, (text, currency)


@given(
    value=st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**13, min_value=-(10**13)
    ),
    language=st.sampled_from(LANGUAGES),
    currency=st.sampled_from(CURRENCIES),
)
def test_any_figure_is_babels(value, language, currency):
    locale = babel_locale(language)
    assert decimal_text(value, locale) == format_decimal(value, locale=locale)
    assert percent_text(value, locale, "#,##0.#%") == format_percent(
        value, locale=locale, format="#,##0.#%"
    )
    assert currency_text(value, currency, locale) == format_currency(value, currency, locale=locale)


def test_what_the_styles_do_not_cover_is_left_to_babel():
    locale = babel_locale("en")
    assert style(locale, "decimal", "0.###E0") is None
    assert style(locale, "decimal", "@@@") is None
    assert decimal_text(Decimal("Infinity"), locale) == format_decimal(
        Decimal("Infinity"), locale=locale
    )
    assert currency_text(Decimal("NaN"), "USD", locale) == format_currency(
        Decimal("NaN"), "USD", locale=locale
    )
