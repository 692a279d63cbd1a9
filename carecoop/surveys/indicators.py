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

import contextlib
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
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


# The respondent's groups, read from her record: (dimension, the path to its value).
GROUPED = [
    (Dimension.CENTRE, "respondent__household__centre__name"),
    (Dimension.MEMBER_CLASS, "respondent__memberships__member_class__name"),
    (Dimension.SEX, "respondent__sex"),
    (Dimension.FORMALITY, "respondent__work_records__formality"),
]


@dataclass
class _Read:
    """The rounds' consenting responses as columns: each dimension's group of every row (as
    codes into its labels), and the answers the indicators read (and the same members'
    answers at the baseline)."""

    groups: dict[str, tuple[list[str], np.ndarray]]
    answers: dict[str, list[Any]]
    before: dict[str, list[Any]]


def _read(found: list[Indicator], rounds: list[Round]) -> _Read:
    """Two queries, however many answers: the rounds' responses with their respondents'
    groups and the answers read; the same members' answers at the baselines the rounds follow."""
    questions = sorted({q for i in found for q in (i.question, i.currency_question) if q})
    paired = sorted({i.question for i in found if i.kind in PAIRED})
    coops = OneOf("coop_id", sorted({r.coop_id for r in rounds}))
    rows = list(
        Response.objects.filter(
            coops, OneOf("round_id", sorted(r.pk for r in rounds)), consent=True
        )
        .values_list(
            "coop_id",
            "respondent_id",
            "answered_on",
            "respondent__date_of_birth",
            *[path for _d, path in GROUPED],
            *[KT(f"answers__{q}") for q in questions],
        )
        .order_by()
    )
    first = 4 + len(GROUPED)
    groups: dict[str, tuple[list[str], np.ndarray]] = {}
    for at, (dimension, _path) in enumerate(GROUPED, start=4):
        groups[dimension] = _coded([row[at] or NOT_RECORDED for row in rows])
    groups[Dimension.AGE_BAND] = _coded([_age_band(row[3], row[2]) for row in rows])
    answers = {q: [row[first + i] for row in rows] for i, q in enumerate(questions)}
    before: dict[str, list[Any]] = {}
    baselines = sorted({r.baseline_id for r in rounds if r.baseline_id})
    if paired and baselines:
        earlier = {
            (row[0], row[1]): row[2:]
            for row in Response.objects.filter(coops, OneOf("round_id", baselines), consent=True)
            .values_list("coop_id", "respondent_id", *[KT(f"answers__{q}") for q in paired])
            .order_by()
        }
        none = (None,) * len(paired)
        matched = [earlier.get((row[0], row[1]), none) for row in rows]
        before = {q: [m[i] for m in matched] for i, q in enumerate(paired)}
    return _Read(groups, answers, before)


def _coded(labels: list[str]) -> tuple[list[str], np.ndarray]:
    """Labels as codes: the distinct labels, and each row's index among them."""
    index: dict[str, int] = {}
    codes = np.fromiter(
        (index.setdefault(label, len(index)) for label in labels), dtype=np.int64, count=len(labels)
    )
    return list(index), codes


def _numbers(values: list[Any]) -> np.ndarray:
    """Answers as numbers: NaN for none, or for one that is not a number."""
    texts = np.array(values, dtype=object)
    texts[(texts == None) | (texts == "")] = "nan"  # noqa: E711  (numpy compares each)
    try:
        return texts.astype(float)
    except (TypeError, ValueError):  # an answer that is no number: each read alone
        found = np.full(len(values), np.nan)
        for i, value in enumerate(values):
            if value is not None and value != "":
                with contextlib.suppress(TypeError, ValueError):
                    found[i] = float(value)
        return found


def _age_band(born: datetime.date | None, on: datetime.date) -> str:
    if born is None:
        return NOT_RECORDED
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(label for below, label in AGE_BANDS if age < below)


def _observations(indicator: Indicator, read: _Read) -> np.ndarray:
    """What each respondent adds to the indicator: 1 or 0 for a share, a number otherwise (a
    pair's difference for a change); NaN when she did not answer (both rounds, for a pair)."""
    values = read.answers[indicator.question]
    if indicator.kind == IndicatorKind.SHARE:
        answers = np.array(values, dtype=object)
        found = np.isin(answers, [str(c) for c in indicator.counted]).astype(float)
        found[(answers == None) | (answers == "")] = np.nan  # noqa: E711
        return found
    now = _numbers(values)
    if indicator.kind not in PAIRED:
        return now
    before = _numbers(read.before.get(indicator.question) or [None] * len(values))
    if indicator.kind == IndicatorKind.ROSE:
        rose = (now > before).astype(float)
        rose[np.isnan(now) | np.isnan(before)] = np.nan
        return rose
    return now - before


def _estimated(indicator: Indicator, values: np.ndarray) -> tuple[estimates.Estimate, Any]:
    if indicator.kind in SHARES:
        return estimates.proportion(int(values.sum()), len(values)), None
    if indicator.kind == IndicatorKind.MEAN:
        return estimates.mean(values), None
    return estimates.median(values), estimates.mean(values)


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
    read = _read(found, rounds)
    return [_figured(indicator, rounds, read) for indicator in found]


def _figured(indicator: Indicator, rounds: list[Round], read: _Read) -> Result:
    result = Result(indicator, rounds[0])
    if indicator.kind in PAIRED and not all(
        r.kind == RoundKind.FOLLOW_UP and r.baseline_id for r in rounds
    ):
        result.paired = False
        return result
    observed = _observations(indicator, read)
    answered = ~np.isnan(observed)
    currencies = (
        np.array([str(c or "") for c in read.answers[indicator.currency_question]], dtype=object)
        if indicator.currency_question
        else None
    )
    threshold = settings.CARECOOP_SMALL_CELL
    if currencies is not None:
        kinds = sorted(set(currencies[answered]))
    else:
        kinds = [""] if answered.any() else []
    for currency in kinds:
        mask = answered & (currencies == currency) if currencies is not None else answered
        values = observed[mask]
        estimate, second = _estimated(indicator, values)
        result.overall.append(Figure(ALL, estimate, second, currency))
        for dimension in indicator.dimensions:
            if dimension not in read.groups:
                continue
            labels, codes = read.groups[dimension]
            codes = codes[mask]
            counts = np.bincount(codes, minlength=len(labels))
            present = [g for g in range(len(labels)) if counts[g]]
            cells: dict[disclosure.Key, int]
            if indicator.kind in SHARES:
                yes = np.bincount(codes, weights=values, minlength=len(labels))
                cells = {(labels[g], "counted"): int(yes[g]) for g in present}
                cells |= {(labels[g], "not"): int(counts[g] - yes[g]) for g in present}
            else:
                cells = {(labels[g], "n"): int(counts[g]) for g in present}
            hidden = {row for row, _column in disclosure.suppressed(cells, threshold=threshold)}
            order = np.argsort(codes, kind="stable")
            parts = np.split(values[order], np.cumsum(counts)[:-1])
            ranked = sorted(
                present, key=lambda g: (labels[g] == NOT_RECORDED, _label(dimension, labels[g]))
            )
            for g in ranked:
                if labels[g] in hidden:
                    figure = Figure(
                        labels[g], estimates.Estimate(None, None, None, 0), None, currency, True
                    )
                else:
                    estimate, second = _estimated(indicator, parts[g])
                    figure = Figure(labels[g], estimate, second, currency)
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
