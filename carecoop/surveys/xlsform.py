"""A survey's questionnaire as an XLSForm (the format of ODK and KoboToolbox), read from its
spreadsheet and checked before it is kept.

pyxform, ODK's own converter, builds the form (an XForm, which ODK Collect and Enketo read too)
and checks most of it. But it names the row of only some of its refusals, and it does not read
the expressions of skip logic closely. So the sheets are read here first (calamine):
- every question's type must be one the web form supports;
- every list a question chooses from must be on the ``choices`` sheet;
- every expression (``relevant``, ``constraint``, ``calculation``, ``required``) must be one the
  form can read (``expressions.parse``) and name only questions of the form;
- every question must have a name, used once, and groups must be closed in order.

Every problem is named at once, with its sheet, row and column. A form with none is then built
by pyxform, whose own refusals are named on their row."""

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from carecoop.surveys.expressions import Unreadable, parse

# The question types the web form fills in.
QUESTIONS = ("text", "integer", "decimal", "date", "select_one", "select_multiple", "note")
# Rows that are not questions: a computed value, groups and repeats (a household's members).
STRUCTURE = ("calculate", "begin_group", "end_group", "begin_repeat", "end_repeat")
# What the form records by itself.
METADATA = ("start", "end", "today")
SUPPORTED = QUESTIONS + STRUCTURE + METADATA
EXPRESSIONS = ("relevant", "constraint", "calculation", "required")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a cell of the form (or a row, or the file): its sheet, its row as a
    spreadsheet numbers it (the headings are row 1) and its column, by heading."""

    sheet: str
    row: int
    column: str
    message: str


@dataclass
class Form:
    """A form read: its questions in order (each the cells of its row by heading), its choice
    lists, its settings, the XForm pyxform built, and every problem found."""

    questions: list[dict[str, Any]] = field(default_factory=list)
    choices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    xform: str = ""
    problems: list[Problem] = field(default_factory=list)


def _sheet(book: CalamineWorkbook, name: str) -> list[tuple[int, dict[str, Any]]] | None:
    """The rows of a sheet under its headings (lower case, the first of each), numbered as a
    spreadsheet numbers them, without the empty ones; None when there is no such sheet."""
    names = {n.lower(): n for n in book.sheet_names}
    if name not in names:
        return None
    rows = book.get_sheet_by_name(names[name]).to_python(skip_empty_area=False)
    if not rows:
        return []
    headings = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    found = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {}
        for heading, value in zip(headings, row, strict=False):
            text = "" if value is None else str(value).strip()
            if heading and heading not in cells and text:
                cells[heading] = text
        if cells:
            found.append((number, cells))
    return found


def _label_column(cells: dict[str, Any], column: str) -> str:
    """The first heading among ``cells`` that is ``column`` or ``column::<language>``."""
    return next((h for h in cells if h == column or h.startswith(column + "::")), "")


def form_read(content: bytes) -> Form:
    """Read and check an XLSForm, and build it when it has no problem."""
    form = Form()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        survey = _sheet(book, "survey")
        choices = _sheet(book, "choices") or []
        settings = _sheet(book, "settings") or []
    except (CalamineError, ValueError, IndexError, TypeError) as error:
        form.problems.append(
            Problem(
                "",
                1,
                "",
                _("This file is not a spreadsheet: %(error)s") % {"error": str(error)[:200]},
            )
        )
        return form
    if not survey:
        form.problems.append(
            Problem("survey", 1, "", _("The form needs a “survey” sheet with its questions."))
        )
        return form
    for row, cells in choices:
        listed = cells.get("list_name") or cells.get("list name")
        if listed:
            form.choices.setdefault(listed, []).append(cells | {"_row": row})
    form.settings = settings[0][1] if settings else {}
    _check_survey(form, survey)
    if form.problems:
        return form
    try:
        built = convert(xlsform=content, file_type=".xlsx", validate=False, pretty_print=False)
    # ODK's converter reads a file whose sheets read well here; what it refuses, however it
    # refuses it (its own error, or one of the spreadsheet readers it calls), is named.
    except Exception as error:
        text = str(error) if isinstance(error, PyXFormError) else type(error).__name__
        match = re.match(r"\[row : (\d+)\]\s*(.*)", text, re.S)
        row, message = (int(match.group(1)), match.group(2)) if match else (1, text)
        form.problems.append(
            Problem(
                "survey",
                row,
                "",
                _("The form cannot be built: %(reason)s") % {"reason": message[:300]},
            )
        )
        return form
    form.xform = built.xform
    return form


def _check_survey(form: Form, survey: list[tuple[int, dict[str, Any]]]) -> None:
    names: dict[str, int] = {}
    for row, cells in survey:
        name = cells.get("name", "")
        if name and name in names:
            form.problems.append(
                Problem(
                    "survey",
                    row,
                    "name",
                    _("Row %(row)s has this name: each question needs its own.")
                    % {"row": names[name]},
                )
            )
        elif name:
            names[name] = row
    open_blocks: list[tuple[str, int]] = []
    for row, cells in survey:
        kind, *rest = (cells.get("type") or "").split()
        kind = kind.lower() if kind else ""
        if not kind:
            form.problems.append(Problem("survey", row, "type", _("Give the row a type.")))
            continue
        if kind not in SUPPORTED:
            form.problems.append(
                Problem(
                    "survey",
                    row,
                    "type",
                    _(
                        "“%(type)s” is not a question type the form supports. It supports: %(supported)s."
                    )
                    % {"type": kind, "supported": ", ".join(SUPPORTED)},
                )
            )
            continue
        name = cells.get("name", "")
        if kind.startswith("end_"):
            opened = kind.replace("end_", "begin_")
            if not open_blocks or open_blocks[-1][0] != opened:
                form.problems.append(
                    Problem(
                        "survey",
                        row,
                        "type",
                        _("This row closes a group or repeat that is not open."),
                    )
                )
            else:
                open_blocks.pop()
            continue
        if not name:
            form.problems.append(Problem("survey", row, "name", _("Give the question a name.")))
        elif not NAME.fullmatch(name):
            form.problems.append(
                Problem(
                    "survey",
                    row,
                    "name",
                    _("A name is letters, digits and _ only, starting with a letter."),
                )
            )
        if kind.startswith("begin_"):
            open_blocks.append((kind, row))
        if kind in ("select_one", "select_multiple"):
            listed = rest[0] if rest else ""
            if not listed:
                form.problems.append(
                    Problem("survey", row, "type", _("Name the list the answer is chosen from."))
                )
            elif listed not in form.choices:
                form.problems.append(
                    Problem(
                        "survey",
                        row,
                        "type",
                        _("The “choices” sheet has no list “%(list)s”.") % {"list": listed},
                    )
                )
        if kind in QUESTIONS and kind != "note" and not _label_column(cells, "label"):
            form.problems.append(Problem("survey", row, "label", _("Give the question a label.")))
        for column in EXPRESSIONS:
            text = cells.get(column, "")
            if not text or (
                column == "required" and text.lower() in ("yes", "no", "true", "false")
            ):
                continue
            try:
                parsed = parse(text)
            except Unreadable as error:
                form.problems.append(
                    Problem(
                        "survey",
                        row,
                        column,
                        _("This expression cannot be read at character %(at)s: %(reason)s")
                        % {"at": error.at + 1, "reason": error.message},
                    )
                )
                continue
            unknown = sorted(parsed.names - set(names))
            if unknown:
                form.problems.append(
                    Problem(
                        "survey",
                        row,
                        column,
                        _("No question is named %(names)s.") % {"names": ", ".join(unknown)},
                    )
                )
        if kind == "calculate" and not cells.get("calculation"):
            form.problems.append(Problem("survey", row, "calculation", _("Give the calculation.")))
        form.questions.append({"row": row, "kind": kind, **cells})
    for _kind, row in open_blocks:
        form.problems.append(
            Problem("survey", row, "type", _("This group or repeat is never closed."))
        )
