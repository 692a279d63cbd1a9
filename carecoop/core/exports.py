"""Registers taken out as files a spreadsheet reads: CSV and XLSX.

A register is a list of ``Column``s and the rows the asking role sees, read in chunks and written
as they come, so a register of any size leaves memory flat. Values keep their kind: a date is a
date (ISO 8601 in CSV, a date cell in XLSX), a number a number (no thousands separator, a dot for
decimals), text is text. A cell that a spreadsheet would run as a formula (text starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written as text: a name typed into a
form never runs on the computer of the person who downloads the register.

On PostgreSQL, a register whose every column says how the database writes its cell
(``Column.cell``: ``text_cell``, ``date_cell``, ``label_cell``) is written by the database itself:
``COPY (its query) TO STDOUT`` in CSV, the same bytes as the rows written here (a test compares
them), at the speed of the database's own bulk path (``bench/members.py``)."""

import csv
import datetime
import io
import json
import operator
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import xlsxwriter
from django.db import connection
from django.db.models import Case, CharField, F, Field, Func, Model, QuerySet, Value, When
from django.http import FileResponse, StreamingHttpResponse
from django.utils.encoding import force_str

FORMATS = ("csv", "xlsx")
CHUNK = 2_000  # rows read from the database at a time, and written at a time
PIECE = 64 * 1024  # bytes of a file the database writes, sent at a time
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column of a register: its heading (translated when written) and how a row gives its
    value (text, a number, a date, or None for an empty cell)."""

    title: Any
    value: Callable[[Any], Any]
    cell: Any = None


class _GuardedText(Func):
    """Text as a CSV cell holds it (``_csv_cell``): marked with an apostrophe when a spreadsheet
    would take it for a formula, an empty text as an empty cell (PostgreSQL would quote it)."""

    template = (
        "CASE WHEN left(%(expressions)s, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') "
        "THEN '''' || %(expressions)s ELSE NULLIF(%(expressions)s, '') END"
    )
    output_field = CharField()


def text_cell(path: str) -> Any:
    """The cell of a text column (a field's path), as the database writes it."""
    return _GuardedText(F(path))


def date_cell(path: str) -> Any:
    """The cell of a date column, year-month-day whatever the server's date style."""
    return Func(F(path), Value("YYYY-MM-DD"), function="to_char", output_field=CharField())


def label_cell(path: str, labels: dict[str, str]) -> Any:
    """The cell of a column of choices, each code written as its label (already translated)."""
    return Case(
        *(When(**{path: code}, then=Value(label)) for code, label in labels.items()),
        default=Func(F(path), Value(""), function="NULLIF"),
        output_field=CharField(),
    )


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


# The kinds a CSV writer already writes as a spreadsheet reads them: a number as it is, a date in
# ISO 8601, nothing as an empty cell. Every other value goes through ``_csv_cell``.
_PLAIN = frozenset({int, Decimal, datetime.date, type(None)})


def _csv_row(cells: Iterable[Any]) -> list[Any]:
    """A row's values as its CSV cells (``_csv_cell``), the common kinds without a call each:
    a register is thousands of rows of a dozen cells."""
    return [
        cell
        if cell.__class__ in _PLAIN
        else (f"'{cell}" if cell.startswith(FORMULA_START) else cell)
        if cell.__class__ is str
        else _csv_cell(cell)
        for cell in cells
    ]


def _csv_lines(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    """The file in pieces of ``CHUNK`` rows (a piece a row would cost the server and the link
    more than the rows themselves)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # as PostgreSQL ends its lines
    out.write("\ufeff")  # the byte order mark by which spreadsheets know the file is UTF-8
    writer.writerow([force_str(c.title) for c in columns])
    values = [c.value for c in columns]
    for count, row in enumerate(rows, start=1):
        writer.writerow(_csv_row([value(row) for value in values]))
        if count % CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _copied_lines(columns: list[Column], rows: QuerySet) -> Iterator[Any]:
    """The file as the database writes it: the headings, then ``COPY (the register's query,
    each column its cell) TO STDOUT`` in CSV, passed on as it comes."""
    yield next(_csv_lines(columns, [])).encode()
    sql, params = rows.values_list(*(c.cell for c in columns)).query.sql_with_params()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
    ):
        # The database sends a message a row: passed on in pieces of about 64 KB.
        piece = bytearray()
        for data in copy:
            piece += data
            if len(piece) >= PIECE:
                yield bytes(piece)
                piece.clear()
        yield bytes(piece)


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
    """The register as a download: ``name`` is the file's name without its extension. ``rows``
    is any iterable of rows, or a query (``values_list``) read in chunks, which PostgreSQL
    writes as CSV itself when every column has its ``cell``."""
    if fmt == "xlsx":
        if isinstance(rows, QuerySet):
            rows = rows.iterator(chunk_size=CHUNK)
        return FileResponse(
            _xlsx(columns, rows, sheet or name),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if isinstance(rows, QuerySet):
        if connection.vendor == "postgresql" and all(c.cell is not None for c in columns):
            lines: Iterator[Any] = _copied_lines(columns, rows)
        else:
            lines = _csv_lines(columns, rows.iterator(chunk_size=CHUNK))
    else:
        lines = _csv_lines(columns, rows)
    response = StreamingHttpResponse(lines, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def csv_text(columns: list[Column], rows: Iterable[Any]) -> str:
    """A register as the text of its CSV file, whole (a file of a data package)."""
    return "".join(_csv_lines(columns, rows))


# A file of a data package: its fields (name, Frictionless type, title), its rows, its title.
PackageFile = tuple[list[tuple[str, str, Any]], list[list[Any]], Any]


def data_package(about: dict[str, Any], files: dict[str, PackageFile]) -> bytes:
    """A zipped Frictionless tabular data package (https://specs.frictionlessdata.io/): the
    ``datapackage.json`` of ``about`` (name, title, description…) with a resource for each CSV
    file of ``files``, its fields typed and titled, and the files, each headed by its fields'
    names."""
    package = {
        "profile": "tabular-data-package",
        **about,
        "resources": [
            {
                "name": path.removesuffix(".csv").replace("_", "-"),
                "path": path,
                "title": str(title),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {
                    "fields": [
                        {"name": name, "type": kind, "title": str(field_title)}
                        for name, kind, field_title in fields
                    ]
                },
            }
            for path, (fields, _rows, title) in files.items()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        for path, (fields, rows, _title) in files.items():
            columns = [
                Column(name, operator.itemgetter(i)) for i, (name, _kind, _t) in enumerate(fields)
            ]
            archive.writestr(path, csv_text(columns, rows))
    return buffer.getvalue()
