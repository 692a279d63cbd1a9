"""Instalments of a share subscription: what has fallen due by a date, and how long the oldest
unpaid instalment has been overdue. Plain functions on integers and dates."""

import datetime

from carecoop.core.dates import add_months


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is not later)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def due_by(
    *,
    total: int,
    instalment: int,
    first_due_on: datetime.date,
    interval_months: int,
    on: datetime.date,
) -> int:
    """The amount that has fallen due by ``on`` (the last instalment may be smaller)."""
    if on < first_due_on:
        return 0
    fallen = months_between(first_due_on, on) // interval_months + 1
    return min(total, fallen * instalment)


def oldest_unpaid_due_on(
    *, total: int, instalment: int, first_due_on: datetime.date, interval_months: int, paid: int
) -> datetime.date | None:
    """When the first instalment not fully paid falls (or fell) due; None when all is paid."""
    if paid >= total:
        return None
    return add_months(first_due_on, (paid // instalment) * interval_months)


def arrears_months(
    *,
    total: int,
    instalment: int,
    first_due_on: datetime.date,
    interval_months: int,
    paid: int,
    on: datetime.date,
) -> int:
    """Whole months the oldest instalment due and unpaid has been overdue on ``on``."""
    oldest = oldest_unpaid_due_on(
        total=total,
        instalment=instalment,
        first_due_on=first_due_on,
        interval_months=interval_months,
        paid=paid,
    )
    if oldest is None or oldest > on:
        return 0
    return months_between(oldest, on)
