"""The children's register brought in from a file: each child, in the household of the member
who is her parent or guardian, read and checked row by row, previewed, and imported all or
nothing through the registry's own services. A child's ``reference`` (``Person.reference``) finds
her again: the same file imported twice changes nothing, an updated one changes what changed."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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
    read_rows,
)
from carecoop.core.rows import new_ids, rows_add
from carecoop.core.types import Actor
from carecoop.members.models import GuardianRelation, Guardianship, Membership, Person, Relation
from carecoop.members.services.imports import _born, _names, _person_cells, same_people
from carecoop.members.services.registry import (
    _today,
    child_register,
    person_update,
    search_text,
)
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


@dataclass(slots=True)
class ChildLine:
    """A row of a children's register file, read and checked."""

    row: int
    reference: str
    parent: "Parent | None" = None
    relation: str = ""
    person: dict[str, Any] = field(default_factory=dict)


class Parent(NamedTuple):
    """A member a children's file names as a parent: her person, her household (its id and
    name) and her name."""

    person_id: int
    household_id: int | None
    household: str
    name: str


def _parents(coop: Organisation, wanted: set[str]) -> dict[str, Parent]:
    """The members a file names as parents, by their reference or their member number."""
    found = (
        Membership.objects.filter(coop_id=coop.pk)
        .filter(Q(OneOf("reference", wanted)) | Q(OneOf("number", wanted)))
        .values_list(
            *("number", "reference", "person_id", "person__household_id"),
            *("person__household__name", "person__given_name", "person__family_name"),
        )
    )
    by_key: dict[str, Parent] = {}
    for number, reference, person, household, household_name, given, family in found:
        parent = Parent(person, household, household_name or "", person_name(given, family))
        by_key.setdefault(number, parent)
        if reference:
            by_key[reference] = parent
    return by_key


def _child_line(row: int, cells: dict[str, Any], known: dict[str, Any]) -> ChildLine:
    problems: list[Problem] = known["problems"]
    reference = cell(
        cells, "reference", lambda v: imports.text(v, max_length=60, required=True), problems, row
    )
    line = ChildLine(row=row, reference=reference or "")
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
    read = read_rows(
        name, content, CHILD_COLUMNS, CHILD_REQUIRED, plan, settings.CARECOOP_REGISTER_BULK_ROWS
    )
    if plan.problems:
        return plan
    wanted = {str(cells.get("parent reference") or "").strip() for _row, cells in read}
    today = _today()
    known = {
        "problems": plan.problems,
        # A child's date of birth is required (a member's is not).
        "person": {
            **_person_cells(today),
            "date_of_birth": lambda v: _born(imports.day(v, required=True), today),
        },
        "parents": _parents(coop, wanted - {""}),
        "relations": imports.choices(GuardianRelation.choices),
    }
    lines = [_child_line(row, cells, known) for row, cells in read]
    check_twice(lines, plan.problems)
    existing = {
        p.reference: p
        for p in Person.objects.filter(
            OneOf("reference", [line.reference for line in lines if line.reference]),
            coop_id=coop.pk,
            household_relation=Relation.CHILD,
        )
    }
    for line in lines:
        child = existing.get(line.reference)
        plan.place(line, child, CHILD_PERSON_COLUMNS, line.person)
        if child is None:
            continue
        if line.parent is not None and line.parent.household_id != child.household_id:
            plan.problems.append(
                Problem(
                    line.row,
                    "parent reference",
                    _("A child moves to another household on her page, not by an import."),
                )
            )
    plan.problems += same_people(coop, plan.new)
    return plan.in_order(CHILD_COLUMNS)


def children_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """Check a children's register file and, with no problem, keep it for its import."""
    plan = children_import_check(coop=coop, name=name, content=content)
    return kept_if_right(plan, coop=coop, by=by, register="children", name=name, content=content)


def children_add(*, coop: Organisation, by: Actor, lines: list[ChildLine]) -> None:
    """Register the new children of a checked file together, each as ``child_register``
    registers one: in her parent's household, with the guardianship the row names, and the
    history of both. Written by the database's bulk path (``core.rows``); a child whose parent
    has no household yet is registered by ``child_register``, which makes one."""
    housed = [line for line in lines if cast(Parent, line.parent).household_id]
    for line in lines:
        if not cast(Parent, line.parent).household_id:
            child_register(
                guardian=Person.objects.get(
                    coop_id=coop.pk, pk=cast(Parent, line.parent).person_id
                ),
                by=by,
                relation=line.relation,
                reference=line.reference,
                **{k: v for k, v in line.person.items() if v is not None},
            )
    people = new_ids(Person, len(housed))
    links = new_ids(Guardianship, len(housed))
    parents = [cast(Parent, line.parent) for line in housed]
    rows_add(
        Person,
        CHILD_ROW,
        [
            (
                *(people[i], coop.pk, *_names(line), line.person.get("sex", "")),
                *(line.person.get("date_of_birth"), parents[i].household_id),
                *(Relation.CHILD.value, line.reference, search_text(*_names(line), "")),
            )
            for i, line in enumerate(housed)
        ],
        by=by,
    )
    rows_add(
        Guardianship,
        GUARDIANSHIP_ROW,
        [
            (links[i], coop.pk, people[i], parents[i].person_id, line.relation)
            for i, line in enumerate(housed)
        ],
        by=by,
    )


# The columns of the rows ``children_add`` writes, in the order it gives their values.
CHILD_ROW = [
    *("id", "coop_id", "given_name", "family_name", "sex", "date_of_birth"),
    *("household_id", "household_relation", "reference", "search_text"),
]
GUARDIANSHIP_ROW = ["id", "coop_id", "child_id", "guardian_id", "relation"]


def children_import(*, upload: Upload, by: Actor) -> RegisterImport:
    """Import a children's register file, all or nothing, once (``imported_once``): the new
    children are registered together (``children_add``), each changed child is updated, audited
    like any other change."""

    def add(coop: Organisation, lines: list[ChildLine]) -> None:
        children_add(coop=coop, by=by, lines=lines)

    def write(coop: Organisation, line: ChildLine, held: Person, columns: list[str]) -> None:
        names = [CHILD_PERSON_COLUMNS[c] for c in columns]
        person_update(person=held, by=by, **{n: line.person[n] for n in names})

    return imported_once(upload, children_import_check, in_bulk(add, write))
