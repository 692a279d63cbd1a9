"""The centres, their rooms and the children's authorised collectors brought in from a file: each
row checked by the model's own rules and the file's other rows, previewed, and imported all or
nothing through the care services. A centre is found again by its code, a room by its centre and
its name, a collector by her child and her name: the same file imported twice changes nothing."""

import copy
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from carecoop.care.models import AuthorisedCollector, Room
from carecoop.care.services.centres import centre_create, centre_update, room_create
from carecoop.care.services.children import collector_add, collector_update
from carecoop.core import imports
from carecoop.core.imports import Problem
from carecoop.core.models import Upload
from carecoop.core.registers import (
    RegisterImport,
    cell,
    check_twice,
    each_row,
    imported_once,
    kept_if_right,
    model_problems,
    read_rows,
)
from carecoop.core.types import Actor
from carecoop.members.models import Person, Relation
from carecoop.tenancy.models import Centre, Organisation

# The centres' columns in a file, in the template's order, and the field each fills.
CENTRE_FIELDS = {
    "code": "code",
    "name": "name",
    "city": "city",
    "address": "address",
    "licensed places": "licensed_capacity",
    "youngest age (months)": "min_age_months",
    "oldest age (months)": "max_age_months",
    "opens at": "opens_at",
    "closes at": "closes_at",
}
CENTRE_COLUMNS = list(CENTRE_FIELDS)
CENTRE_REQUIRED = ["code", "name", "licensed places", "opens at", "closes at"]
# The rooms' columns: a room is of a centre, by the centre's code or name.
ROOM_FIELDS = {
    "name": "name",
    "youngest age (months)": "min_age_months",
    "oldest age (months)": "max_age_months",
    "places": "capacity",
}
ROOM_COLUMNS = ["centre", *ROOM_FIELDS]
ROOM_REQUIRED = ["centre", "name", "youngest age (months)", "oldest age (months)", "places"]
# The collectors' columns: a collector is of a child, by the child's reference (the children's
# register's).
CHILD_REFERENCE = gettext_noop("child reference")
COLLECTOR_FIELDS = {
    "name": "name",
    "relation to the child": "relation",
    "phone": "phone",
    "how to recognise them": "identification",
    "valid until": "valid_until",
}
COLLECTOR_COLUMNS = [CHILD_REFERENCE, *COLLECTOR_FIELDS]
COLLECTOR_REQUIRED = [CHILD_REFERENCE, "name", "relation to the child"]


@dataclass
class PlaceLine:
    """A row of a centres' or rooms' file, read and checked: its fields by name (and a room's
    centre)."""

    row: int
    reference: str
    fields: dict[str, Any] = field(default_factory=dict)
    centre: Centre | None = None
    child: Person | None = None


def _reader(model: type[models.Model], name: str, required: bool) -> Any:
    """A cell read as the model's field reads a form's value: its kind, its length, its
    bounds; a time of day as ``imports.clock`` reads it."""
    model_field = cast(models.Field, model._meta.get_field(name))
    if isinstance(model_field, models.TimeField):
        return lambda v: imports.clock(v, required=required)

    def read(value: Any) -> Any:
        found = imports.text(value, max_length=model_field.max_length or 40, required=required)
        if not found and not required:
            return model_field.get_default()
        return model_field.clean(found, None)

    return read


def centres_import_check(*, coop: Organisation, name: str, content: bytes) -> RegisterImport:
    """Read a centres' file and tell what importing it would do, writing nothing: every row is
    checked by the centre's own rules (a code that is not one, places that are not a number, a
    centre that closes before it opens, the oldest age below the youngest) and against the file's
    other rows; all the problems are named at once."""
    plan = RegisterImport()
    readers = {
        name: _reader(Centre, name, column in CENTRE_REQUIRED)
        for column, name in CENTRE_FIELDS.items()
    }
    existing = {c.code: c for c in Centre.objects.filter(coop_id=coop.pk)}
    labels = {name: column for column, name in CENTRE_FIELDS.items()}

    def line_of(row: int, cells: dict[str, Any]) -> PlaceLine:
        line = PlaceLine(row=row, reference="")
        problems: list[Problem] = []
        for column, name in CENTRE_FIELDS.items():
            if column in cells or column in CENTRE_REQUIRED:
                line.fields[name] = cell(cells, column, readers[name], problems, row)
        line.reference = line.fields.get("code") or ""
        if not problems:
            problems += model_problems(
                _as_left(existing.get(line.reference), Centre(coop=coop), line.fields), labels, row
            )
        plan.problems.extend(problems)
        return line

    rows = read_rows(name, content, CENTRE_COLUMNS, CENTRE_REQUIRED, plan)
    lines = [line_of(row, cells) for row, cells in rows]
    check_twice(lines, plan.problems, columns=(("code", "reference"),))
    for line in lines:
        plan.place(line, existing.get(line.reference), CENTRE_FIELDS, line.fields)
    return plan.in_order(CENTRE_COLUMNS)


def _as_left(held: Any, new: Any, fields: dict[str, Any]) -> Any:
    """The row as the file would leave it: the one held with the file's values, or a new one."""
    row = copy.copy(held) if held is not None else new
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def rooms_import_check(*, coop: Organisation, name: str, content: bytes) -> RegisterImport:
    """Read a rooms' file and tell what importing it would do, writing nothing: every row is
    checked by the room's own rules and its centre's (its ages within the centre's, the places
    of the centre's rooms within its licence, the file's rooms counted with those it has)."""
    plan = RegisterImport()
    centres = {c.code: c for c in Centre.objects.filter(coop_id=coop.pk)}
    centre_names = imports.choices((code, c.name) for code, c in centres.items())
    readers = {
        name: _reader(Room, name, column in ROOM_REQUIRED) for column, name in ROOM_FIELDS.items()
    }
    existing = {(r.centre_id, r.name): r for r in Room.objects.filter(coop_id=coop.pk)}
    labels = {name: column for column, name in ROOM_FIELDS.items()}

    def line_of(row: int, cells: dict[str, Any]) -> PlaceLine:
        line = PlaceLine(row=row, reference="")
        problems: list[Problem] = []
        code = cell(
            cells, "centre", lambda v: imports.choice(v, centre_names, required=True), problems, row
        )
        line.centre = centres.get(code)
        for column, name in ROOM_FIELDS.items():
            line.fields[name] = cell(cells, column, readers[name], problems, row)
        line.reference = f"{code} · {line.fields.get('name') or ''}"
        if not problems and line.centre is not None:
            held = existing.get((line.centre.pk, line.fields["name"]))
            room = _as_left(held, Room(coop=coop, centre=line.centre), line.fields)
            problems += model_problems(room, labels, row)
            if room.min_age_months < line.centre.min_age_months or (
                room.max_age_months > line.centre.max_age_months
            ):
                problems.append(
                    Problem(row, "", _("A room's ages must lie within the centre's ages."))
                )
        plan.problems.extend(problems)
        return line

    rows = read_rows(name, content, ROOM_COLUMNS, ROOM_REQUIRED, plan)
    lines = [line_of(row, cells) for row, cells in rows]
    check_twice(lines, plan.problems, columns=(("name", "reference"),))
    places: dict[int, int] = {}
    for room in existing.values():
        places[room.centre_id] = places.get(room.centre_id, 0) + room.capacity
    for line in lines:
        if line.centre is None:
            continue
        held = existing.get((line.centre.pk, line.fields.get("name")))
        if held is None:
            plan.new.append(line)
        elif any(line.fields.get(n) != getattr(held, n) for n in ROOM_FIELDS.values()):
            plan.problems.append(
                Problem(
                    line.row, "", _("A room is changed on its centre's page, not by an import.")
                )
            )
        else:
            plan.unchanged += 1
        wanted = (line.fields.get("capacity") or 0) - (held.capacity if held else 0)
        places[line.centre.pk] = places.get(line.centre.pk, 0) + wanted
        if places[line.centre.pk] > line.centre.licensed_capacity:
            plan.problems.append(
                Problem(
                    line.row,
                    "places",
                    _("The rooms would hold %(n)s children; the centre is licensed for %(max)s.")
                    % {"n": places[line.centre.pk], "max": line.centre.licensed_capacity},
                )
            )
    return plan.in_order(ROOM_COLUMNS)


def centres_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """Check a centres' file and, with no problem, keep it for its import."""
    plan = centres_import_check(coop=coop, name=name, content=content)
    return kept_if_right(plan, coop=coop, by=by, register="centres", name=name, content=content)


def rooms_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """Check a rooms' file and, with no problem, keep it for its import."""
    plan = rooms_import_check(coop=coop, name=name, content=content)
    return kept_if_right(plan, coop=coop, by=by, register="rooms", name=name, content=content)


def centres_import(*, upload: Upload, by: Actor) -> RegisterImport:
    """Import a centres' file: each new centre through ``centre_create``, each changed one
    through ``centre_update`` (which keeps a licence above the children enrolled), audited."""

    def write(coop: Organisation, line: PlaceLine, held: Centre | None, _columns: Any) -> None:
        if held is None:
            centre_create(coop=coop, by=by, **line.fields)
        else:
            centre_update(centre=held, by=by, **line.fields)

    return imported_once(upload, centres_import_check, each_row(write))


def rooms_import(*, upload: Upload, by: Actor) -> RegisterImport:
    """Import a rooms' file: each new room through ``room_create`` (its ages and places checked
    against its centre's). A room already there is changed on its centre's page: a row that
    would change one is refused by the check."""

    def write(coop: Organisation, line: PlaceLine, held: Room | None, _columns: Any) -> None:
        room_create(centre=cast(Centre, line.centre), by=by, **line.fields)

    return imported_once(upload, rooms_import_check, each_row(write))


def collectors_import_check(*, coop: Organisation, name: str, content: bytes) -> RegisterImport:
    """Read an authorised collectors' file and tell what importing it would do, writing
    nothing: each row names a child of the register by her reference (the children's
    register's), and the collector by the collector's own rules (a phone's form, a date)."""
    plan = RegisterImport()
    readers = {
        name: _reader(AuthorisedCollector, name, column in COLLECTOR_REQUIRED)
        for column, name in COLLECTOR_FIELDS.items()
    }
    readers["valid_until"] = imports.day
    labels = {name: column for column, name in COLLECTOR_FIELDS.items()}
    rows = read_rows(name, content, COLLECTOR_COLUMNS, COLLECTOR_REQUIRED, plan)
    wanted = {imports.text(cells.get(CHILD_REFERENCE), max_length=10**6) for _row, cells in rows}
    children = {
        p.reference: p
        for p in Person.objects.filter(
            coop_id=coop.pk, household_relation=Relation.CHILD, reference__in=wanted - {""}
        )
    }
    existing = {
        (c.child_id, c.name): c
        for c in AuthorisedCollector.objects.filter(coop_id=coop.pk, child__in=children.values())
    }

    def line_of(row: int, cells: dict[str, Any]) -> PlaceLine:
        line = PlaceLine(row=row, reference="")
        problems: list[Problem] = []
        key = cell(
            cells,
            CHILD_REFERENCE,
            lambda v: imports.text(v, max_length=60, required=True),
            problems,
            row,
        )
        line.child = children.get(key)
        if key and line.child is None:
            problems.append(
                Problem(
                    row,
                    CHILD_REFERENCE,
                    _("No child has this reference: import the children first."),
                )
            )
        for column, name in COLLECTOR_FIELDS.items():
            if column in cells or column in COLLECTOR_REQUIRED:
                line.fields[name] = cell(cells, column, readers[name], problems, row)
        line.reference = f"{key} · {line.fields.get('name') or ''}"
        if not problems and line.child is not None:
            held = existing.get((line.child.pk, line.fields["name"]))
            collector = _as_left(
                held, AuthorisedCollector(coop=coop, child=line.child), line.fields
            )
            problems += model_problems(collector, labels, row)
        plan.problems.extend(problems)
        return line

    lines = [line_of(row, cells) for row, cells in rows]
    check_twice(lines, plan.problems, columns=(("name", "reference"),))
    for line in lines:
        if line.child is None:
            continue
        held = existing.get((line.child.pk, line.fields.get("name")))
        plan.place(line, held, COLLECTOR_FIELDS, line.fields)
    return plan.in_order(COLLECTOR_COLUMNS)


def collectors_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """Check an authorised collectors' file and, with no problem, keep it for its import."""
    plan = collectors_import_check(coop=coop, name=name, content=content)
    return kept_if_right(plan, coop=coop, by=by, register="collectors", name=name, content=content)


def collectors_import(*, upload: Upload, by: Actor) -> RegisterImport:
    """Import an authorised collectors' file: each new one through ``collector_add``, each
    changed one through ``collector_update``, audited."""

    def write(
        coop: Organisation, line: PlaceLine, held: AuthorisedCollector | None, _columns: Any
    ) -> None:
        if held is None:
            collector_add(child=cast(Person, line.child), by=by, **line.fields)
        else:
            collector_update(collector=held, by=by, **line.fields)

    return imported_once(upload, collectors_import_check, each_row(write))
