"""Every write to the member registry: each validates, writes and audits in one transaction."""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.core import imports
from carecoop.core.imports import Problem
from carecoop.core.models import Upload
from carecoop.core.services import upload_create, upload_imported, validated_save
from carecoop.core.types import Actor
from carecoop.members.classifications import derive_formality
from carecoop.members.models import (
    Guardianship,
    Household,
    MemberClass,
    Membership,
    MembershipStatus,
    Person,
    Relation,
    Sex,
    StatusChange,
    ViewLog,
    WorkRecord,
)
from carecoop.members.shipped import ADMITTED_ON_REGISTRATION, APPLICATION_RECEIVED
from carecoop.tenancy.models import Centre, Organisation

S = MembershipStatus

# The membership lifecycle: which status may follow which.
TRANSITIONS: dict[str, set[str]] = {
    S.APPLICANT: {S.ACTIVE, S.EXITED},
    S.ACTIVE: {S.SUSPENDED, S.EXITED},
    S.SUSPENDED: {S.ACTIVE, S.EXITED},
    S.EXITED: set(),
}


def _today() -> datetime.date:
    return timezone.localdate()


def _check_birth(date_of_birth: datetime.date | None) -> None:
    if date_of_birth and date_of_birth > _today():
        raise ValidationError({"date_of_birth": _("A date of birth cannot be in the future.")})


def _index_text(person: Person, number: str = "") -> str:
    return " ".join(
        part for part in (person.given_name, person.family_name, person.phone, number) if part
    ).casefold()


def _next_member_number(coop: Organisation) -> str:
    numeric = (
        Membership.objects.filter(coop=coop, number__regex=r"^[0-9]+$")
        .annotate(n=Cast("number", IntegerField()))
        .aggregate(top=Max("n"))
    )
    return str((numeric["top"] or 0) + 1)


@transaction.atomic
def household_create(
    *, coop: Organisation, by: Actor, name: str, address: str = "", centre: Centre | None = None
) -> Household:
    household = Household(coop=coop, name=name, address=address, centre=centre)
    validated_save(household, by=by)
    return household


def _check_vote_weights(member_class: MemberClass) -> None:
    """Class-weighted votes share at most 100 % of the total between the classes."""
    others = (
        MemberClass.objects.filter(coop_id=member_class.coop_id, may_vote=True)
        .exclude(pk=member_class.pk)
        .exclude(vote_weight_percent=None)
        .values_list("vote_weight_percent", flat=True)
    )
    mine = member_class.vote_weight_percent if member_class.may_vote else None
    total = sum(others) + (mine or 0)
    if mine is not None and total > 100:
        raise ValidationError(
            {
                "vote_weight_percent": _(
                    "The classes' shares of the vote would add up to %(total)s %%; at most 100 %%."
                )
                % {"total": total}
            }
        )


@transaction.atomic
def member_class_create(*, coop: Organisation, by: Actor, **fields: Any) -> MemberClass:
    member_class = MemberClass(coop=coop, **fields)
    _check_vote_weights(member_class)
    validated_save(member_class, by=by)
    return member_class


@transaction.atomic
def member_class_update(*, member_class: MemberClass, by: Actor, **fields: Any) -> MemberClass:
    for name, value in fields.items():
        setattr(member_class, name, value)
    _check_vote_weights(member_class)
    validated_save(member_class, by=by)
    return member_class


@transaction.atomic
def member_register(
    *,
    coop: Organisation,
    by: Actor,
    member_class: MemberClass,
    applied_on: datetime.date,
    admitted_on: datetime.date | None = None,
    number: str = "",
    household: Household | None = None,
    household_name: str = "",
    centre: Centre | None = None,
    reference: str = "",
    **person_fields: Any,
) -> Membership:
    """Register a person as an applicant, and admit them at once when ``admitted_on`` is given.

    Without a household, one is created in the member's name (a household of one is still a
    household), using ``centre`` if given. A member class of another cooperative is refused.
    """
    if member_class.coop_id != coop.pk:
        raise ValidationError({"member_class": _("This choice belongs to another cooperative.")})
    _check_birth(person_fields.get("date_of_birth"))
    if applied_on > _today():
        raise ValidationError({"applied_on": _("An application cannot be dated in the future.")})
    if admitted_on and admitted_on < applied_on:
        raise ValidationError({"admitted_on": _("A member cannot be admitted before applying.")})
    if admitted_on and admitted_on > _today():
        raise ValidationError({"admitted_on": _("An admission cannot be dated in the future.")})

    person = Person(coop=coop, **person_fields)
    if household is None:
        household = household_create(
            coop=coop, by=by, name=household_name or person.full_name, centre=centre
        )
        person.household_relation = person.household_relation or Relation.HEAD
    person.household = household
    number = number.strip() or _next_member_number(coop)
    person.search_text = _index_text(person, number)
    validated_save(person, by=by)

    membership = Membership(
        coop=coop,
        person=person,
        member_class=member_class,
        number=number,
        status=S.APPLICANT,
        applied_on=applied_on,
        reference=reference,
    )
    validated_save(membership, by=by)
    StatusChange.objects.create(
        coop=coop,
        membership=membership,
        from_status="",
        to_status=S.APPLICANT,
        effective_on=applied_on,
        reason=APPLICATION_RECEIVED,
        recorded_by=by,
    )
    if admitted_on:
        membership = membership_transition(
            membership=membership,
            by=by,
            to_status=S.ACTIVE,
            effective_on=admitted_on,
            reason=ADMITTED_ON_REGISTRATION,
        )
    return membership


@transaction.atomic
def person_update(*, person: Person, by: Actor, **fields: Any) -> Person:
    for name, value in fields.items():
        setattr(person, name, value)
    _check_birth(person.date_of_birth)
    number = person.memberships.values_list("number", flat=True).first() or ""
    person.search_text = _index_text(person, number)
    validated_save(person, by=by)
    return person


@transaction.atomic
def membership_update(
    *, membership: Membership, by: Actor, member_class: MemberClass
) -> Membership:
    if member_class.coop_id != membership.coop_id:
        raise ValidationError({"member_class": _("This choice belongs to another cooperative.")})
    membership.member_class = member_class
    validated_save(membership, by=by)
    return membership


@transaction.atomic
def membership_transition(
    *,
    membership: Membership,
    by: Actor,
    to_status: str,
    effective_on: datetime.date,
    reason: str,
) -> Membership:
    """Admit, suspend, reinstate or exit a membership, dated and with a reason."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    current = membership.status
    if to_status not in TRANSITIONS[current]:
        raise ValidationError(
            {
                "to_status": _("A membership cannot go from %(from)s to %(to)s.")
                % {"from": S(current).label, "to": S(to_status).label}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this change.")})
    if effective_on > _today():
        raise ValidationError({"effective_on": _("This change cannot be dated in the future.")})
    last = (
        membership.status_changes.order_by("-effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )
    if last and effective_on < last:
        raise ValidationError(
            {"effective_on": _("This change cannot be dated before the previous one.")}
        )
    if to_status == S.ACTIVE and membership.admitted_on is None:
        membership.admitted_on = effective_on
    if to_status == S.EXITED:
        membership.exited_on = effective_on
    membership.status = to_status
    membership._change_reason = reason  # type: ignore[attr-defined]
    validated_save(membership, by=by)
    StatusChange.objects.create(
        coop_id=membership.coop_id,
        membership=membership,
        from_status=current,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        recorded_by=by,
    )
    return membership


@transaction.atomic
def dependant_add(
    *,
    household: Household,
    by: Actor,
    guardians: list[tuple[Person, str]],
    **person_fields: Any,
) -> Person:
    """Add a child to a household, with the guardians who are responsible for them."""
    _check_birth(person_fields.get("date_of_birth"))
    child = Person(
        coop_id=household.coop_id,
        household=household,
        household_relation=Relation.CHILD,
        **person_fields,
    )
    child.search_text = _index_text(child)
    validated_save(child, by=by)
    for guardian, relation in guardians:
        validated_save(
            Guardianship(
                coop_id=household.coop_id, child=child, guardian=guardian, relation=relation
            ),
            by=by,
        )
    return child


@transaction.atomic
def child_register(*, guardian: Person, by: Actor, relation: str, **person_fields: Any) -> Person:
    """Add a child to a guardian's household (creating the household if the guardian has none)."""
    household = guardian.household
    if household is None:
        household = household_create(coop=guardian.coop, by=by, name=guardian.full_name)
        person_update(person=guardian, by=by, household=household)
    return dependant_add(
        household=household, by=by, guardians=[(guardian, relation)], **person_fields
    )


@transaction.atomic
def work_record_save(*, person: Person, by: Actor, **fields: Any) -> WorkRecord:
    record = WorkRecord.objects.filter(person=person).first() or WorkRecord(
        coop_id=person.coop_id, person=person
    )
    for name, value in fields.items():
        setattr(record, name, value)
    if record.income_minor is not None and not record.income_currency:
        record.income_currency = person.coop.currency
    record.formality = derive_formality(
        status=record.status_in_employment,
        registered_business=record.registered_business,
        social_insurance=record.social_insurance,
        paid_annual_leave=record.paid_annual_leave,
        paid_sick_leave=record.paid_sick_leave,
    )
    validated_save(record, by=by)
    return record


# Who viewed personal data ---------------------------------------------------------------------


def view_log_record(*, coop_id: int, viewer: Actor, person_id: int, seen: str) -> None:
    """Note that ``viewer`` saw ``seen`` of a person's record. One insert; a second look in the
    same minute is dropped by the unique constraint instead of being looked up first."""
    minute = timezone.now().replace(second=0, microsecond=0)
    ViewLog.objects.bulk_create(
        [
            ViewLog(
                coop_id=coop_id,
                viewer=viewer if getattr(viewer, "pk", None) else None,
                person_id=person_id,
                seen=seen,
                minute=minute,
            )
        ],
        ignore_conflicts=True,
    )


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
REQUIRED_COLUMNS = ["reference", "given name", "member class", "applied on"]
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


@dataclass
class MembersImport:
    """What importing a file would do (or did): the members it adds, those it changes (with
    the columns that change), how many it leaves as they are, and every problem of every row.
    With any problem, nothing is written."""

    new: list[MemberLine] = field(default_factory=list)
    changed: list[tuple[MemberLine, Membership, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    imported_before: bool = False


def _cell(line: dict[str, Any], column: str, read: Any, problems: list[Problem], row: int) -> Any:
    try:
        return read(line.get(column))
    except ValidationError as error:
        problems += [Problem(row, column, message) for message in error.messages]
        return None


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
        readers[name] = _field_cell(model_field)
    return readers


def _field_cell(model_field: models.Field) -> Any:
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
    reference = _cell(
        cells, "reference", lambda v: imports.text(v, max_length=60, required=True), problems, row
    )
    line = MemberLine(row=row, reference=reference or "", present=set(cells))
    line.number = (
        _cell(cells, "member number", lambda v: imports.text(v, max_length=20), problems, row) or ""
    )
    line.member_class = known["classes"].get(
        _cell(
            cells,
            "member class",
            lambda v: imports.choice(v, known["class_names"], required=True),
            problems,
            row,
        )
    )
    line.applied_on = _cell(
        cells, "applied on", lambda v: _not_future(imports.day(v, required=True)), problems, row
    )
    line.admitted_on = _cell(
        cells, "admitted on", lambda v: _not_future(imports.day(v)), problems, row
    )
    if line.applied_on and line.admitted_on and line.admitted_on < line.applied_on:
        problems.append(
            Problem(row, "admitted on", _("A member cannot be admitted before applying."))
        )
    line.centre = known["centres"].get(
        _cell(cells, "centre", lambda v: imports.choice(v, known["centre_names"]), problems, row)
    )
    for column, name in PERSON_COLUMNS.items():
        if column in cells:
            line.person[name] = _cell(cells, column, known["person"][name], problems, row)
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
    _check_twice(lines, plan.problems)
    existing = {
        m.reference: m
        for m in Membership.objects.filter(
            coop_id=coop.pk, reference__in=[line.reference for line in lines if line.reference]
        ).select_related("person", "member_class", "person__household")
    }
    taken = dict(
        Membership.objects.filter(
            coop_id=coop.pk, number__in=[line.number for line in lines if line.number]
        ).values_list("number", "reference")
    )
    for line in lines:
        membership = existing.get(line.reference)
        if line.number and line.number in taken and taken[line.number] != line.reference:
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
    plan.problems.sort(
        key=lambda p: (p.row, IMPORT_COLUMNS.index(p.column) if p.column in IMPORT_COLUMNS else -1)
    )
    return plan


def _check_twice(lines: list[MemberLine], problems: list[Problem]) -> None:
    for column, value_of in (("reference", "reference"), ("member number", "number")):
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
    if plan.problems:
        return plan, None
    return plan, upload_create(coop=coop, by=by, register="members", name=name, content=content)


def members_import(*, upload: Upload, by: Actor) -> MembersImport:
    """Import a member register file, all or nothing: every new member is registered (admitted
    when the file dates an admission), every changed member is updated, audited like any other
    change, and the file is marked imported, in one transaction. With any problem, nothing is
    written; imported again, the file changes nothing."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(coop_id=upload.coop_id, pk=upload.pk)
        coop = upload.coop
        if upload.imported_at is not None:
            return MembersImport(imported_before=True)
        plan = members_import_check(coop=coop, name=upload.name, content=bytes(upload.content))
        if plan.problems:
            return plan
        for line in plan.new:
            try:
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
            except ValidationError as error:
                plan.problems += [Problem(line.row, "", m) for m in error.messages]
        for line, membership, columns in plan.changed:
            names = [PERSON_COLUMNS[c] for c in columns if c in PERSON_COLUMNS]
            if names:
                person_update(person=membership.person, by=by, **{n: line.person[n] for n in names})
            if "member class" in columns:
                membership_update(
                    membership=membership, by=by, member_class=cast(MemberClass, line.member_class)
                )
        if plan.problems:
            transaction.set_rollback(True)
            return plan
        upload_imported(upload, created=len(plan.new), changed=len(plan.changed))
    return plan
