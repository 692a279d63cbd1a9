"""Registers taken out as files a spreadsheet reads: CSV and XLSX.

A register is a list of ``Column``s and the rows the asking role sees, read in chunks and written
as they come, so a register of any size leaves memory flat. Values keep their kind: a date is a
date (ISO 8601 in CSV, a date cell in XLSX), a number a number (no thousands separator, a dot for
decimals), text is text. A cell that a spreadsheet would run as a formula (text starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written as text: a name typed into a
form never runs on the computer of the person who downloads the register."""

import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import xlsxwriter
from django.db.models import Field, Model
from django.http import FileResponse, StreamingHttpResponse
from django.utils.encoding import force_str

FORMATS = ("csv", "xlsx")
CHUNK = 2_000  # rows read from the database at a time, and written at a time
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column of a register: its heading (translated when written) and how a row gives its
    value (text, a number, a date, or None for an empty cell)."""

    title: Any
    value: Callable[[Any], Any]


def titles(model: type[Model]) -> Callable[[str], Any]:
    """A register's headings named by its model's fields: their translated names."""
    return lambda name: cast(Field, model._meta.get_field(name)).verbose_name


def _csv_cell(value: Any) -> Any:
    """A value as a CSV cell holds it: a number as it is, a date in ISO 8601, nothing as an
    empty cell, and text that a spreadsheet would take for a formula marked as text with a
    leading apostrophe (as OWASP advises)."""
    kind = type(value)  # the common kinds first, and quickly
    if kind is str:
        return f"'{value}" if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | Decimal):
        return value
    text = force_str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    """The file in pieces of ``CHUNK`` rows (a piece a row would cost the server and the link
    more than the rows themselves)."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")  # the byte order mark by which spreadsheets know the file is UTF-8
    writer.writerow([force_str(c.title) for c in columns])
    values = [c.value for c in columns]
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value(row)) for value in values])
        if count % CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _xlsx(columns: list[Column], rows: Iterable[Any], sheet: str) -> Any:
    """The workbook, written row by row to a temporary file (xlsxwriter's constant memory mode:
    each row leaves memory once the next one starts)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the response once sent)
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    decimals: dict[int, Any] = {}
    ws = book.add_worksheet(sheet[:31])
    ws.freeze_panes(1, 0)
    for c, column in enumerate(columns):
        ws.write_string(0, c, force_str(column.title), bold)
    for r, row in enumerate(rows, start=1):
        for c, column in enumerate(columns):
            value = column.value(row)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, Decimal):
                places = max(0, -int(value.as_tuple().exponent))
                if places not in decimals:
                    decimals[places] = book.add_format(
                        {"num_format": "0." + "0" * places if places else "0"}
                    )
                ws.write_number(r, c, value, decimals[places])
            elif isinstance(value, int):
                ws.write_number(r, c, value)
            elif isinstance(value, datetime.date):
                ws.write_datetime(r, c, value, day)
            else:
                ws.write_string(r, c, force_str(value))
    book.close()
    out.seek(0)
    return out


def file_paths(
    route: str, view: Callable[..., Any], name: str, extra: dict[str, Any] | None = None
) -> list[Any]:
    """The addresses of a register's files, one a format: ``<route>.csv`` named ``<name>_csv``,
    and so on, each calling ``view`` with its ``fmt`` (and ``extra``)."""
    from django.urls import path

    return [
        path(f"{route}.{fmt}", view, {**(extra or {}), "fmt": fmt}, name=f"{name}_{fmt}")
        for fmt in FORMATS
    ]


def register_response(
    fmt: str, *, name: str, columns: list[Column], rows: Iterable[Any], sheet: str = ""
) -> StreamingHttpResponse | FileResponse:
    """The register as a download: ``name`` is the file's name without its extension."""
    if fmt == "xlsx":
        return FileResponse(
            _xlsx(columns, rows, sheet or name),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(_csv_lines(columns, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
