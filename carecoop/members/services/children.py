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
    chunks,
    imported_once,
    in_bulk,
    kept_if_right,
    read_rows,
)
from carecoop.core.rows import history_insert, new_ids, rows_insert
from carecoop.core.types import Actor
from carecoop.members.models import GuardianRelation, Guardianship, Membership, Person, Relation
from carecoop.members.services.imports import _born, _person_cells, same_people
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
    present: set[str] = field(default_factory=set)
    parent: Membership | None = None
    relation: str = ""
    person: dict[str, Any] = field(default_factory=dict)


def _parents(coop: Organisation, wanted: set[str]) -> dict[str, Membership]:
    """The members a file names as parents, by their reference or their member number."""
    by_key: dict[str, Membership] = {}
    for (batch,) in chunks(sorted(wanted)):
        found = (
            Membership.objects.filter(coop_id=coop.pk)
            .filter(Q(reference__in=batch) | Q(number__in=batch))
            .select_related("person")
        )
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
    existing: dict[str, Person] = {}
    for (batch,) in chunks([line.reference for line in lines if line.reference]):
        existing.update(
            (p.reference, p)
            for p in Person.objects.filter(
                coop_id=coop.pk, household_relation=Relation.CHILD, reference__in=batch
            )
        )
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
    housed = [line for line in lines if cast(Membership, line.parent).person.household_id]
    for line in lines:
        if not cast(Membership, line.parent).person.household_id:
            child_register(
                guardian=cast(Membership, line.parent).person,
                by=by,
                relation=line.relation,
                reference=line.reference,
                **{k: v for k, v in line.person.items() if v is not None},
            )
    people = new_ids(Person, len(housed))
    links = new_ids(Guardianship, len(housed))
    person_rows, guardianship_rows = [], []
    for i, line in enumerate(housed):
        parent = cast(Membership, line.parent).person
        p = line.person
        given, family = p.get("given_name", ""), p.get("family_name", "")
        person_rows.append(
            (
                *(people[i], coop.pk, given, family, p.get("sex", ""), p.get("date_of_birth")),
                *(parent.household_id, Relation.CHILD.value, line.reference),
                search_text(given, family, ""),
            )
        )
        guardianship_rows.append((links[i], coop.pk, people[i], parent.pk, line.relation))
    rows_insert(Person, CHILD_ROW, person_rows)
    history_insert(Person, CHILD_ROW, person_rows, by=by)
    rows_insert(Guardianship, GUARDIANSHIP_ROW, guardianship_rows)
    history_insert(Guardianship, GUARDIANSHIP_ROW, guardianship_rows, by=by)


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
