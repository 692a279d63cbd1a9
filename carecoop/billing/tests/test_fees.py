"""The fee rules as plain functions, checked over many inputs."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from carecoop.billing import fees

months = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 1)).map(
    fees.month_start
)


def test_a_whole_month_is_the_full_fee_and_a_sibling_half():
    month = datetime.date(2026, 2, 1)
    first = fees.charge(
        full_minor=17500,
        month=month,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=None,
        prorate=True,
        sibling_rank=0,
        sibling_discount_percent=50,
    )
    second = fees.charge(
        full_minor=17500,
        month=month,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=None,
        prorate=True,
        sibling_rank=1,
        sibling_discount_percent=50,
    )
    assert first.amount_minor == 17500 and second.amount_minor == 8750


def test_a_part_month_is_charged_by_the_day():
    c = fees.charge(
        full_minor=3000,
        month=datetime.date(2026, 4, 1),
        starts_on=datetime.date(2026, 4, 16),
        ends_on=None,
        prorate=True,
        sibling_rank=0,
        sibling_discount_percent=0,
    )
    assert (c.days, c.month_days, c.amount_minor) == (15, 30, 1500)


def test_a_long_absence_earns_a_credit():
    c = fees.charge(
        full_minor=10000,
        month=datetime.date(2026, 4, 1),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=None,
        prorate=True,
        sibling_rank=0,
        sibling_discount_percent=0,
        absences=12,
        absence_days=10,
        absence_credit_percent=50,
    )
    assert c.absence_credit_minor == 5000 and c.amount_minor == 5000


@given(
    month=months,
    full=st.integers(0, 10_000_000),
    start_offset=st.integers(-60, 40),
    length=st.one_of(st.none(), st.integers(0, 90)),
    rank=st.integers(0, 4),
    discount=st.integers(0, 100),
    absences=st.integers(0, 31),
    absence_days=st.one_of(st.none(), st.integers(0, 31)),
    credit=st.integers(0, 100),
)
def test_a_charge_never_exceeds_the_fee_nor_goes_below_zero(
    month, full, start_offset, length, rank, discount, absences, absence_days, credit
):
    starts = month + datetime.timedelta(days=start_offset)
    ends = None if length is None else starts + datetime.timedelta(days=length)
    c = fees.charge(
        full_minor=full,
        month=month,
        starts_on=starts,
        ends_on=ends,
        prorate=True,
        sibling_rank=rank,
        sibling_discount_percent=discount,
        absences=absences,
        absence_days=absence_days,
        absence_credit_percent=credit,
    )
    assert 0 <= c.amount_minor <= full
    assert c.amount_minor + c.discount_minor + c.absence_credit_minor <= full
    assert 0 <= c.days <= c.month_days
    if c.days == 0:
        assert c.amount_minor == 0
