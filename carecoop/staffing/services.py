"""Every write about staff, training, ratio rules, shifts, rosters and check-ins."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from carecoop.care.models import Room
from carecoop.care.services import hours_on
from carecoop.core import imports
from carecoop.core.imports import Problem
from carecoop.core.models import Upload
from carecoop.core.money import is_currency, parse_amount, to_decimal
from carecoop.core.registers import (
    RegisterImport,
    cell,
    check_twice,
    each_row,
    imported_once,
    kept_if_right,
    read_rows,
)
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.members.models import Person
from carecoop.staffing.models import (
    CentreStaffing,
    CheckIn,
    Employment,
    Qualification,
    RatioRuleSet,
    RosterEntry,
    ShiftTemplate,
    Staff,
    StaffRole,
    TrainingAttendance,
    TrainingSession,
    TrainingTopic,
)
from carecoop.tenancy.models import Centre, Organisation

STAFF_FIELDS = (
    "centre",
    "person",
    "given_name",
    "family_name",
    "role",
    "employment",
    "hours_per_week",
    "started_on",
    "ended_on",
)


def _hm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def _set_wage(staff: Staff, wage: Decimal | None, currency: str | None, period: str | None) -> None:
    if wage is None:
        staff.wage_minor, staff.wage_currency, staff.wage_period = None, "", ""
        return
    currency = (currency or "").upper()
    if not is_currency(currency):
        raise ValidationError(
            {"wage_currency": _("%(code)s is not a currency code.") % {"code": currency}}
        )
    staff.wage_minor = parse_amount(wage, currency, field="wage")
    if not period:
        raise ValidationError(
            {"wage_period": _("Say whether the wage is per hour, day, week or month.")}
        )
    staff.wage_currency, staff.wage_period = currency, period


# Staff -------------------------------------------------------------------------------------


@transaction.atomic
def staff_create(
    *,
    coop: Organisation,
    by: Actor,
    centre: Centre,
    given_name: str,
    role: str,
    started_on: datetime.date,
    family_name: str = "",
    person: Person | None = None,
    employment: str = "employed",
    hours_per_week: Decimal | int = 0,
    ended_on: datetime.date | None = None,
    wage: Decimal | None = None,
    wage_currency: str | None = None,
    wage_period: str | None = None,
    reference: str = "",
) -> Staff:
    same_coop_check(coop.pk, centre, person)
    staff = Staff(
        coop=coop,
        centre=centre,
        person=person,
        given_name=given_name,
        family_name=family_name,
        reference=reference,
        role=role,
        employment=employment,
        hours_per_week=Decimal(hours_per_week),
        started_on=started_on,
        ended_on=ended_on,
    )
    _set_wage(staff, wage, wage_currency, wage_period)
    validated_save(staff, by=by)
    return staff


@transaction.atomic
def staff_update(
    *,
    staff: Staff,
    by: Actor,
    wage: Decimal | None = None,
    wage_currency: str | None = None,
    wage_period: str | None = None,
    **fields: Any,
) -> Staff:
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    for name, value in fields.items():
        if name not in STAFF_FIELDS:
            raise TypeError(name)
        setattr(staff, name, value)
    same_coop_check(staff.coop_id, staff.centre, staff.person)
    _set_wage(staff, wage, wage_currency, wage_period)
    validated_save(staff, by=by)
    return staff


@transaction.atomic
def qualification_add(
    *,
    staff: Staff,
    by: Actor,
    name: str,
    obtained_on: datetime.date,
    expires_on: datetime.date | None = None,
) -> Qualification:
    qualification = Qualification(
        coop_id=staff.coop_id,
        staff=staff,
        name=name,
        obtained_on=obtained_on,
        expires_on=expires_on,
    )
    validated_save(qualification, by=by)
    return qualification


# Training ----------------------------------------------------------------------------------


@transaction.atomic
def training_topic_create(
    *, coop: Organisation, by: Actor, name: str, interval_months: int = 3
) -> TrainingTopic:
    topic = TrainingTopic(coop=coop, name=name, interval_months=interval_months)
    validated_save(topic, by=by)
    return topic


@transaction.atomic
def training_session_create(
    *,
    coop: Organisation,
    by: Actor,
    title: str,
    date: datetime.date,
    topic: TrainingTopic,
    centre: Centre | None = None,
) -> TrainingSession:
    same_coop_check(coop.pk, topic, centre)
    session = TrainingSession(coop=coop, title=title, date=date, topic=topic, centre=centre)
    validated_save(session, by=by)
    return session


@transaction.atomic
def training_attendance_record(*, session: TrainingSession, by: Actor, staff: list[Staff]) -> int:
    """Record who attended a session; someone already recorded is left as is. Returns how many
    were added."""
    same_coop_check(session.coop_id, *staff)
    done = set(
        TrainingAttendance.objects.filter(session=session).values_list("staff_id", flat=True)
    )
    added = 0
    for person in staff:
        if person.pk in done:
            continue
        if session.centre_id is not None and person.centre_id != session.centre_id:
            raise ValidationError(
                _("%(name)s does not work at the centre of this session.")
                % {"name": person.full_name}
            )
        validated_save(
            TrainingAttendance(coop_id=session.coop_id, session=session, staff=person), by=by
        )
        done.add(person.pk)
        added += 1
    return added


# Ratio rules -------------------------------------------------------------------------------


@transaction.atomic
def rule_sets_refresh() -> int:
    """Load the shipped rule set files again (idempotent; the migration does it once)."""
    from carecoop.staffing.loader import rule_sets_load

    return rule_sets_load(RatioRuleSet)


@transaction.atomic
def centre_staffing_set(
    *,
    centre: Centre,
    by: Actor,
    legal_rule_set: RatioRuleSet | None,
    target_rule_set: RatioRuleSet | None,
) -> CentreStaffing:
    settings = CentreStaffing.objects.filter(centre=centre).first() or CentreStaffing(
        coop_id=centre.coop_id, centre=centre
    )
    settings.legal_rule_set = legal_rule_set
    settings.target_rule_set = target_rule_set
    validated_save(settings, by=by)
    return settings


# Shifts and rosters ------------------------------------------------------------------------


@transaction.atomic
def shift_template_create(
    *,
    centre: Centre,
    by: Actor,
    name: str,
    starts_at: datetime.time,
    ends_at: datetime.time,
) -> ShiftTemplate:
    template = ShiftTemplate(
        coop_id=centre.coop_id, centre=centre, name=name, starts_at=starts_at, ends_at=ends_at
    )
    validated_save(template, by=by)
    return template


def _check_hours(
    centre: Centre, date: datetime.date, start: datetime.time, end: datetime.time
) -> None:
    hours = hours_on(centre, date)
    if hours is None:
        raise ValidationError(
            {"date": _("The centre is closed on %(date)s.") % {"date": date.isoformat()}}
        )
    opens, closes = hours
    if start < opens or end > closes:
        raise ValidationError(
            _("The centre is open from %(opens)s to %(closes)s that day.")
            % {"opens": _hm(opens), "closes": _hm(closes)}
        )


@transaction.atomic
def roster_entry_add(
    *,
    staff: Staff,
    by: Actor,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    room: Room | None = None,
    shift: ShiftTemplate | None = None,
) -> RosterEntry:
    """Put someone on the roster; refused when it overlaps their other hours that day or lies
    outside the centre's opening hours."""
    staff = Staff.objects.select_for_update().select_related("centre").get(pk=staff.pk)
    centre = staff.centre
    if room is not None and room.centre_id != centre.pk:
        raise ValidationError({"room": _("This room is in another centre.")})
    if ends_at <= starts_at:
        raise ValidationError(_("A shift must end after it starts."))
    if staff.started_on > date or (staff.ended_on is not None and staff.ended_on < date):
        raise ValidationError(
            _("%(name)s does not work here on %(date)s.")
            % {"name": staff.full_name, "date": date.isoformat()}
        )
    _check_hours(centre, date, starts_at, ends_at)
    clash = (
        RosterEntry.objects.filter(
            staff=staff, date=date, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("%(name)s is already on the roster from %(start)s to %(end)s that day.")
            % {"name": staff.full_name, "start": _hm(clash.starts_at), "end": _hm(clash.ends_at)}
        )
    entry = RosterEntry(
        coop_id=staff.coop_id,
        staff=staff,
        centre=centre,
        room=room,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        shift=shift,
    )
    validated_save(entry, by=by)
    return entry


@transaction.atomic
def roster_week_assign(
    *,
    staff: Staff,
    by: Actor,
    shift: ShiftTemplate,
    week_start: datetime.date,
    weekdays: list[int],
    room: Room | None = None,
) -> list[RosterEntry]:
    """Give someone a shift on some days of a week (ISO weekdays). All or nothing: one clash and
    no day is saved."""
    if shift.centre_id != staff.centre_id:
        raise ValidationError({"shift": _("This shift belongs to another centre.")})
    monday = week_start - datetime.timedelta(days=week_start.isoweekday() - 1)
    return [
        roster_entry_add(
            staff=staff,
            by=by,
            date=monday + datetime.timedelta(days=weekday - 1),
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            room=room,
            shift=shift,
        )
        for weekday in sorted(set(weekdays))
    ]


# Check-in and check-out --------------------------------------------------------------------


@transaction.atomic
def checkin_record(
    *,
    staff: Staff,
    by: Actor,
    date: datetime.date,
    in_at: datetime.time,
    room: Room | None = None,
) -> CheckIn:
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if room is not None and room.centre_id != staff.centre_id:
        raise ValidationError({"room": _("This room is in another centre.")})
    if CheckIn.objects.filter(staff=staff, date=date, out_at__isnull=True).exists():
        raise ValidationError(
            _("%(name)s has already arrived and not yet left.") % {"name": staff.full_name}
        )
    if CheckIn.objects.filter(staff=staff, date=date, in_at__lt=in_at, out_at__gt=in_at).exists():
        raise ValidationError(
            _("%(name)s was already here at %(time)s.")
            % {"name": staff.full_name, "time": _hm(in_at)}
        )
    checkin = CheckIn(
        coop_id=staff.coop_id,
        staff=staff,
        centre_id=staff.centre_id,
        room=room,
        date=date,
        in_at=in_at,
    )
    validated_save(checkin, by=by)
    return checkin


@transaction.atomic
def checkout_record(*, checkin: CheckIn, by: Actor, out_at: datetime.time) -> CheckIn:
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.out_at is not None:
        raise ValidationError(_("This departure is already recorded."))
    checkin.out_at = out_at
    validated_save(checkin, by=by)
    return checkin


# The staff register from a file --------------------------------------------------------------

STAFF_REQUIRED = ["reference", "given name", "centre", "role", "started on"]
# The staff register's columns in a file, in the template's order: its reference, then the
# columns that are fields of a staff member, by the field they fill.
STAFF_FILE_FIELDS = {
    "given name": "given_name",
    "family name": "family_name",
    "centre": "centre",
    "role": "role",
    "employment": "employment",
    "contracted hours per week": "hours_per_week",
    "started on": "started_on",
    "left on": "ended_on",
}
STAFF_COLUMNS = ["reference", *STAFF_FILE_FIELDS]


@dataclass
class StaffLine:
    """A row of a staff register file, read and checked: its fields by name."""

    row: int
    reference: str
    fields: dict[str, Any] = field(default_factory=dict)


def _staff_readers(coop: Organisation) -> dict[str, Any]:
    """How each column's cell is read, with its field's own checks."""
    centres = {c.code: c for c in Centre.objects.filter(coop_id=coop.pk)}
    centre_names = imports.choices((code, c.name) for code, c in centres.items())
    roles, employments = imports.choices(StaffRole.choices), imports.choices(Employment.choices)
    hours = cast(models.Field, Staff._meta.get_field("hours_per_week"))

    def text_of(name: str, required: bool) -> Any:
        model_field = cast(models.Field, Staff._meta.get_field(name))
        return lambda v: imports.text(
            v, max_length=model_field.max_length or 100, required=required
        )

    def hours_of(value: Any) -> Decimal:
        found = (
            Decimal(0)
            if value in (None, "")
            else hours.clean(imports.text(value, max_length=10), None)
        )
        if not 0 <= found <= 80:
            raise ValidationError(_("Contracted hours must lie between 0 and 80 a week."))
        return found

    return {
        "given_name": text_of("given_name", True),
        "family_name": text_of("family_name", False),
        "centre": lambda v: centres[imports.choice(v, centre_names, required=True)],
        "role": lambda v: imports.choice(v, roles, required=True),
        "employment": lambda v: imports.choice(v, employments) or Employment.EMPLOYED,
        "hours_per_week": hours_of,
        "started_on": lambda v: imports.day(v, required=True),
        "ended_on": lambda v: imports.day(v),
    }


def _staff_line(
    row: int, cells: dict[str, Any], readers: dict[str, Any], problems: list[Problem]
) -> StaffLine:
    reference = cell(
        cells, "reference", lambda v: imports.text(v, max_length=60, required=True), problems, row
    )
    line = StaffLine(row=row, reference=reference or "")
    for column, name in STAFF_FILE_FIELDS.items():
        if column in cells or name in ("employment", "hours_per_week"):
            line.fields[name] = cell(cells, column, readers[name], problems, row)
    started, ended = line.fields.get("started_on"), line.fields.get("ended_on")
    if started and ended and ended < started:
        problems.append(Problem(row, "left on", _("Someone cannot leave before they start.")))
    return line


def staff_import_check(*, coop: Organisation, name: str, content: bytes) -> RegisterImport:
    """Read a staff register file and tell what importing it would do, writing nothing. Every
    row is checked (a centre or a role the cooperative does not have, a date that is not one,
    hours outside 0 to 80, someone leaving before starting, a reference twice), and all the
    problems are named at once."""
    plan = RegisterImport()
    rows = read_rows(name, content, STAFF_COLUMNS, STAFF_REQUIRED, plan)
    if plan.problems:
        return plan
    readers = _staff_readers(coop)
    lines = [_staff_line(row, cells, readers, plan.problems) for row, cells in rows]
    check_twice(lines, plan.problems)
    existing = {
        s.reference: s
        for s in Staff.objects.filter(
            coop_id=coop.pk, reference__in=[line.reference for line in lines if line.reference]
        )
    }
    for line in lines:
        plan.place(line, existing.get(line.reference), STAFF_FILE_FIELDS, line.fields)
    return plan.in_order(STAFF_COLUMNS)


def staff_upload(
    *, coop: Organisation, by: Actor, name: str, content: bytes
) -> tuple[RegisterImport, Upload | None]:
    """Check a staff register file and, with no problem, keep it for its import."""
    plan = staff_import_check(coop=coop, name=name, content=content)
    return kept_if_right(plan, coop=coop, by=by, register="staff", name=name, content=content)


def staff_import(*, upload: Upload, by: Actor) -> RegisterImport:
    """Import a staff register file, all or nothing, once (``imported_once``): each new row is
    a staff member of its centre (``staff_create``), each changed one is updated
    (``staff_update``), audited like any other change."""

    def write(coop: Organisation, line: StaffLine, held: Staff | None, columns: list[str]) -> None:
        if held is None:
            staff_create(coop=coop, by=by, reference=line.reference, **line.fields)
            return
        staff_update(
            staff=held,
            by=by,
            # The wage is kept as it is: the file does not hold it.
            wage=to_decimal(held.wage_minor, held.wage_currency)
            if held.wage_minor is not None
            else None,
            wage_currency=held.wage_currency,
            wage_period=held.wage_period,
            **{STAFF_FILE_FIELDS[c]: line.fields[STAFF_FILE_FIELDS[c]] for c in columns},
        )

    return imported_once(upload, staff_import_check, each_row(write))
