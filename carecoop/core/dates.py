"""Dates people enter, kept within sense.

Money is dated within the cooperative's life: not before it was founded (before 1 January 1900
when no founding date is recorded), and not more than ``MONEY_HORIZON_DAYS`` after today (a
statement from a provider in another time zone, a payment recorded the evening before it is
banked). Pages that show a day or a week read it with ``day_param``: a date carecoop cannot show
answers today, with a message saying so.
"""

import calendar
import datetime

from babel.dates import format_date, format_skeleton
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecoop.core.money import babel_locale

MONEY_FLOOR = datetime.date(1900, 1, 1)
MONEY_HORIZON_DAYS = 3
PAGE_FIRST = datetime.date(1900, 1, 1)
PAGE_LAST = datetime.date(2199, 12, 31)


def money_date_window(coop: Model) -> tuple[datetime.date, datetime.date]:
    """The first and last day money of ``coop`` may be dated."""
    first = getattr(coop, "founded_on", None) or MONEY_FLOOR
    return first, timezone.localdate() + datetime.timedelta(days=MONEY_HORIZON_DAYS)


def money_date_check(coop: Model, on: datetime.date, *, field: str | None = None) -> None:
    """Refuse a money date outside ``money_date_window``: the one check for payments,
    statement lines, expenses, money received, manual entries, share payments and gifts."""
    first, last = money_date_window(coop)
    shown = formats.date_format(on, "SHORT_DATE_FORMAT")
    if on < first:
        if getattr(coop, "founded_on", None):
            message = _(
                "%(date)s is before the cooperative was founded, on %(founded)s: check the date."
            ) % {"date": shown, "founded": formats.date_format(first, "SHORT_DATE_FORMAT")}
        else:
            message = _("%(date)s is too long ago to be right: check the date.") % {"date": shown}
    elif on > last:
        message = ngettext(
            "%(date)s is more than %(days)s day after today: money is recorded on the day it "
            "is received or paid.",
            "%(date)s is more than %(days)s days after today: money is recorded on the day it "
            "is received or paid.",
            MONEY_HORIZON_DAYS,
        ) % {"date": shown, "days": MONEY_HORIZON_DAYS}
    else:
        return
    raise ValidationError({field: message} if field else message, code="date_range")


def day_param(request: HttpRequest, name: str, *, unit: str = "day") -> datetime.date:
    """The day in the query parameter ``name`` (2025-06-01, or a week such as 2025-W23; with
    ``unit`` "month" a month such as 2025-06, with "year" a year), else today. A date that cannot
    be read, or outside 1900 to 2199, answers today with a message."""
    today = timezone.localdate()
    value = request.GET.get(name, "").strip()
    if not value:
        return today
    text = {"day": value, "month": f"{value}-01", "year": f"{value}-01-01"}[unit]
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not PAGE_FIRST <= day <= PAGE_LAST:
        messages.warning(
            request,
            _("%(value)s is not a date that can be shown here; here is today instead.")
            % {"value": value[:40]},
        )
        return today
    return day


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), or the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def day_text(value: datetime.date, fmt: str = "medium") -> str:
    """A day as the active language writes it ("6 Dec 2026", "٦‏/١٢‏/٢٠٢٦"), in babel's ``fmt``
    (short, medium, long): on pages (the ``day`` filter) and in texts such as an SMS."""
    return str(format_date(value, format=fmt, locale=babel_locale()))


def month_text(value: datetime.date) -> str:
    """A month as the active language names it ("December 2026", "diciembre de 2026")."""
    return str(format_skeleton("yMMMM", value, locale=babel_locale()))
