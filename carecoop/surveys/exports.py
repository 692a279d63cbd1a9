"""A round's figures to take away: a CSV (or XLSX) of every indicator's figures, everyone's and
each group's, and a Frictionless data package (https://specs.frictionlessdata.io/) holding
those figures, the indicators' definitions and the codebook of the questionnaire, each file
described field by field in ``datapackage.json``. Figures only: no member's answer is in them,
and a hidden group is a row without a figure."""

import operator
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from carecoop.core.exports import Column, data_package
from carecoop.core.shipped import shown
from carecoop.surveys import indicators, questionnaire
from carecoop.surveys.charts import words
from carecoop.surveys.indicators import Figure, Result
from carecoop.surveys.models import Indicator, Round

# (name, type, title) of each file's fields, as the data package describes them.
FIGURE_FIELDS = [
    ("indicator", "string", gettext_lazy("indicator")),
    ("breakdown", "string", gettext_lazy("broken down by")),
    ("group", "string", gettext_lazy("group")),
    ("currency", "string", gettext_lazy("currency")),
    ("value", "number", gettext_lazy("figure")),
    # xgettext:no-python-format
    ("low", "number", gettext_lazy("lower end of the 95 % interval")),
    # xgettext:no-python-format
    ("high", "number", gettext_lazy("upper end of the 95 % interval")),
    ("answers", "integer", gettext_lazy("answers")),
    ("mean", "number", gettext_lazy("mean, beside a median")),
    ("said", "string", gettext_lazy("in words")),
]
INDICATOR_FIELDS = [
    ("code", "string", gettext_lazy("code")),
    ("name", "string", gettext_lazy("name")),
    ("definition", "string", gettext_lazy("definition")),
    ("kind", "string", pgettext_lazy("a figure's", "kind")),
    ("question", "string", pgettext_lazy("in a survey", "question")),
    ("unit", "string", gettext_lazy("unit")),
    ("source", "string", gettext_lazy("source")),
]
CODEBOOK_FIELDS = [
    ("name", "string", gettext_lazy("variable")),
    ("type", "string", pgettext_lazy("of a question", "type")),
    ("label", "string", pgettext_lazy("in a survey", "question")),
    ("choices", "string", gettext_lazy("answers offered")),
    ("relevant", "string", gettext_lazy("asked when")),
    ("constraint", "string", gettext_lazy("allowed when")),
]


def _columns(fields: list[tuple[str, str, Any]], *, titled: bool = False) -> list[Column]:
    """Each field as a column: headed by its name (a data package's file) or its title."""
    return [
        Column(title if titled else name, operator.itemgetter(i))
        for i, (name, _kind, title) in enumerate(fields)
    ]


def _figure_row(result: Result, breakdown: str, figure: Figure) -> list[Any]:
    estimate = figure.estimate
    second = figure.second.value if figure.second is not None else None
    return [
        result.indicator.code,
        breakdown,
        indicators.group_label(breakdown, figure.group) if breakdown else _("Everyone"),
        figure.currency,
        None if figure.hidden else estimate.value,
        None if figure.hidden else estimate.low,
        None if figure.hidden else estimate.high,
        None if figure.hidden else estimate.n,
        None if figure.hidden else second,
        words(result.indicator, figure),
    ]


def figure_rows(results: Iterable[Result]) -> Iterator[list[Any]]:
    """Every indicator's figures: everyone's first, then each breakdown's groups."""
    for result in results:
        for figure in result.overall:
            yield _figure_row(result, "", figure)
        for breakdown, figures in result.breakdowns.items():
            for figure in figures:
                yield _figure_row(result, breakdown, figure)


FIGURE_COLUMNS = _columns(FIGURE_FIELDS, titled=True)


def _indicator_rows(found: Iterable[Indicator]) -> Iterator[list[Any]]:
    for i in found:
        yield [
            i.code,
            shown(i.name),
            shown(i.definition),
            i.kind,
            i.question,
            shown(i.unit),
            shown(i.source),
        ]


def _codebook_rows(round_: Round) -> Iterator[list[Any]]:
    """Each row of the questionnaire that holds a value: its variable, type, question in the
    reader's language, answers offered, and when it is asked and allowed, as the form says."""
    version = round_.version
    read = {i.name: i for i in _flat(questionnaire.items(version.questions, version.choices))}
    for row in version.questions:
        item = read.get(row.get("name", ""))
        if item is None or item.kind in ("note", "begin_group"):
            continue
        yield [
            item.name,
            row.get("type", item.kind),
            item.label,
            "; ".join(f"{c.name} = {c.label}" for c in item.choices),
            row.get("relevant", ""),
            row.get("constraint", "") or row.get("calculation", ""),
        ]


def _flat(form: list[questionnaire.Item]) -> Iterator[questionnaire.Item]:
    for item in form:
        yield item
        yield from _flat(item.items)


def _name(text: str) -> str:
    """A data package's name: lower case letters, digits, ``-``, ``_`` and ``.``."""
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "round"


def datapackage(round_: Round, results: list[Result], found: list[Indicator]) -> bytes:
    """The round's figures, indicators and codebook as a zipped Frictionless data package."""
    files = {
        "figures.csv": (FIGURE_FIELDS, list(figure_rows(results)), _("The figures of the round")),
        "indicators.csv": (INDICATOR_FIELDS, list(_indicator_rows(found)), _("Indicators")),
        "codebook.csv": (CODEBOOK_FIELDS, list(_codebook_rows(round_)), _("Codebook")),
    }
    about = {
        "name": _name(f"{round_.survey.code}-{round_.name}"),
        "title": f"{shown(round_.survey.title)} · {round_.name}",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "version": round_.version.version,
        "description": _(
            # xgettext:no-python-format
            "Figures of a survey round, each with its 95 % interval and its number of answers; "
            "groups of fewer than five people are hidden. No one's answers are in it."
        ),
    }
    return data_package(about, files)
