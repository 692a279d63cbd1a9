from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoop.core.money import format_money, minor_digits, to_decimal, to_minor


def test_minor_units_follow_iso_4217():
    assert minor_digits("INR") == 2
    assert minor_digits("XOF") == 0
    assert minor_digits("KWD") == 3


@pytest.mark.parametrize(
    ("minor", "currency", "language", "expected"),
    [
        (17500, "INR", "en", "₹175.00"),
        (17500, "INR", "hi", "₹175.00"),
        (1500, "USD", "es", "15,00\xa0US$"),
        (2200, "BRL", "pt-br", "R$\xa022,00"),
        (2500000, "INR", "gu", "₹25,000.00"),
    ],
)
def test_money_is_formatted_for_the_reader(minor, currency, language, expected):
    assert format_money(minor, currency, language) == expected


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["INR", "GTQ", "BRL", "XOF", "KWD"]),
)
def test_minor_units_round_trip(minor, currency):
    assert to_minor(to_decimal(minor, currency), currency) == minor


def test_amounts_finer_than_the_currency_are_refused():
    with pytest.raises(ValueError):
        to_minor(Decimal("1.005"), "INR")
