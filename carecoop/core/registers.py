"""A register brought in from a file, the same way whichever register it is: the file is read and
checked row by row (``core.imports``), every problem of every row is named at once, a file with
none is kept and previewed (what it adds, what it changes), and one button imports it, all or
nothing, once.

An app describes each of its registers as a ``Register`` (its services, its template's columns,
its words) and gives it addresses with ``import_paths``; the pages here do the rest."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecoop.core import imports
from carecoop.core.exports import Column, file_paths, register_response
from carecoop.core.imports import Problem
from carecoop.core.models import Upload
from carecoop.core.permissions import access_of, coop_permission
from carecoop.core.services import upload_create, upload_imported
from carecoop.core.types import Actor

# How many of an import's problems and rows a page shows: the rest are counted.
SHOWN = 100


@dataclass
class RegisterImport:
    """What importing a register's file would do (or did): the rows it adds, those it changes
    (with the row of the register each changes and the columns that change), how many it leaves
    as they are, and every problem of every row. With any problem, nothing is written."""

    new: list[Any] = field(default_factory=list)
    changed: list[tuple[Any, Any, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    imported_before: bool = False

    def place(self, line: Any, held: Any, fields: dict[str, str], values: dict[str, Any]) -> None:
        """A row of the file, with the register's row it names (``held``, None when none): added,
        changed in the columns whose field (``fields``, column to field) the row gives another
        value (``values``, by field), or as the file says."""
        if held is None:
            self.new.append(line)
            return
        changed = [
            column
            for column, name in fields.items()
            if name in values and values[name] != getattr(held, name)
        ]
        if changed:
            self.changed.append((line, held, changed))
        else:
            self.unchanged += 1

    def in_order(self, columns: list[str]) -> "RegisterImport":
        """Its problems by row, then in the order of the register's columns."""
        self.problems.sort(
            key=lambda p: (p.row, columns.index(p.column) if p.column in columns else -1)
        )
        return self


def kept_if_right(
    plan: RegisterImport, *, coop: Any, by: Actor, register: str, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """A register's file kept for its import when ``plan`` has no problem: the plan, and the
    file kept (None when it has problems)."""
    if plan.problems:
        return plan, None
    return plan, upload_create(coop=coop, by=by, register=register, name=name, content=content)


def cell(line: dict[str, Any], column: str, read: Any, problems: list[Problem], row: int) -> Any:
    """A cell of ``line`` as ``read`` reads it; what ``read`` refuses is a problem of its row."""
    try:
        return read(line.get(column))
    except ValidationError as error:
        problems += [Problem(row, column, message) for message in error.messages]
        return None


def check_twice(
    lines: list[Any],
    problems: list[Problem],
    columns: tuple[tuple[str, str], ...] = (("reference", "reference"),),
) -> None:
    """A value of ``columns`` (column, attribute of the row) found on two rows: the second is
    named, with the row of the first."""
    for column, value_of in columns:
        first: dict[str, int] = {}
        for line in lines:
            value = getattr(line, value_of)
            if not value:
                continue
            if value in first:
                problems.append(
                    Problem(
                        line.row,
                        column,
                        _("Row %(row)s has the same value: each row needs its own.")
                        % {"row": first[value]},
                    )
                )
            else:
                first[value] = line.row


# Writes what a plan adds and changes, naming any refusal on its row in ``plan.problems``.
PlanWriter = Callable[[Any, RegisterImport], None]


def each_row(write: Callable[[Any, Any, Any, list[str]], None]) -> PlanWriter:
    """A plan written row by row: ``write(coop, line, held, columns)`` for each row it adds
    (``held`` None, no columns) and each it changes (the register's row, the columns that
    change); what a service refuses is a problem of that row."""

    def write_plan(coop: Any, plan: RegisterImport) -> None:
        rows: list[tuple[Any, Any, list[str]]] = [(line, None, []) for line in plan.new]
        rows += plan.changed
        for line, held, columns in rows:
            try:
                write(coop, line, held, columns)
            except ValidationError as error:
                plan.problems += [Problem(line.row, "", m) for m in error.messages]

    return write_plan


def in_bulk(
    add: Callable[[Any, list[Any]], None], change: Callable[[Any, Any, Any, list[str]], None]
) -> PlanWriter:
    """A plan whose new rows are written together, ``add(coop, lines)`` (by the database's bulk
    path: ``core.rows``), and whose changed rows are written one by one, as ``each_row``."""
    changed = each_row(change)

    def write_plan(coop: Any, plan: RegisterImport) -> None:
        try:
            with transaction.atomic():
                add(coop, plan.new)
        except IntegrityError:  # A row written since the check, or one it could not see.
            plan.problems.append(
                Problem(1, "", _("This record conflicts with one saved at the same time."))
            )
            return
        changed(coop, RegisterImport(changed=plan.changed, problems=plan.problems))

    return write_plan


def imported_once(
    upload: Upload, check: Callable[..., RegisterImport], write: PlanWriter
) -> RegisterImport:
    """Import a kept file, all or nothing, once: under the file's row lock, it is checked again
    against the register as it is now (``check``), written (``write``), and marked imported, in
    one transaction; any problem undoes it all. The button pressed twice imports once; a file
    imported before changes nothing."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(coop_id=upload.coop_id, pk=upload.pk)
        if upload.imported_at is not None:
            return RegisterImport(imported_before=True)
        plan = check(coop=upload.coop, name=upload.name, content=bytes(upload.content))
        if plan.problems:
            return plan
        write(upload.coop, plan)
        if plan.problems:
            transaction.set_rollback(True)
            return plan
        upload_imported(upload, created=len(plan.new), changed=len(plan.changed))
    return plan


def read_rows(
    name: str,
    content: bytes,
    columns: list[str],
    required: list[str],
    plan: RegisterImport,
    most: int | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a register's file, each its number and its cells by column; none, with the
    problem in ``plan``, when the file cannot be read, lacks a required column, has more than
    ``most`` rows (``imports.table``) or has none."""
    try:
        present, rows = imports.table(name, content, columns, most=most)
        plan.problems += missing_columns(present, required)
        if plan.problems:
            return []
        read = list(rows)
    except imports.Unreadable as error:
        plan.problems.append(Problem(1, "", error.messages[0]))
        return []
    if not read:
        plan.problems.append(Problem(2, "", _("The file has no rows under its headings.")))
    return read


def missing_columns(present: set[str], required: list[str]) -> list[Problem]:
    """The problem of a file without a column its register requires."""
    missing = [c for c in required if c not in present]
    if not missing:
        return []
    return [
        Problem(1, "", _("The file has no column %(columns)s.") % {"columns": ", ".join(missing)})
    ]


def model_problems(instance: Any, columns: dict[str, str], row: int) -> list[Problem]:
    """What the model's own checks (``full_clean``: its fields, its constraints) find wrong with
    ``instance`` as a row would make it, each on the column of its field (``columns``, field
    name to column), or on the row as a whole."""
    try:
        instance.full_clean()
    except ValidationError as error:
        return [
            Problem(row, columns.get(name, ""), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


@dataclass(frozen=True)
class Register:
    """A register brought in from a file: its services, its template's columns and its words.

    ``upload(coop, by, name, content)`` checks a file and keeps it when right; ``check(coop,
    name, content)`` tells what importing it would do; ``run(upload, by)`` imports it. Its
    pages are ``<namespace>:<name>_import`` and so on (``import_paths``); ``back`` names the
    page of the register it fills, where an import ends."""

    name: str  # as ``core.Upload.register`` keeps it
    namespace: str
    permission: str
    upload: Callable[..., tuple[RegisterImport, Upload | None]]
    check: Callable[..., RegisterImport]
    run: Callable[..., RegisterImport]
    columns: list[str]
    title: Promise
    intro: Promise
    hint: Promise  # under the file's field
    sheet: Promise
    back: str
    back_title: Promise
    # "3 members added, 1 changed."; "The import will add 3 members and change 1; 2 are ...".
    counted: Callable[[int, int], str]
    will: Callable[[int, int, int], str]
    # What the preview shows of a row it adds: the heading of its last column, and the row's
    # name and value in that column.
    detail: tuple[Promise, Callable[[Any], tuple[str, str]]]
    see_also: "tuple[Register, ...] | Callable[[], tuple[Register, ...]]" = ()

    def url(self, page: str, coop: str, **kwargs: Any) -> str:
        return reverse(f"{self.namespace}:{self.name}_{page}", kwargs={"coop": coop, **kwargs})

    def others(self) -> "tuple[Register, ...]":
        return self.see_also() if callable(self.see_also) else self.see_also


class RegisterFileForm(forms.Form):
    """A file sent to be read (a register, a questionnaire), refused before it is read when it
    is larger than an import may be: its field's ``label`` and ``hint`` are the page's."""

    file = forms.FileField(label=gettext_lazy("register file (CSV, XLSX or ODS)"))

    def __init__(self, *args: Any, hint: Promise, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = str(hint)
        if label is not None:
            self.fields["file"].label = label

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        imports.within_limits(upload.size)
        return upload


def _upload_get(access: Any, pk: int, register: Register) -> Upload:
    """A register's file kept for its import, of the asking cooperative; 404 otherwise."""
    found = Upload.objects.filter(coop_id=access.coop_id, register=register.name, pk=pk).first()
    if found is None:
        raise Http404
    return found


def _urls(register: Register, coop: str) -> dict[str, str]:
    return {
        "import": register.url("import", coop),
        "back": reverse(register.back, kwargs={"coop": coop}),
        "xlsx": register.url("import_template_xlsx", coop),
        "csv": register.url("import_template_csv", coop),
    }


def register_import(request: HttpRequest, coop: str, register: Register) -> HttpResponse:
    """Bring a register in from a file: the file is read and checked, and kept for its preview
    when it has no problem; otherwise every problem is shown and nothing is kept."""
    access = access_of(request)
    form = RegisterFileForm(request.POST or None, request.FILES or None, hint=register.hint)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        plan, kept = register.upload(
            coop=access.org, by=access.user, name=upload.name, content=upload.read()
        )
        if kept is not None:
            return redirect(register.url("import_preview", coop, pk=kept.pk))
    return render(
        request,
        "core/register_import.html",
        {
            "form": form,
            "plan": plan,
            "shown": SHOWN,
            "register": register,
            "urls": _urls(register, coop),
            "others": [(other.title, other.url("import", coop)) for other in register.others()],
        },
    )


def register_import_preview(
    request: HttpRequest, coop: str, pk: int, register: Register
) -> HttpResponse:
    """What importing a kept file will do; its button imports it, all or nothing, once."""
    access = access_of(request)
    upload = _upload_get(access, pk, register)
    if request.method == "POST":
        plan = register.run(upload=upload, by=access.user)
        if not plan.problems:
            if plan.imported_before:
                messages.info(request, _("This file had already been imported."))
            else:
                counted = register.counted(len(plan.new), len(plan.changed))
                messages.success(request, _("Imported: %(counted)s") % {"counted": counted})
            return redirect(register.back, coop=coop)
    elif upload.imported_at is not None:
        plan = RegisterImport(imported_before=True)
    else:
        plan = register.check(coop=access.org, name=upload.name, content=bytes(upload.content))
    heading, detail = register.detail
    return render(
        request,
        "core/register_import_preview.html",
        {
            "upload": upload,
            "plan": plan,
            "will": register.will(len(plan.new), len(plan.changed), plan.unchanged),
            "detail_heading": heading,
            "new": [(line, *detail(line)) for line in plan.new[:SHOWN]],
            "changed": [
                (line, ", ".join(_(column) for column in columns))
                for line, _row, columns in plan.changed[:SHOWN]
            ],
            "shown": SHOWN,
            "register": register,
            "urls": _urls(register, coop),
            "imported": register.counted(upload.created, upload.changed),
        },
    )


def register_import_template(
    request: HttpRequest, coop: str, fmt: str, register: Register
) -> HttpResponseBase:
    """A register's template: its headings, in the reader's language."""
    columns = [Column(_(name), str) for name in register.columns]
    return register_response(
        fmt, name=f"{register.name}-template", columns=columns, rows=[], sheet=str(register.sheet)
    )


def _page(view: Callable[..., Any], register: Register) -> Callable[..., Any]:
    """``view`` for ``register``, for the roles that hold its permission: a function of its own,
    which the permission marks."""

    def page(request: HttpRequest, coop: str, **kwargs: Any) -> Any:
        return view(request, coop, register=register, **kwargs)

    page.__name__ = page.__qualname__ = f"{register.name}_{view.__name__}"
    page.__module__ = view.__module__
    page.__doc__ = view.__doc__
    return coop_permission(register.permission)(page)


def import_paths(route: str, register: Register) -> list[Any]:
    """The addresses of a register's import: ``<route>/`` (send a file), ``<route>/<pk>/``
    (its preview), ``<route>/template.<fmt>`` (its template)."""
    return [
        path(f"{route}/", _page(register_import, register), name=f"{register.name}_import"),
        path(
            f"{route}/<int:pk>/",
            _page(register_import_preview, register),
            name=f"{register.name}_import_preview",
        ),
        *file_paths(
            f"{route}/template",
            _page(register_import_template, register),
            f"{register.name}_import_template",
        ),
    ]
