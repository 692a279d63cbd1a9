"""Registers brought in from files a cooperative already keeps: CSV, XLSX and ODS.

A file is read row by row (CSV by Python's reader, spreadsheets by calamine), its first row naming
the columns. Each cell is read by the kind its column holds (``text``, ``day``, ``choice``); a
cell that is not what its column needs is a ``Problem`` naming the row, the column and what is
wrong, and the register's import collects every problem of every row before it writes anything:
one bad cell, and nothing is imported."""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from carecoop.core.exports import FORMULA_START

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or a whole row, without a column) of a file: the row is
    numbered as a spreadsheet shows it, the heading row being row 1."""

    row: int
    column: str
    message: str

    @property
    def heading(self) -> str:
        """The column as its heading reads in the reader's language."""
        return _(self.column) if self.column else ""


class Unreadable(ValidationError):
    """The file as a whole cannot be read as a register: not a table, too big, no headings."""


def header(value: Any) -> str:
    """A column's name as the file heads it, compared without case, spaces or underscores."""
    return " ".join(force_str(value).replace("_", " ").split()).casefold()


def within_limits(size: int | None) -> None:
    """Refuse a register's file larger than ``CARECOOP_REGISTER_MAX_BYTES`` before reading it."""
    limit = settings.CARECOOP_REGISTER_MAX_BYTES
    if size is None or size > limit:
        raise Unreadable(
            _(
                "The file is %(size)s, larger than the %(limit)s an import may be. Split it into "
                "smaller files and import them one after the other."
            )
            % {"size": filesizeformat(size or 0), "limit": filesizeformat(limit)},
            code="too_large",
        )


def table(
    name: str, content: bytes, columns: list[str], *, most: int | None = None
) -> tuple[set[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The columns the file has (among ``columns``), and each of its rows that holds anything:
    its number and its cells by column. Refused as a whole (``Unreadable``) when it is too big,
    has more than ``most`` rows (``CARECOOP_REGISTER_MAX_ROWS`` unless said), is not a CSV or
    spreadsheet file, or its first row names none of ``columns``."""
    # A heading in English or in the language of the person importing (the template's).
    wanted = {header(c): c for c in columns} | {header(_(c)): c for c in columns}
    return headed(
        name,
        content,
        lambda heading: wanted.get(header(heading)),
        _("The first row must name the columns, as in the template: %(columns)s.")
        % {"columns": ", ".join(columns)},
        most=most,
    )


def headed(
    name: str,
    content: bytes,
    column_of: Callable[[str], str | None],
    no_column: str,
    *,
    most: int | None = None,
) -> tuple[set[str], Iterator[tuple[int, dict[str, Any]]]]:
    """``table`` for a file whose columns are named by its first row as ``column_of`` reads
    each heading (None: a column not read; the first of two read alike is kept); refused with
    ``no_column`` when it reads none."""
    within_limits(len(content))
    lines = _lines(name, content)
    first = next(lines, None)
    positions: dict[int, str] = {}
    for i, value in enumerate(first or ()):
        column = column_of(force_str(value).strip())
        if column is not None and column not in positions.values():
            positions[i] = column
    if not positions:
        raise Unreadable(no_column)
    limit = most if most is not None else settings.CARECOOP_REGISTER_MAX_ROWS
    return set(positions.values()), _rows(lines, positions, limit)


def _rows(
    lines: Iterator[list[Any]], positions: dict[int, str], limit: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, start=2):
        cells = {column: line[i] if i < len(line) else None for i, column in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        if number > limit + 1:
            raise Unreadable(
                _(
                    "The file has more than %(limit)s rows, more than an import may have. Split "
                    "it into smaller files and import them one after the other."
                )
                % {"limit": limit}
            )
        yield number, cells


def _lines(name: str, content: bytes) -> Iterator[list[Any]]:
    lower = name.lower()
    if lower.endswith(SPREADSHEETS):
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            sheet = book.get_sheet_by_index(0)
            yield from sheet.iter_rows()
        except (CalamineError, ValueError, IndexError) as error:
            raise Unreadable(_("This spreadsheet cannot be read.")) from error
        return
    if not lower.endswith(".csv"):
        raise Unreadable(_("Send a CSV, XLSX or ODS file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            _("This CSV file is not in UTF-8: save it again as “CSV UTF-8”.")
        ) from error
    if "\x00" in text:
        raise Unreadable(_("This is not a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as error:
        raise Unreadable(_("This CSV file cannot be read.")) from error


def text(value: Any, *, max_length: int, required: bool = False) -> str:
    """A text cell, trimmed. A number a spreadsheet holds (a phone typed as a number) is read
    as its digits. The apostrophe a register file puts before text a spreadsheet would take for
    a formula (``exports.FORMULA_START``: "'+91 98250 11111") is not part of the value."""
    if value is None:
        found = ""
    elif isinstance(value, float) and value.is_integer():
        found = str(int(value))
    else:
        found = " ".join(force_str(value).split())
        if found[:1] == "'" and found[1:2] and found[1:2] in FORMULA_START:
            found = found[1:]
    if required and not found:
        raise ValidationError(_("This cell is required."))
    if len(found) > max_length:
        raise ValidationError(
            _("At most %(n)s characters (this cell has %(found)s).")
            % {"n": max_length, "found": len(found)}
        )
    return found


def day(value: Any, *, required: bool = False) -> datetime.date | None:
    """A date: a spreadsheet's date cell, or text written year-month-day (2025-03-31)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    found = text(value, max_length=40)
    if not found:
        if required:
            raise ValidationError(_("This cell is required."))
        return None
    try:
        return datetime.date.fromisoformat(found)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date: write it as year-month-day, such as 2025-03-31.")
            % {"value": found[:40]}
        ) from None


def clock(value: Any, *, required: bool = False) -> datetime.time | None:
    """A time of day: a spreadsheet's time cell, or text written hours:minutes (07:30)."""
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    found = text(value, max_length=40)
    if not found:
        if required:
            raise ValidationError(_("This cell is required."))
        return None
    try:
        hours, minutes = found.split(":")
        return datetime.time(int(hours), int(minutes))
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a time of day: write it as hours:minutes, such as 07:30.")
            % {"value": found[:40]}
        ) from None


@dataclass(frozen=True)
class Choices:
    """What a column of choices accepts: each code by its code or its label, in any case, the
    label in the language of the person importing and in English. Made once for a file, not
    once a cell."""

    codes: tuple[str, ...]
    spellings: dict[str, str]


def choices(options: Iterable[tuple[Any, Any]]) -> Choices:
    """The ``Choices`` of ``options`` (code, label); a spelling two of them share names the
    first."""
    codes: list[str] = []
    spellings: dict[str, str] = {}
    for code, label in options:
        with translation.override("en"):
            english = force_str(label)
        codes.append(str(code))
        for spelling in (str(code), force_str(label), english):
            spellings.setdefault(spelling.casefold(), str(code))
    return Choices(tuple(codes), spellings)


def choice(value: Any, options: Choices, *, required: bool = False) -> str:
    """One of ``options``, by its code or its label, in any case."""
    found = text(value, max_length=200)
    if not found:
        if required:
            raise ValidationError(_("This cell is required."))
        return ""
    code = options.spellings.get(found.casefold())
    if code is None:
        raise ValidationError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": found[:60], "choices": ", ".join(options.codes)}
        )
    return code
