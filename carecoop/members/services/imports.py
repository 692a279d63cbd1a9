"""A member register brought in from a file: read, checked row by row, previewed, imported
all or nothing through the registry's own services."""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from carecoop.core import imports
from carecoop.core.imports import Problem
from carecoop.core.lookups import OneOf
from carecoop.core.models import Upload
from carecoop.core.names import person_name
from carecoop.core.registers import (
    RegisterImport,
    cell,
    check_twice,
    imported_once,
    in_bulk,
    kept_if_right,
)
from carecoop.core.rows import history_insert, new_ids, rows_add, rows_insert
from carecoop.core.types import Actor
from carecoop.members.models import (
    Household,
    MemberClass,
    Membership,
    Person,
    Relation,
    Sex,
    StatusChange,
)
from carecoop.members.models import MembershipStatus as S
from carecoop.members.services.registry import (
    _next_member_number,
    _today,
    membership_update,
    person_update,
    search_text,
)
from carecoop.members.shipped import ADMITTED_ON_REGISTRATION, APPLICATION_RECEIVED
from carecoop.tenancy.models import Centre, Organisation

# The member register's columns in a file, in the template's order.
IMPORT_COLUMNS = [
    "reference",
    "member number",
    "given name",
    "family name",
    "member class",
    "applied on",
    "admitted on",
    "phone",
    "sex",
    "date of birth",
    "centre",
]
REQUIRED_COLUMNS = ["given name", "member class", "applied on"]
# A row is known by its reference, or, without one, by its member number (a register taken out
# of carecoop names every member by her number; only those brought in from elsewhere have both).
KEY_COLUMNS = ["reference", "member number"]
PERSON_COLUMNS = {
    "given name": "given_name",
    "family name": "family_name",
    "phone": "phone",
    "sex": "sex",
    "date of birth": "date_of_birth",
}


@dataclass(slots=True)
class MemberLine:
    """A row of a member register file, read and checked."""

    row: int
    reference: str
    present: frozenset[str] = frozenset()  # the file's columns
    number: str = ""
    member_class: MemberClass | None = None
    applied_on: datetime.date | None = None
    admitted_on: datetime.date | None = None
    centre: Centre | None = None
    person: dict[str, Any] = field(default_factory=dict)


# The member register's import: rows are ``MemberLine``s, changed rows memberships.
MembersImport = RegisterImport


def _person_cells(today: datetime.date) -> dict[str, Any]:
    """How each person's field is read from a cell, with the field's own checks (its length,
    its choices, the phone's form); a date of birth is not after ``today``."""
    sexes = imports.choices(Sex.choices)
    readers: dict[str, Any] = {
        "date_of_birth": lambda v: _born(imports.day(v), today),
        "sex": lambda v: imports.choice(v, sexes),
    }
    for name in ("given_name", "family_name", "phone"):
        model_field = cast(models.Field, Person._meta.get_field(name))
        readers[name] = _fieldcell(model_field)
    return readers


def _fieldcell(model_field: models.Field) -> Any:
    return lambda v: model_field.clean(
        imports.text(v, max_length=model_field.max_length or 200), None
    )


def _born(day: datetime.date | None, today: datetime.date) -> datetime.date | None:
    if day and day > today:
        raise ValidationError(_("A date of birth cannot be in the future."))
    return day


def _line(
    row: int, cells: dict[str, Any], known: dict[str, Any]
) -> tuple[MemberLine, list[Problem]]:
    problems: list[Problem] = []
    reference = cell(cells, "reference", lambda v: imports.text(v, max_length=60), problems, row)
    line = MemberLine(row=row, reference=reference or "", present=known["present"])
    line.number = (
        cell(cells, "member number", lambda v: imports.text(v, max_length=20), problems, row) or ""
    )
    if not line.reference and not line.number and not any(p.row == row for p in problems):
        problems.append(
            Problem(row, "reference", _("Give the row a reference or a member number."))
        )
    line.member_class = known["classes"].get(
        cell(
            cells,
            "member class",
            lambda v: imports.choice(v, known["class_names"], required=True),
            problems,
            row,
        )
    )
    line.applied_on = cell(
        cells,
        "applied on",
        lambda v: _not_future(imports.day(v, required=True), known["today"]),
        problems,
        row,
    )
    line.admitted_on = cell(
        cells, "admitted on", lambda v: _not_future(imports.day(v), known["today"]), problems, row
    )
    if line.applied_on and line.admitted_on and line.admitted_on < line.applied_on:
        problems.append(
            Problem(row, "admitted on", _("A member cannot be admitted before applying."))
        )
    line.centre = known["centres"].get(
        cell(cells, "centre", lambda v: imports.choice(v, known["centre_names"]), problems, row)
    )
    for column, name in PERSON_COLUMNS.items():
        if column in cells:
            line.person[name] = cell(cells, column, known["person"][name], problems, row)
    return line, problems


def _not_future(day: datetime.date | None, today: datetime.date) -> datetime.date | None:
    if day and day > today:
        raise ValidationError(_("This date is in the future."))
    return day


def members_import_check(*, coop: Organisation, name: str, content: bytes) -> MembersImport:
    """Read a member register file and tell what importing it would do, writing nothing. Every
    row is checked (not only up to the first bad one), against the file's other rows and the
    register: a reference or a member number twice, a number already another member's."""
    plan = MembersImport()
    classes = {c.code: c for c in MemberClass.objects.filter(coop_id=coop.pk)}
    centres = {c.code: c for c in Centre.objects.filter(coop_id=coop.pk)}
    known = {
        "classes": classes,
        "class_names": imports.choices((code, c.name) for code, c in classes.items()),
        "centres": centres,
        "centre_names": imports.choices((code, c.name) for code, c in centres.items()),
        "person": _person_cells(_today()),
        "today": _today(),
    }
    lines: list[MemberLine] = []
    try:
        present, rows = imports.table(
            name, content, IMPORT_COLUMNS, most=settings.CARECOOP_REGISTER_BULK_ROWS
        )
        known["present"] = frozenset(present)
        missing = [c for c in REQUIRED_COLUMNS if c not in present]
        if not any(c in present for c in KEY_COLUMNS):
            missing.insert(0, KEY_COLUMNS[0])
        if missing:
            plan.problems.append(
                Problem(
                    1,
                    "",
                    _("The file has no column %(columns)s.") % {"columns": ", ".join(missing)},
                )
            )
            return plan
        for row, cells in rows:
            line, problems = _line(row, cells, known)
            lines.append(line)
            plan.problems += problems
    except imports.Unreadable as error:
        plan.problems.append(Problem(1, "", error.messages[0]))
        return plan
    if not lines and not plan.problems:
        plan.problems.append(Problem(2, "", _("The file has no rows under its headings.")))
    check_twice(
        lines, plan.problems, columns=(("reference", "reference"), ("member number", "number"))
    )
    references = [line.reference for line in lines if line.reference]
    numbers = [line.number for line in lines if line.number]
    unnamed = [line.number for line in lines if line.number and not line.reference]
    by_reference, by_number = {}, {}
    found = Membership.objects.filter(coop_id=coop.pk).filter(
        Q(OneOf("reference", references)) | Q(OneOf("number", unnamed))
    )
    for m in found.select_related("person", "member_class", "person__household"):
        by_number[m.number] = m
        if m.reference:
            by_reference[m.reference] = m
    taken = dict(
        Membership.objects.filter(OneOf("number", numbers), coop_id=coop.pk).values_list(
            "number", "reference"
        )
    )
    for line in lines:
        if line.reference:
            membership = by_reference.get(line.reference)
        else:  # Known by her number alone.
            membership = by_number.get(line.number)
        if line.reference and line.number in taken and taken[line.number] != line.reference:
            plan.problems.append(
                Problem(line.row, "member number", _("This member number is already in use."))
            )
        if membership is None:
            plan.new.append(line)
            continue
        changed = _changes(line, membership, plan.problems)
        if changed:
            plan.changed.append((line, membership, changed))
        else:
            plan.unchanged += 1
    plan.problems += same_people(coop, plan.new)
    return plan.in_order(IMPORT_COLUMNS)


def same_people(coop: Organisation, lines: list[Any]) -> list[Problem]:
    """The new rows (a ``person`` of fields each) that would register a person twice: with the
    name and date of birth of another row, or of a person the register holds (the constraint
    ``person_unique_name_birth``, which leaves a person without a date of birth alone)."""
    problems: list[Problem] = []
    first: dict[tuple[str, str, datetime.date], int] = {}
    for line in lines:
        born = line.person.get("date_of_birth")
        if born is None:
            continue
        key = (
            line.person.get("given_name", "").lower(),
            line.person.get("family_name", "").lower(),
            born,
        )
        if key in first:
            problems.append(
                Problem(
                    line.row,
                    "given name",
                    _("Row %(row)s names the same person: the same name and date of birth.")
                    % {"row": first[key]},
                )
            )
        else:
            first[key] = line.row
    held = set(
        Person.objects.filter(OneOf("date_of_birth", {born for _g, _f, born in first}))
        .filter(coop_id=coop.pk)
        .annotate(given=Lower("given_name"), family=Lower("family_name"))
        .filter(
            OneOf("given", {g for g, _f, _b in first}), OneOf("family", {f for _g, f, _b in first})
        )
        .values_list("given", "family", "date_of_birth")
    )
    problems += [
        Problem(
            row, "given name", _("A person with this name and date of birth is already registered.")
        )
        for key, row in first.items()
        if key in held
    ]
    return problems


def _changes(line: MemberLine, membership: Membership, problems: list[Problem]) -> list[str]:
    """The columns whose values the file changes for a member already in the register. The
    number, the dates and the centre of a membership are changed on its page, where the change
    has its reason and its place in the member's history: an import that would change them is
    refused on that row."""
    person = membership.person
    household = person.household
    fixed = {
        "member number": (line.number or membership.number, membership.number),
        "applied on": (line.applied_on, membership.applied_on),
        "admitted on": (line.admitted_on, membership.admitted_on),
        "centre": (
            line.centre.pk if line.centre else None,
            household.centre_id if household else None,
        ),
    }
    for column, (wanted, held) in fixed.items():
        if column in line.present and wanted != held:
            problems.append(
                Problem(
                    line.row,
                    column,
                    _("A member's %(column)s is changed on the member's page, not by an import.")
                    % {"column": _(column)},
                )
            )
    changed = [
        column
        for column, name in PERSON_COLUMNS.items()
        if name in line.person and line.person[name] != getattr(person, name)
    ]
    if line.member_class is not None and line.member_class.pk != membership.member_class_id:
        changed.append("member class")
    return changed


def members_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[MembersImport, Upload | None]:
    """Check a member register file and, when it has no problem, keep it for its import: what
    importing it would do, and the file kept (None when it has problems)."""
    plan = members_import_check(coop=coop, name=name, content=content)
    return kept_if_right(plan, coop=coop, by=by, register="members", name=name, content=content)


def members_add(*, coop: Organisation, by: Actor, lines: list[MemberLine]) -> None:
    """Register the new members of a checked file together, each as ``member_register``
    registers one: a household of her own in her name (at the row's centre), the person at its
    head, her membership (numbered after the highest number of the register and of the file
    when the row has none) with its register of admissions, admitted when the row dates an
    admission, and the history of every row. Written by the database's bulk path
    (``core.rows``): a statement a table, not a row."""
    if not lines:
        return
    numbers = [int(line.number) for line in lines if NUMERIC.fullmatch(line.number)]
    after = max([int(_next_member_number(coop)) - 1, *numbers])
    for line in lines:
        if not line.number:
            after += 1
            line.number = str(after)
    households = new_ids(Household, len(lines))
    people = new_ids(Person, len(lines))
    memberships = new_ids(Membership, len(lines))
    # A table at a time, so that only one table's rows are held at once.
    rows_add(
        Household,
        HOUSEHOLD_ROW,
        [
            (households[i], coop.pk, person_name(*_names(line)), getattr(line.centre, "pk", None))
            for i, line in enumerate(lines)
        ],
        by=by,
    )
    rows_add(
        Person,
        PERSON_ROW,
        [
            (
                *(people[i], coop.pk, *_names(line), line.person.get("phone", "")),
                *(line.person.get("sex", ""), line.person.get("date_of_birth"), households[i]),
                Relation.HEAD.value,
                search_text(*_names(line), line.person.get("phone", ""), line.number),
            )
            for i, line in enumerate(lines)
        ],
        by=by,
    )

    def membership(i: int, line: MemberLine, admitted: bool) -> tuple[Any, ...]:
        return (
            *(memberships[i], coop.pk, people[i], cast(MemberClass, line.member_class).pk),
            *(line.number, line.reference, S.ACTIVE.value if admitted else S.APPLICANT.value),
            *(line.applied_on, line.admitted_on if admitted else None),
        )

    # Each membership as it ends (admitted or not); its history as it began, then admitted.
    rows_insert(
        Membership,
        MEMBERSHIP_ROW,
        (membership(i, line, bool(line.admitted_on)) for i, line in enumerate(lines)),
    )
    history_insert(
        Membership,
        MEMBERSHIP_ROW,
        (membership(i, line, False) for i, line in enumerate(lines)),
        by=by,
    )
    history_insert(
        Membership,
        MEMBERSHIP_ROW,
        (membership(i, line, True) for i, line in enumerate(lines) if line.admitted_on),
        by=by,
        kind="~",
        reason=ADMITTED_ON_REGISTRATION,
    )
    by_id = getattr(by, "pk", None)
    rows_insert(
        StatusChange,
        STATUS_CHANGE_ROW,
        (
            (
                *(coop.pk, memberships[i], "", S.APPLICANT.value, line.applied_on),
                *(APPLICATION_RECEIVED, by_id),
            )
            for i, line in enumerate(lines)
        ),
    )
    rows_insert(
        StatusChange,
        STATUS_CHANGE_ROW,
        (
            (
                *(coop.pk, memberships[i], S.APPLICANT.value, S.ACTIVE.value),
                *(line.admitted_on, ADMITTED_ON_REGISTRATION, by_id),
            )
            for i, line in enumerate(lines)
            if line.admitted_on
        ),
    )


def _names(line: Any) -> tuple[str, str]:
    """The given and family names of a file's new person."""
    return line.person.get("given_name", ""), line.person.get("family_name", "")


# The columns of the rows ``members_add`` writes, in the order it gives their values.
HOUSEHOLD_ROW = ["id", "coop_id", "name", "centre_id"]
PERSON_ROW = [
    *("id", "coop_id", "given_name", "family_name", "phone", "sex", "date_of_birth"),
    *("household_id", "household_relation", "search_text"),
]
MEMBERSHIP_ROW = [
    *("id", "coop_id", "person_id", "member_class_id", "number", "reference"),
    *("status", "applied_on", "admitted_on"),
]
STATUS_CHANGE_ROW = [
    *("coop_id", "membership_id", "from_status", "to_status", "effective_on"),
    *("reason", "recorded_by_id"),
]
NUMERIC = re.compile(r"[0-9]+")


def members_import(*, upload: Upload, by: Actor) -> MembersImport:
    """Import a member register file, all or nothing, once (``imported_once``): the new
    members are registered together (``members_add``), every changed member is updated,
    audited like any other change."""

    def write(coop: Organisation, line: MemberLine, held: Membership, columns: list[str]) -> None:
        names = [PERSON_COLUMNS[c] for c in columns if c in PERSON_COLUMNS]
        if names:
            person_update(person=held.person, by=by, **{n: line.person[n] for n in names})
        if "member class" in columns:
            membership_update(
                membership=held, by=by, member_class=cast(MemberClass, line.member_class)
            )

    def add(coop: Organisation, lines: list[MemberLine]) -> None:
        members_add(coop=coop, by=by, lines=lines)

    return imported_once(upload, members_import_check, in_bulk(add, write))
