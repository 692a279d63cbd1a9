"""A member register brought in from a file: read, checked row by row, previewed, imported
all or nothing through the registry's own services."""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

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
)
from carecoop.core.types import Actor
from carecoop.members.models import (
    MemberClass,
    Membership,
    Person,
    Sex,
)
from carecoop.members.services.registry import (
    _check_birth,
    _today,
    member_register,
    membership_update,
    person_update,
)
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


@dataclass
class MemberLine:
    """A row of a member register file, read and checked."""

    row: int
    reference: str
    present: set[str] = field(default_factory=set)
    number: str = ""
    member_class: MemberClass | None = None
    applied_on: datetime.date | None = None
    admitted_on: datetime.date | None = None
    centre: Centre | None = None
    person: dict[str, Any] = field(default_factory=dict)


# The member register's import: rows are ``MemberLine``s, changed rows memberships.
MembersImport = RegisterImport


def _person_cells() -> dict[str, Any]:
    """How each person's field is read from a cell, with the field's own checks (its length,
    its choices, the phone's form)."""
    sexes = imports.choices(Sex.choices)
    readers: dict[str, Any] = {
        "date_of_birth": lambda v: _born(imports.day(v)),
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


def _born(day: datetime.date | None) -> datetime.date | None:
    _check_birth(day)
    return day


def _line(
    row: int, cells: dict[str, Any], known: dict[str, Any]
) -> tuple[MemberLine, list[Problem]]:
    problems: list[Problem] = []
    reference = cell(cells, "reference", lambda v: imports.text(v, max_length=60), problems, row)
    line = MemberLine(row=row, reference=reference or "", present=set(cells))
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
        cells, "applied on", lambda v: _not_future(imports.day(v, required=True)), problems, row
    )
    line.admitted_on = cell(
        cells, "admitted on", lambda v: _not_future(imports.day(v)), problems, row
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


def _not_future(day: datetime.date | None) -> datetime.date | None:
    if day and day > _today():
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
        "person": _person_cells(),
    }
    lines: list[MemberLine] = []
    try:
        present, rows = imports.table(name, content, IMPORT_COLUMNS)
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
    found = Membership.objects.filter(coop_id=coop.pk).filter(
        Q(reference__in=[line.reference for line in lines if line.reference])
        | Q(number__in=[line.number for line in lines if line.number and not line.reference])
    )
    by_reference, by_number = {}, {}
    for m in found.select_related("person", "member_class", "person__household"):
        by_number[m.number] = m
        if m.reference:
            by_reference[m.reference] = m
    taken = dict(
        Membership.objects.filter(
            coop_id=coop.pk, number__in=[line.number for line in lines if line.number]
        ).values_list("number", "reference")
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
    return plan.in_order(IMPORT_COLUMNS)


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


def members_import(*, upload: Upload, by: Actor) -> MembersImport:
    """Import a member register file, all or nothing, once (``imported_once``): every new
    member is registered (admitted when the file dates an admission), every changed member is
    updated, audited like any other change."""

    def write(
        coop: Organisation, line: MemberLine, held: Membership | None, columns: list[str]
    ) -> None:
        if held is None:
            member_register(
                coop=coop,
                by=by,
                member_class=cast(MemberClass, line.member_class),
                applied_on=cast(datetime.date, line.applied_on),
                admitted_on=line.admitted_on,
                number=line.number,
                centre=line.centre,
                reference=line.reference,
                **cast(Any, line.person),
            )
            return
        names = [PERSON_COLUMNS[c] for c in columns if c in PERSON_COLUMNS]
        if names:
            person_update(person=held.person, by=by, **{n: line.person[n] for n in names})
        if "member class" in columns:
            membership_update(
                membership=held, by=by, member_class=cast(MemberClass, line.member_class)
            )

    return imported_once(upload, members_import_check, each_row(write))
