"""What the sustainability figures are, in words: over which months, in total or a month on
average, and why the runway is what it is. Months, numbers and amounts are written as the
reader's language writes them (babel, like the ``day``, ``number`` and ``money`` filters);
every count goes through ``ngettext``."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.core import Locale
from babel.dates import format_interval
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecoop.core.dates import day_text, month_text
from carecoop.core.money import babel_locale, format_money
from carecoop.core.numbers import decimal_text
from carecoop.funding.selectors import Dashboard


@lru_cache(maxsize=64)
def _count_for(locale: Locale, category: str) -> int:
    """The smallest whole number of the plural ``category`` in ``locale`` (0 to 200)."""
    return next((n for n in range(201) if locale.plural_form(n) == category), 2)


def plural_count(value: float | Decimal) -> int:
    """The whole number to give ``ngettext`` for ``value`` as it is shown: itself when whole,
    else one of the plural category the reader's language gives that decimal (CLDR: "4.2
    months" in English, "4.2 شهر" in Arabic, "1.5 mois" in French), since catalogues choose a
    form by a whole number."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return int(number)
    locale = babel_locale()
    return _count_for(locale, locale.plural_form(number))


def span(since: datetime.date, until: datetime.date) -> str:
    """The period as the reader's language names it: "March to August 2026" for whole months,
    "August 2026" for one, else its first and last days."""
    locale = babel_locale()
    if since.day == 1 and (until + datetime.timedelta(days=1)).day == 1:
        if (since.year, since.month) == (until.year, until.month):
            return month_text(since)
        return str(format_interval(since, until, "yMMMM", locale=locale))
    return _("%(since)s to %(until)s") % {
        "since": day_text(since),
        "until": day_text(until),
    }


def months_text(n: int) -> str:
    return decimal_text(n, babel_locale())


def averaged(board: Dashboard) -> str:
    """What a figure a month is: "a month on average over 6 months: March to August 2026", or,
    when months between have no figures, over the months that have them."""
    values = {"count": months_text(board.months), "span": span(board.since, board.until)}
    if board.months == board.calendar_months:
        return (
            ngettext(
                "a month on average over %(count)s month: %(span)s",
                "a month on average over %(count)s months: %(span)s",
                board.months,
            )
            % values
        )
    return (
        ngettext(
            "a month on average over the %(count)s month with figures in %(span)s",
            "a month on average over the %(count)s months with figures in %(span)s",
            board.months,
        )
        % values
    )


def totalled(board: Dashboard) -> str:
    """What a total is: "in total over March to August 2026"."""
    return _("in total over %(span)s") % {"span": span(board.since, board.until)}


def period(board: Dashboard, *, chosen: bool) -> str:
    """The sentence above the figures: which months they are about, and why."""
    values = {
        "count": months_text(board.months),
        "calendar": months_text(board.calendar_months),
        "span": span(board.since, board.until),
    }
    if not board.months:
        if chosen:
            return _("No figures have been recorded for %(span)s.") % values
        return _(
            "No complete month has figures yet, so no month is shown: the current month is "
            "counted once it is over. Choose dates to see it so far."
        )
    if not chosen:
        return (
            ngettext(
                "The last complete month with figures: %(span)s. The current month is counted "
                "once it is over.",
                "The last %(count)s complete months with figures: %(span)s. The current month "
                "is counted once it is over.",
                board.months,
            )
            % values
        )
    if board.months == board.calendar_months:
        return (
            ngettext(
                "%(span)s: %(count)s month with figures.",
                "%(span)s: %(count)s months with figures.",
                board.months,
            )
            % values
        )
    return (
        ngettext(
            "%(span)s: %(count)s of its %(calendar)s months has figures; the averages are over "
            "that month only.",
            "%(span)s: %(count)s of its %(calendar)s months have figures; the averages are over "
            "those months only.",
            board.months,
        )
        % values
    )


@dataclass(frozen=True)
class Runway:
    figure: str  # what the stat shows: "4.2", "0", "not needed", "—"
    why: str  # the sentence that says why


def runway(board: Dashboard, currency: str) -> Runway:
    """Months of runway, reserve / average monthly shortfall, with the sentence why."""
    if not board.months:
        return Runway("—", _("No runway can be worked out: the period has no figures."))
    if board.runway_months is None:
        return Runway(
            _("not needed"),
            _("No runway is needed: the income received covered the running cost, %(per)s.")
            % {"per": averaged(board)},
        )
    shortfall = format_money(board.net_outflow_minor, currency)
    if board.cash_minor <= 0:
        return Runway(
            decimal_text(0, babel_locale()),
            _(
                "0 months: the reserve (cash, mobile money and bank) is empty, and the running "
                "cost exceeds the income received by %(shortfall)s, %(per)s."
            )
            % {"shortfall": shortfall, "per": averaged(board)},
        )
    months = Decimal(str(round(board.runway_months, 1)))
    figure = decimal_text(months, babel_locale())
    return Runway(
        figure,
        ngettext(
            "%(months)s month: the reserve of %(reserve)s covers the average monthly shortfall "
            "of %(shortfall)s (%(per)s).",
            "%(months)s months: the reserve of %(reserve)s covers the average monthly shortfall "
            "of %(shortfall)s (%(per)s).",
            plural_count(months),
        )
        % {
            "months": figure,
            "reserve": format_money(board.cash_minor, currency),
            "shortfall": shortfall,
            "per": averaged(board),
        },
    )
