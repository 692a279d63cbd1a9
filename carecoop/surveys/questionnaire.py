"""A kept version's questions as the web form asks them, and the check every answer passes
before it is recorded, however it came (the form on a phone, an SMS conversation, a file from
ODK Central or KoboToolbox).

``items`` gives each row of the form once, in order, with its label and hint in the reader's
language, its choices, and its expressions parsed into trees (``expressions.parse``): the page
sends the same trees to the phone, whose script evaluates them as ``expressions.evaluate``
does here. ``answers_check`` walks the rows as a form does: a question whose skip logic is
false is not asked and its answer is dropped; a required one must be answered; an answer must
be of its type and pass its constraint; a calculation is made. Answers are kept typed: a whole
number as an integer, a decimal as a number, everything else as text (a ``select_multiple`` as
its choices separated by spaces, as XPath reads it). A repeat (the people of a household) is a
list of such answers, its questions reading their own instance first."""

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from carecoop.surveys.expressions import Unreadable, evaluate, parse, truth

CONSENT = "consent"
CONSENT_QUESTION = gettext_noop(
    "Do you agree to answer? You may stop at any time. Your answers are counted with "
    "everyone else's and never shown with your name."
)
# The longest text answer kept, and the most instances of a repeat.
LONGEST_TEXT = 500
MOST_REPEATS = 30
NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Choice:
    name: str
    label: str


@dataclass
class Item:
    """One row of the form: a question, a note, a calculation, or a repeat with its items."""

    kind: str
    name: str
    label: str = ""
    hint: str = ""
    choices: list[Choice] = field(default_factory=list)
    relevant: Any = None
    constraint: Any = None
    constraint_message: str = ""
    required: Any = False  # True, False or an expression's tree
    calculation: Any = None
    items: list["Item"] = field(default_factory=list)  # a repeat's own

    @property
    def asked(self) -> bool:
        return self.kind not in ("note", "calculate", "begin_repeat", "start", "end", "today")

    def trees(self) -> dict[str, Any]:
        """Its expressions for the page's script, by the column they were written in."""
        found = {
            "relevant": self.relevant,
            "constraint": self.constraint,
            "calculation": self.calculation,
            "required": self.required if not isinstance(self.required, bool) else None,
        }
        return {k: v for k, v in found.items() if v is not None}


def _translated(row: Mapping[str, Any], column: str, language: str) -> str:
    """A row's text in ``language`` (``label::Español (es)``), else in the form's own first
    language, else in the untranslated column."""
    columns = [h for h in row if h == column or h.startswith(column + "::")]
    for heading in columns:
        if heading.endswith(f"({language})"):
            return str(row[heading])
    base = language.split("-")[0]
    for heading in columns:
        if heading.endswith(f"({base})"):
            return str(row[heading])
    return str(row[columns[0]]) if columns else ""


def _tree(text: str) -> Any:
    try:
        return parse(text).tree if text else None
    except Unreadable:  # A kept version was read without a problem; an old one may not be.
        return None


def items(questions: list[dict[str, Any]], choices: dict[str, list[dict[str, Any]]]) -> list[Item]:
    """The rows of a kept version as the form asks them, groups flattened (a group only
    gathers rows on the sheet) and repeats holding their own rows."""
    language = (get_language() or "en").lower()
    top: list[Item] = []
    open_repeats: list[Item] = []
    for row in questions:
        kind = row.get("kind", "")
        if kind in ("begin_group", "end_group"):
            continue
        if kind == "end_repeat":
            if open_repeats:
                open_repeats.pop()
            continue
        required_text = str(row.get("required", "")).strip()
        required: Any = required_text.lower() in ("yes", "true")
        if required_text and required_text.lower() not in ("yes", "true", "no", "false"):
            required = _tree(required_text) or False
        listed = [*row.get("type", "").split(), "", ""][1]
        item = Item(
            kind=kind,
            name=row.get("name", ""),
            label=_translated(row, "label", language),
            hint=_translated(row, "hint", language),
            choices=[
                Choice(str(c.get("name", "")), _translated(c, "label", language))
                for c in choices.get(listed, [])
            ],
            relevant=_tree(row.get("relevant", "")),
            constraint=_tree(row.get("constraint", "")),
            constraint_message=_translated(row, "constraint_message", language),
            required=required,
            calculation=_tree(row.get("calculation", "")),
        )
        (open_repeats[-1].items if open_repeats else top).append(item)
        if kind == "begin_repeat":
            open_repeats.append(item)
    return top


def has_consent_question(form: list[Item]) -> bool:
    return any(item.name == CONSENT for item in form)


@dataclass
class Checked:
    """Answers as they are kept, and what is wrong with them, by question name (a repeat's
    question as ``repeat.2.name``, counted from 1)."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _typed(item: Item, text: str) -> tuple[Any, str]:
    """An answer given as text, as it is kept, or the reason it cannot be."""
    if item.kind == "integer":
        if not re.fullmatch(r"-?\d{1,15}", text):
            return None, _("Give a whole number.")
        return int(text), ""
    if item.kind == "decimal":
        if not NUMBER.fullmatch(text) or len(text) > 20:
            return None, _("Give a number.")
        value = float(text)
        return (int(value) if value.is_integer() else value), ""
    if item.kind == "date":
        try:
            return datetime.date.fromisoformat(text).isoformat(), ""
        except ValueError:
            return None, _("Give a date as YYYY-MM-DD.")
    names = {c.name for c in item.choices}
    if item.kind == "select_one":
        return (text, "") if text in names else (None, _("Choose one of the answers offered."))
    if item.kind == "select_multiple":
        chosen = text.split()
        if not set(chosen) <= names:
            return None, _("Choose among the answers offered.")
        return " ".join(dict.fromkeys(chosen)), ""
    if "\x00" in text:  # no text column keeps one (PostgreSQL refuses it)
        return None, _("This answer cannot be read.")
    if len(text) > LONGEST_TEXT:
        return None, _("At most %(count)s characters.") % {"count": LONGEST_TEXT}
    return text, ""


def _text(value: Any) -> str:
    """An answer as the expressions read it: text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def answer_read(
    item: Item, text: str, read: Mapping[str, str], today: datetime.date
) -> tuple[Any, str]:
    """One answer given as text, as it is kept (of its type, passing its constraint with the
    answers ``read`` before it), or the reason it cannot be."""
    value, problem = _typed(item, text)
    if problem:
        return None, problem
    if item.constraint is not None and not truth(
        evaluate(item.constraint, {**read, item.name: _text(value)}, this=_text(value), today=today)
    ):
        return None, item.constraint_message or _("This answer is not allowed.")
    return value, ""


def relevant(item: Item, read: Mapping[str, str], today: datetime.date) -> bool:
    """Whether the form asks ``item`` after the answers ``read``."""
    return item.relevant is None or truth(evaluate(item.relevant, dict(read), today=today))


def answers_check(
    form: list[Item], given: Mapping[str, Any], *, today: datetime.date | None = None
) -> Checked:
    """Check answers given as text by question name (a repeat's as a list of such mappings),
    walking the form as it asks."""
    checked = Checked()
    today = today or datetime.date.today()
    _walk(form, given, checked.answers, checked.errors, {}, "", today)
    return checked


def _walk(
    form: Iterable[Item],
    given: Mapping[str, Any],
    kept: dict[str, Any],
    errors: dict[str, str],
    outer: Mapping[str, str],
    prefix: str,
    today: datetime.date,
) -> None:
    # What the expressions read: the answers outside this repeat, then this instance's own.
    read: dict[str, str] = dict(outer)
    for item in form:
        key = prefix + item.name
        if not relevant(item, read, today):
            continue
        if item.kind == "begin_repeat":
            instances = given.get(item.name) or []
            if not isinstance(instances, list) or len(instances) > MOST_REPEATS:
                errors[key] = _("At most %(count)s.") % {"count": MOST_REPEATS}
                continue
            kept_instances = []
            for number, instance in enumerate(instances, start=1):
                if not isinstance(instance, Mapping):
                    errors[f"{key}.{number}"] = _("This answer cannot be read.")
                    continue
                own: dict[str, Any] = {}
                _walk(item.items, instance, own, errors, read, f"{key}.{number}.", today)
                kept_instances.append(own)
            if kept_instances:
                kept[item.name] = kept_instances
            continue
        if item.kind == "calculate":
            value = evaluate(item.calculation, read, today=today) if item.calculation else ""
            if isinstance(value, float) and not math.isfinite(value):
                value = ""
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, str) and NUMBER.fullmatch(value.strip()) and len(value) < 20:
                value = float(value)  # a number taken from an answer, kept as a number
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if value != "":
                kept[item.name] = value
            read[item.name] = _text(value)
            continue
        if item.kind in ("today", "start", "end"):
            kept[item.name] = today.isoformat()
            read[item.name] = today.isoformat()
            continue
        if item.kind == "note":
            continue
        raw = given.get(item.name)
        text = "" if raw is None else (raw if isinstance(raw, str) else _text(raw)).strip()
        required = item.required
        if not isinstance(required, bool):
            required = truth(evaluate(required, read, today=today))
        if not text:
            if required:
                errors[key] = _("This question needs an answer.")
            continue
        value, problem = answer_read(item, text, read, today)
        if problem:
            errors[key] = problem
            continue
        read[item.name] = _text(value)
        kept[item.name] = value


# The rows a page of the web form shows at most (a repeat counts as its rows): a page stays a
# few kilobytes however long the questionnaire.
PART = 20


def consented(form: list[Item]) -> list[Item]:
    """The form as the web form asks it: its own ``consent`` question first if it has one,
    else the product's, before any other."""
    if has_consent_question(form):
        return form
    question = Item(
        kind="select_one",
        name=CONSENT,
        label=_(CONSENT_QUESTION),
        choices=[Choice("yes", _("Yes")), Choice("no", _("No"))],
        required=True,
    )
    return [question, *form]


def parts(form: list[Item]) -> list[list[Item]]:
    """The form cut into pages of at most ``PART`` rows, a repeat never cut."""
    found: list[list[Item]] = [[]]
    size = 0
    for item in form:
        weight = max(1, len(item.items))
        if found[-1] and size + weight > PART:
            found.append([])
            size = 0
        found[-1].append(item)
        size += weight
    return found


def given_of(form: list[Item], data: Any) -> dict[str, Any]:
    """Answers as a web form posts them (a ``QueryDict``): a question's by its name, several
    choices as several values, a repeat's as ``repeat.N.question`` from 1."""
    given: dict[str, Any] = {}
    for item in form:
        if item.kind == "begin_repeat":
            instances = []
            for number in range(1, MOST_REPEATS + 1):
                prefix = f"{item.name}.{number}."
                if not any(key.startswith(prefix) for key in data):
                    break
                instances.append(
                    {inner.name: _posted(inner, data, prefix + inner.name) for inner in item.items}
                )
            given[item.name] = instances
        elif item.asked:
            given[item.name] = _posted(item, data, item.name)
    return given


def _posted(item: Item, data: Any, key: str) -> str:
    if item.kind == "select_multiple" and hasattr(data, "getlist"):
        return " ".join(str(v) for v in data.getlist(key))
    return str(data.get(key, ""))
