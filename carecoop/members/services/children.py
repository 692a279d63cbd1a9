"""The children's register brought in from a file: each child, in the household of the member
who is her parent or guardian, read and checked row by row, previewed, and imported all or
nothing through the registry's own services. A child's ``reference`` (``Person.reference``) finds
her again: the same file imported twice changes nothing, an updated one changes what changed."""

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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
    read_rows,
)
from carecoop.core.types import Actor
from carecoop.members.models import GuardianRelation, Membership, Person, Relation
from carecoop.members.services.imports import _born, _person_cells
from carecoop.members.services.registry import child_register, person_update
from carecoop.tenancy.models import Organisation

# The children's register's columns in a file, in the template's order (headed in the reader's
# language: each is a msgid, the others as their models' fields name them).
PARENT_REFERENCE = gettext_noop("parent reference")
CHILD_COLUMNS = [
    "reference",
    "given name",
    "family name",
    "date of birth",
    "sex",
    PARENT_REFERENCE,
    "relation",
]
CHILD_REQUIRED = ["reference", "given name", "date of birth", "parent reference", "relation"]
CHILD_PERSON_COLUMNS = {
    "given name": "given_name",
    "family name": "family_name",
    "date of birth": "date_of_birth",
    "sex": "sex",
}


@dataclass
class ChildLine:
    """A row of a children's register file, read and checked."""

    row: int
    reference: str
    present: set[str] = field(default_factory=set)
    parent: Membership | None = None
    relation: str = ""
    person: dict[str, Any] = field(default_factory=dict)


def _parents(coop: Organisation, wanted: set[str]) -> dict[str, Membership]:
    """The members a file names as parents, by their reference or their member number."""
    found = (
        Membership.objects.filter(coop_id=coop.pk)
        .filter(Q(reference__in=wanted) | Q(number__in=wanted))
        .select_related("person", "person__household")
    )
    by_key: dict[str, Membership] = {}
    for membership in found:
        by_key.setdefault(membership.number, membership)
        if membership.reference:
            by_key[membership.reference] = membership
    return by_key


def _child_line(row: int, cells: dict[str, Any], known: dict[str, Any]) -> ChildLine:
    problems: list[Problem] = known["problems"]
    reference = cell(
        cells, "reference", lambda v: imports.text(v, max_length=60, required=True), problems, row
    )
    line = ChildLine(row=row, reference=reference or "", present=set(cells))
    for column, name in CHILD_PERSON_COLUMNS.items():
        if column in cells:
            line.person[name] = cell(cells, column, known["person"][name], problems, row)
    parent_key = cell(
        cells,
        "parent reference",
        lambda v: imports.text(v, max_length=60, required=True),
        problems,
        row,
    )
    if parent_key:
        line.parent = known["parents"].get(parent_key)
        if line.parent is None:
            problems.append(
                Problem(
                    row,
                    "parent reference",
                    _("No member has this reference or member number: import the members first."),
                )
            )
    line.relation = (
        cell(
            cells,
            "relation",
            lambda v: imports.choice(v, known["relations"], required=True),
            problems,
            row,
        )
        or ""
    )
    return line


def children_import_check(*, coop: Organisation, name: str, content: bytes) -> RegisterImport:
    """Read a children's register file and tell what importing it would do, writing nothing.
    Every row is checked (a date of birth that is not a date, or in the future; a parent the
    register does not hold; a relation it does not know; a reference twice), and all the problems
    are named at once."""
    plan = RegisterImport()
    read = read_rows(name, content, CHILD_COLUMNS, CHILD_REQUIRED, plan)
    if plan.problems:
        return plan
    wanted = {str(cells.get("parent reference") or "").strip() for _row, cells in read}
    known = {
        "problems": plan.problems,
        # A child's date of birth is required (a member's is not).
        "person": {
            **_person_cells(),
            "date_of_birth": lambda v: _born(imports.day(v, required=True)),
        },
        "parents": _parents(coop, wanted - {""}),
        "relations": imports.choices(GuardianRelation.choices),
    }
    lines = [_child_line(row, cells, known) for row, cells in read]
    check_twice(lines, plan.problems)
    existing = {
        p.reference: p
        for p in Person.objects.filter(
            coop_id=coop.pk,
            household_relation=Relation.CHILD,
            reference__in=[line.reference for line in lines if line.reference],
        )
    }
    for line in lines:
        child = existing.get(line.reference)
        plan.place(line, child, CHILD_PERSON_COLUMNS, line.person)
        if child is None:
            continue
        parent = line.parent
        if parent is not None and parent.person.household_id != child.household_id:
            plan.problems.append(
                Problem(
                    line.row,
                    "parent reference",
                    _("A child moves to another household on her page, not by an import."),
                )
            )
    return plan.in_order(CHILD_COLUMNS)


def children_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """Check a children's register file and, with no problem, keep it for its import."""
    plan = children_import_check(coop=coop, name=name, content=content)
    return kept_if_right(plan, coop=coop, by=by, register="children", name=name, content=content)


def children_import(*, upload: Upload, by: Actor) -> RegisterImport:
    """Import a children's register file, all or nothing, once (``imported_once``): each new
    child joins her parent's household with the guardianship the file names
    (``child_register``), each changed child is updated, audited like any other change."""

    def write(coop: Organisation, line: ChildLine, held: Person | None, columns: list[str]) -> None:
        if held is None:
            child_register(
                guardian=cast(Membership, line.parent).person,
                by=by,
                relation=line.relation,
                reference=line.reference,
                **{k: v for k, v in line.person.items() if v is not None},
            )
            return
        names = [CHILD_PERSON_COLUMNS[c] for c in columns]
        person_update(person=held, by=by, **{n: line.person[n] for n in names})

    return imported_once(upload, children_import_check, each_row(write))
