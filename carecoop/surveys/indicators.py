"""Indicators: what a round's answers say, with honest uncertainty, and nothing that singles
anyone out.

An indicator is data (``models.Indicator``). ``figures`` reads a round's answers to its question
in one query, each with the respondent's centre, class, sex, age and formality read from her
record (and, for a change, her answer at the baseline the round follows), and makes:
- for a share, the Wilson interval (``core.estimates.proportion``);
- for a mean, a median or a change between rounds, a bootstrap interval (``core.estimates``);
- the number of respondents, and no figure at all under ``estimates.TOO_FEW``.
Money answers are counted per currency, never added across them. Each breakdown is a table of
counts whose small cells are hidden with the cells that would give them away
(``core.disclosure.suppressed``): a group hidden shows neither its figure nor its count."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from carecoop.core import disclosure, estimates
from carecoop.core.lookups import OneOf
from carecoop.core.shipped import labels
from carecoop.core.types import Actor
from carecoop.members.classifications import Formality
from carecoop.members.models import Sex
from carecoop.surveys.models import (
    Dimension,
    Indicator,
    IndicatorKind,
    Response,
    Round,
    RoundKind,
    Survey,
)

PAIRED = (IndicatorKind.ROSE, IndicatorKind.CHANGE)
SHARES = (IndicatorKind.SHARE, IndicatorKind.ROSE)
# Age bands of a respondent on the day she answered: (below this age, label).
AGE_BANDS = [
    (25, gettext_noop("under 25")),
    (35, gettext_noop("25 to 34")),
    (45, gettext_noop("35 to 44")),
    (55, gettext_noop("45 to 54")),
    (200, gettext_noop("55 and over")),
]
NOT_RECORDED = gettext_noop("not recorded")
ALL = gettext_noop("everyone")

ALL_DIMENSIONS = [d.value for d in Dimension]

# The indicators shipped with the care impact survey, and the figures they are compared with.
SEWA = gettext_noop(
    # xgettext:no-python-format
    "SEWA's Sangini child care cooperative, Ahmedabad: 64 % of the working mothers who use the "
    "centres worked more days; incomes rose by Rs 500 to 1,000 a month, up to Rs 2,000 (ASK, "
    "2011, in ILO and WIEGO, Cooperatives meeting informal economy workers' child care needs, "
    "2018)."
)
CAFE_CORRECTO = gettext_noop(
    "Progettomondo MLAL, Café Correcto project, Peru and Bolivia: 57.6 % of coffee producers' "
    "families gained access to public services and 42.8 % to insurance (2017)."
)
SHIPPED: list[dict[str, Any]] = [
    {
        "code": "worked-more-days",
        "name": gettext_noop("Mothers who work more days"),
        "definition": gettext_noop(
            "Share of the members answering both rounds who work more days in a usual week at "
            "the follow-up than at the baseline."
        ),
        "kind": IndicatorKind.ROSE,
        "question": "days_worked",
        # xgettext:no-python-format
        "unit": gettext_noop("% of members"),
        "source": SEWA,
    },
    {
        "code": "income-change",
        "name": gettext_noop("Change in monthly income"),
        "definition": gettext_noop(
            "Income from all work in a month at the follow-up, less the same member's at the "
            "baseline: the median and the mean change, in each currency."
        ),
        "kind": IndicatorKind.CHANGE,
        "question": "monthly_income",
        "currency_question": "income_currency",
        "unit": gettext_noop("a month"),
        "source": SEWA,
    },
    {
        "code": "public-services",
        "name": gettext_noop("Families with access to public services"),
        "definition": gettext_noop(
            "Share of the members answering whose family gets a public service or scheme."
        ),
        "kind": IndicatorKind.SHARE,
        "question": "public_services",
        "counted": ["yes"],
        # xgettext:no-python-format
        "unit": gettext_noop("% of families"),
        "source": CAFE_CORRECTO,
    },
    {
        "code": "insurance",
        "name": gettext_noop("Families with insurance"),
        "definition": gettext_noop(
            "Share of the members answering whose family has someone covered by health or life "
            "insurance."
        ),
        "kind": IndicatorKind.SHARE,
        "question": "insurance",
        "counted": ["yes"],
        # xgettext:no-python-format
        "unit": gettext_noop("% of families"),
        "source": CAFE_CORRECTO,
    },
    {
        "code": "centre-care",
        "name": gettext_noop("Children cared for at the centre while the mother works"),
        "definition": gettext_noop(
            "Share of the members answering whose youngest child is mostly cared for at the "
            "care centre while they work."
        ),
        "kind": IndicatorKind.SHARE,
        "question": "child_carer",
        "counted": ["centre"],
        # xgettext:no-python-format
        "unit": gettext_noop("% of members"),
        "source": "",
    },
    {
        "code": "unpaid-care-hours",
        "name": gettext_noop("Hours of unpaid care"),
        "definition": gettext_noop(
            "Median hours a member spent the day before caring for children or others without pay."
        ),
        "kind": IndicatorKind.MEDIAN,
        "question": "unpaid_care_hours",
        "unit": gettext_noop("hours a day"),
        "source": "",
    },
    {
        "code": "days-worked",
        "name": gettext_noop("Days of paid work"),
        "definition": gettext_noop("Mean days of paid work in a usual week."),
        "kind": IndicatorKind.MEAN,
        "question": "days_worked",
        "unit": gettext_noop("days a week"),
        "source": "",
    },
]
labels(
    "surveys.indicators",
    *(text for row in SHIPPED for key, text in row.items() if key in ("name", "definition")),
    *(row["unit"] for row in SHIPPED),
    SEWA,
    CAFE_CORRECTO,
)


def indicators_ship(*, survey: Survey, by: Actor) -> None:
    """Give the care impact survey the indicators shipped with it; those it has are kept as
    the cooperative may have changed them."""
    from carecoop.core.services import validated_save

    held = set(
        Indicator.objects.filter(coop_id=survey.coop_id, survey=survey).values_list(
            "code", flat=True
        )
    )
    for row in SHIPPED:
        if row["code"] in held:
            continue
        validated_save(
            Indicator(
                coop_id=survey.coop_id,
                survey=survey,
                dimensions=ALL_DIMENSIONS,
                **{k: str(v) if k != "counted" else v for k, v in row.items()},
            ),
            by=by,
        )


@dataclass(frozen=True)
class Figure:
    """One figure: a group's (or everyone's) estimate, a second one beside it (the mean beside
    a change's median), its currency for money, or hidden to protect a small group."""

    group: str
    estimate: estimates.Estimate
    second: estimates.Estimate | None = None
    currency: str = ""
    hidden: bool = False


@dataclass
class Result:
    """An indicator's figures for a round: everyone's (one per currency), and each breakdown's
    groups in order. ``paired`` is false when a change is asked of a round with no baseline."""

    indicator: Indicator
    round: Round
    overall: list[Figure] = field(default_factory=list)
    breakdowns: dict[str, list[Figure]] = field(default_factory=dict)
    paired: bool = True


def _key(question: str, kind: str = "answer") -> str:
    """The name a question's answer (or its baseline answer) is read under in a row."""
    return f"{kind}:{question}"


def _rows(found: list[Indicator], rounds: list[Round]) -> QuerySet[Response, dict[str, Any]]:
    """The rounds' consenting responses (each round its cooperative's), each with the answers
    these indicators read (and each paired one's answer at the baseline its round follows), and
    its respondent's groups: one query."""
    responses = Response.objects.filter(
        OneOf("coop_id", sorted({r.coop_id for r in rounds})),
        OneOf("round_id", sorted(r.pk for r in rounds)),
        consent=True,
    )
    values: dict[str, Any] = {
        "centre_name": F("respondent__household__centre__name"),
        "class_name": F("respondent__memberships__member_class__name"),
        "sex": F("respondent__sex"),
        "born": F("respondent__date_of_birth"),
        "formality": F("respondent__work_records__formality"),
    }
    for indicator in found:
        for question in (indicator.question, indicator.currency_question):
            if question:
                values[_key(question)] = KT(f"answers__{question}")
        if indicator.kind in PAIRED and all(r.baseline_id for r in rounds):
            values[_key(indicator.question, "before")] = Subquery(
                Response.objects.filter(
                    coop_id=OuterRef("coop_id"),
                    round_id=OuterRef("round__baseline_id"),
                    respondent_id=OuterRef("respondent_id"),
                    consent=True,
                ).values(value=KT(f"answers__{indicator.question}"))[:1]
            )
    return responses.values(answered=F("answered_on"), **values).order_by()


def _number(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _age_band(born: datetime.date | None, on: datetime.date) -> str:
    if born is None:
        return NOT_RECORDED
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(label for below, label in AGE_BANDS if age < below)


def _groups(row: dict[str, Any]) -> dict[str, str]:
    return {
        Dimension.CENTRE: row["centre_name"] or NOT_RECORDED,
        Dimension.MEMBER_CLASS: row["class_name"] or NOT_RECORDED,
        Dimension.SEX: row["sex"] or NOT_RECORDED,
        Dimension.AGE_BAND: _age_band(row["born"], row["answered"]),
        Dimension.FORMALITY: row["formality"] or NOT_RECORDED,
    }


def _observation(indicator: Indicator, row: dict[str, Any]) -> Any:
    """What one respondent adds to the indicator: True or False for a share, a number
    otherwise (a pair's difference for a change); None when she did not answer (both
    rounds, for a pair)."""
    value = row[_key(indicator.question)]
    if value in (None, ""):
        return None
    if indicator.kind == IndicatorKind.SHARE:
        return str(value) in {str(c) for c in indicator.counted}
    now = _number(value)
    if indicator.kind in PAIRED:
        before = _number(row.get(_key(indicator.question, "before")))
        if now is None or before is None:
            return None
        return now > before if indicator.kind == IndicatorKind.ROSE else now - before
    return now


def _estimated(indicator: Indicator, values: list[Any]) -> tuple[estimates.Estimate, Any]:
    if indicator.kind in SHARES:
        return estimates.proportion(sum(1 for v in values if v), len(values)), None
    if indicator.kind == IndicatorKind.MEAN:
        return estimates.mean(values), None
    if indicator.kind == IndicatorKind.MEDIAN:
        return estimates.median(values), estimates.mean(values)
    return estimates.median(values), estimates.mean(values)


def _cells(indicator: Indicator, group: str, values: list[Any]) -> dict[disclosure.Key, int]:
    if indicator.kind in SHARES:
        counted = sum(1 for v in values if v)
        return {(group, "counted"): counted, (group, "not"): len(values) - counted}
    return {(group, "n"): len(values)}


def figures(indicator: Indicator, round_: Round) -> Result:
    """The indicator's figures for a round (``Result``)."""
    return round_results(round_, [indicator])[0]


def round_results(round_: Round, found: Iterable[Indicator]) -> list[Result]:
    """Each indicator's figures for the round, from one read of its responses."""
    return pooled_results([round_], found)


def pooled_results(rounds: list[Round], found: Iterable[Indicator]) -> list[Result]:
    """Each indicator's figures for the answers of several rounds together (the same survey's
    round in each cooperative of a federation), from one read: a figure of everyone's answers,
    its breakdowns by groups of the same names. ``found``: the indicators, as defined in one of
    them. Each cooperative's rows are its own; only figures leave them."""
    found = list(found)
    rows = [(row, _groups(row)) for row in _rows(found, rounds).iterator(chunk_size=5000)]
    return [_figured(indicator, rounds, rows) for indicator in found]


def _figured(
    indicator: Indicator, rounds: list[Round], rows: list[tuple[dict[str, Any], dict[str, str]]]
) -> Result:
    result = Result(indicator, rounds[0])
    if indicator.kind in PAIRED and not all(
        r.kind == RoundKind.FOLLOW_UP and r.baseline_id for r in rounds
    ):
        result.paired = False
        return result
    by_currency: dict[str, list[tuple[Any, dict[str, str]]]] = defaultdict(list)
    currency_key = _key(indicator.currency_question) if indicator.currency_question else ""
    for row, groups in rows:
        seen = _observation(indicator, row)
        if seen is None:
            continue
        currency = str(row.get(currency_key) or "") if currency_key else ""
        by_currency[currency].append((seen, groups))
    threshold = settings.CARECOOP_SMALL_CELL
    for currency in sorted(by_currency):
        observed = by_currency[currency]
        values = [seen for seen, _g in observed]
        estimate, second = _estimated(indicator, values)
        result.overall.append(Figure(ALL, estimate, second, currency))
        for dimension in indicator.dimensions:
            grouped: dict[str, list[Any]] = defaultdict(list)
            for seen, groups in observed:
                grouped[groups.get(dimension, NOT_RECORDED)].append(seen)
            cells: dict[disclosure.Key, int] = {}
            for group, group_values in grouped.items():
                cells |= _cells(indicator, group, group_values)
            hidden = {row for row, _column in disclosure.suppressed(cells, threshold=threshold)}
            for group in sorted(grouped, key=lambda g: (g == NOT_RECORDED, _label(dimension, g))):
                group_values = grouped[group]
                if group in hidden:
                    figure = Figure(
                        group, estimates.Estimate(None, None, None, 0), None, currency, True
                    )
                else:
                    estimate, second = _estimated(indicator, group_values)
                    figure = Figure(group, estimate, second, currency)
                result.breakdowns.setdefault(dimension, []).append(figure)
    return result


def _label(dimension: str, group: str) -> str:
    """A group's name in the reader's language: a centre's and a class's as typed, the rest
    from the choices and bands the product ships."""
    if group == NOT_RECORDED:
        return _(NOT_RECORDED)
    if dimension == Dimension.SEX:
        return str(dict(Sex.choices).get(group, group))
    if dimension == Dimension.FORMALITY:
        return str(dict(Formality.choices).get(group, group))
    if dimension == Dimension.AGE_BAND or group == ALL:
        return _(group)
    return group


def group_label(dimension: str, group: str) -> str:
    return _label(dimension, group)
