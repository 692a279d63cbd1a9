"""An indicator's figures drawn as a chart the server writes (SVG, no script): for each group
its words (a paragraph, which wraps on a narrow screen), then a bar from zero to its figure
with a line across its interval, every bar on one scale. Right to left in Arabic: the bars grow
from the right edge, as the page reads. A hidden group or one with too few answers has its
words and no bar."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _

from carecoop.core.money import babel_locale
from carecoop.core.numbers import decimal_text, percent_text
from carecoop.surveys.indicators import SHARES, Figure, group_label
from carecoop.surveys.models import Indicator

WIDTH = 320  # the bars' scale, in the units of their SVG's width


@dataclass(frozen=True)
class Row:
    label: str
    words: str
    bar_x: float = 0
    bar_width: float = 0
    low_x: float = 0
    high_x: float = 0
    drawn: bool = False


@dataclass(frozen=True)
class Chart:
    rows: list[Row]
    zero_x: float


def value_text(indicator: Indicator, value: float | None) -> str:
    """A figure in the reader's language: a share as a percentage, anything else as a number
    rounded to what it can say (two places under ten, none above)."""
    if value is None:
        return ""
    locale = babel_locale()
    if indicator.kind in SHARES:
        return percent_text(value, locale, "#,##0.#%")
    places = Decimal("0.01") if abs(value) < 10 else Decimal("1")
    return decimal_text(Decimal(str(value)).quantize(places), locale)


def words(indicator: Indicator, figure: Figure) -> str:
    """What a figure says: its value, its interval and its count; or why it says nothing."""
    if figure.hidden:
        return _("hidden: too few people in this group or beside it")
    estimate = figure.estimate
    if estimate.value is None:
        return ngettext(
            "%(count)s answer: too few to say", "%(count)s answers: too few to say", estimate.n
        ) % {"count": estimate.n}
    said = ngettext(
        "%(value)s (%(low)s to %(high)s), %(count)s answer",
        "%(value)s (%(low)s to %(high)s), %(count)s answers",
        estimate.n,
    ) % {
        "value": value_text(indicator, estimate.value),
        "low": value_text(indicator, estimate.low),
        "high": value_text(indicator, estimate.high),
        "count": estimate.n,
    }
    if figure.second is not None and figure.second.value is not None:
        said += " · " + _("mean %(value)s") % {"value": value_text(indicator, figure.second.value)}
    if figure.currency:
        said = f"{figure.currency} {said}"
    return said


def chart(indicator: Indicator, figures: list[Figure], dimension: Any) -> Chart:
    """A chart of these figures on one scale: from 0 to 100 % for shares, else from the least
    to the most of zero and every interval's ends."""
    rtl = bool(get_language_bidi())
    shown = [f.estimate for f in figures if not f.hidden and f.estimate.value is not None]
    if indicator.kind in SHARES:
        least, most = 0.0, 1.0
    else:
        ends = [0.0] + [e.low or 0.0 for e in shown] + [e.high or 0.0 for e in shown]
        least, most = min(ends), max(ends)
        most = most if most > least else least + 1

    def x(value: float) -> float:
        at = (value - least) / (most - least) * WIDTH
        return round(WIDTH - at if rtl else at, 1)

    rows = []
    for figure in figures:
        estimate = figure.estimate
        label = group_label(dimension, figure.group) if dimension else _("Everyone")
        if figure.hidden or estimate.value is None:
            rows.append(Row(label, words(indicator, figure)))
            continue
        ends = sorted((x(0.0), x(estimate.value)))
        rows.append(
            Row(
                label,
                words(indicator, figure),
                bar_x=ends[0],
                bar_width=round(ends[1] - ends[0], 1),
                low_x=x(estimate.low if estimate.low is not None else estimate.value),
                high_x=x(estimate.high if estimate.high is not None else estimate.value),
                drawn=True,
            )
        )
    return Chart(rows, x(0.0))
