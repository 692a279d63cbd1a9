"""The fee rules as plain functions: proration, sibling discounts and absence credits."""

import calendar
import datetime
from dataclasses import dataclass


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: datetime.date) -> datetime.date:
    return (month_end(month) + datetime.timedelta(days=1)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def share(amount: int, numerator: int, denominator: int) -> int:
    """``amount * numerator / denominator`` rounded half up, in integers."""
    if denominator <= 0:
        return 0
    return (2 * amount * numerator + denominator) // (2 * denominator)


def days_enrolled(
    month: datetime.date, starts_on: datetime.date, ends_on: datetime.date | None
) -> int:
    first = max(month, starts_on)
    last = min(month_end(month), ends_on or month_end(month))
    return max(0, (last - first).days + 1)


@dataclass(frozen=True)
class Charge:
    full_minor: int
    days: int
    month_days: int
    discount_minor: int
    absence_credit_minor: int
    amount_minor: int


def charge(
    *,
    full_minor: int,
    month: datetime.date,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    prorate: bool,
    sibling_rank: int,
    sibling_discount_percent: int,
    absences: int = 0,
    absence_days: int | None = None,
    absence_credit_percent: int = 0,
) -> Charge:
    """One child's fee for one month. ``sibling_rank`` 0 is the first (dearest) child of the
    household; every further child gets the sibling discount."""
    month_days = month_end(month).day
    days = days_enrolled(month, starts_on, ends_on)
    base = share(full_minor, days, month_days) if prorate else (full_minor if days else 0)
    discount = share(base, sibling_discount_percent, 100) if sibling_rank > 0 else 0
    credit = 0
    if absence_days is not None and absences > absence_days:
        credit = share(base - discount, absence_credit_percent, 100)
    return Charge(full_minor, days, month_days, discount, credit, base - discount - credit)
