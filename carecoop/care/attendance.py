"""Attendance: the rules of a child's day, the services that record it, and the offline sync that
applies operations recorded on a phone exactly once, in any order.

The rules are plain functions on a child's day (``Day``, the values of an ``Attendance`` row) so
that one operation (a service) and a batch of a thousand (the sync) follow them identically.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.care.forms import SyncOperationForm
from carecoop.care.models import (
    Absence,
    Attendance,
    AuthorisedCollector,
    Enrolment,
    SyncOperation,
    SyncStatus,
)
from carecoop.core.lookups import OneOf
from carecoop.core.names import person_name
from carecoop.core.services import insert_rows, update_rows, validated_save
from carecoop.core.types import Actor
from carecoop.members.models import Guardianship, Person
from carecoop.tenancy.models import Centre, Organisation


class Conflict(ValidationError):
    """The operation disagrees with what is already recorded; nothing was changed."""


FIELDS = [
    "checked_in_at",
    "brought_by",
    "checked_out_at",
    "collected_by",
    "collection_override",
    "absence",
    "recorded_by",
]


# The same, as attributes that hold the values (``recorded_by_id``: reading ``recorded_by``
# would fetch the user).
ATTNAME = {f.name: f.attname for f in Attendance._meta.concrete_fields}
ATTNAMES = [ATTNAME[name] for name in FIELDS]
# What a day's row holds besides its key, in the order the sync writes it (the history repeats
# them after the key).
ATTENDANCE_COLUMNS = ["coop", "child", "centre", "date", *FIELDS]
ATTENDANCE_ATTNAMES = [ATTNAME[name] for name in ATTENDANCE_COLUMNS]


@dataclass(slots=True)
class Day:
    """A child's day as the rules read and change it: the values of its ``Attendance`` row
    (``pk`` None until it is stored), without a model instance per row, which would cost more
    than the rules themselves when a batch judges a thousand days."""

    coop_id: int
    child_id: int
    centre_id: int
    date: datetime.date
    checked_in_at: datetime.time | None = None
    brought_by: str = ""
    checked_out_at: datetime.time | None = None
    collected_by: str = ""
    collection_override: str = ""
    absence: str = ""
    recorded_by_id: int | None = None
    pk: int | None = None

    def values(self) -> tuple[Any, ...]:
        """The values of ``ATTENDANCE_COLUMNS``."""
        return (
            self.coop_id,
            self.child_id,
            self.centre_id,
            self.date,
            self.checked_in_at,
            self.brought_by,
            self.checked_out_at,
            self.collected_by,
            self.collection_override,
            self.absence,
            self.recorded_by_id,
        )

    def instance(self) -> Attendance:
        """The day as a model instance, to be saved through the model."""
        record = Attendance(
            pk=self.pk, **dict(zip(ATTENDANCE_ATTNAMES, self.values(), strict=True))
        )
        record._state.adding = self.pk is None
        return record


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


# The rules ---------------------------------------------------------------------------------


def rule_check_in(record: Day, *, at: datetime.time, brought_by: str = "") -> None:
    if record.checked_in_at is not None and record.checked_in_at != at:
        raise Conflict(
            _("Arrival was already recorded at %(time)s.") % {"time": _hhmm(record.checked_in_at)}
        )
    record.checked_in_at, record.absence = at, ""
    record.brought_by = brought_by or record.brought_by
    _rule_order(record)


def rule_check_out(
    record: Day,
    *,
    at: datetime.time,
    allowed: dict[str, str],
    collector: str = "",
    collector_name: str = "",
    override: str = "",
) -> None:
    """Someone not authorised is refused, unless the carer records why they let the child go
    (the override stays on the record for the manager)."""
    if collector in allowed:
        name, override = allowed[collector], ""
    else:
        name = collector_name.strip()
        if not name:
            raise ValidationError(_("Say who collected the child."))
        if not override.strip():
            raise ValidationError(
                _("%(name)s is not authorised to collect this child. Record why you let them.")
                % {"name": name}
            )
    if record.checked_out_at is not None and record.checked_out_at != at:
        raise Conflict(
            _("Departure was already recorded at %(time)s.")
            % {"time": _hhmm(record.checked_out_at)}
        )
    record.checked_out_at, record.collected_by = at, name
    record.collection_override = override.strip()
    _rule_order(record)


def rule_absent(record: Day, *, reason: str) -> None:
    if record.checked_in_at is not None:
        raise Conflict(_("The child was recorded as present that day."))
    if reason not in Absence.values:
        raise ValidationError(_("This operation is incomplete or malformed."))
    record.absence = reason


def _rule_order(record: Day) -> None:
    if (
        record.checked_in_at
        and record.checked_out_at
        and record.checked_out_at < record.checked_in_at
    ):
        raise Conflict(_("A child cannot leave before arriving."))


# What the rules need to know ---------------------------------------------------------------


@dataclass
class Facts:
    """Enrolments, attendance rows and authorised collectors for a set of children and days,
    loaded in a fixed number of queries, each with its cooperative and a list of any length as
    one parameter (``OneOf``)."""

    enrolments: dict[tuple[int, int], list[tuple[datetime.date, datetime.date | None]]] = field(
        default_factory=dict
    )
    records: dict[tuple[int, datetime.date], Day] = field(default_factory=dict)
    guardians: dict[int, dict[str, str]] = field(default_factory=dict)
    collectors: dict[int, list[tuple[str, str, datetime.date | None]]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        coop_id: int,
        child_ids: set[int],
        dates: set[datetime.date],
        *,
        lock: bool,
        collectors: bool = True,
    ) -> "Facts":
        """``collectors`` False leaves out who may collect the children (arrivals and absences
        do not need it)."""
        facts = cls()
        if not child_ids or not dates:
            return facts
        first, last = min(dates), max(dates)
        for child_id, centre_id, start, end in (
            Enrolment.objects.filter(
                OneOf("child_id", child_ids), coop_id=coop_id, starts_on__lte=last
            )
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
            .values_list("child_id", "centre_id", "starts_on", "ends_on")
        ):
            facts.enrolments.setdefault((child_id, centre_id), []).append((start, end))
        rows = Attendance.objects.filter(
            OneOf("child_id", child_ids), OneOf("date", dates), coop_id=coop_id
        )
        # In the order of Day's fields, its key last.
        for values in (rows.select_for_update() if lock else rows).values_list(
            *ATTENDANCE_ATTNAMES, "pk"
        ):
            day = Day(*values)
            facts.records[(day.child_id, day.date)] = day
        if not collectors:
            return facts
        for child_id, guardian_id, given, family in Guardianship.objects.filter(
            OneOf("child_id", child_ids), coop_id=coop_id
        ).values_list("child_id", "guardian_id", "guardian__given_name", "guardian__family_name"):
            name = person_name(given, family)
            facts.guardians.setdefault(child_id, {})[f"g:{guardian_id}"] = name
        for pk, child_id, name, relation, until in AuthorisedCollector.objects.filter(
            OneOf("child_id", child_ids), coop_id=coop_id
        ).values_list("pk", "child_id", "name", "relation", "valid_until"):
            facts.collectors.setdefault(child_id, []).append(
                (f"c:{pk}", f"{name} ({relation})", until)
            )
        return facts

    def enrolled(self, child_id: int, centre_id: int, on: datetime.date) -> bool:
        return any(
            start <= on and (end is None or end >= on)
            for start, end in self.enrolments.get((child_id, centre_id), [])
        )

    def allowed(self, child_id: int, on: datetime.date) -> dict[str, str]:
        people = dict(self.guardians.get(child_id, {}))
        for key, name, until in self.collectors.get(child_id, []):
            if until is None or until >= on:
                people[key] = name
        return people

    def record(self, child_id: int, centre: Centre, on: datetime.date) -> Day:
        key = (child_id, on)
        day = self.records.get(key)
        if day is None:
            day = self.records[key] = Day(centre.coop_id, child_id, centre.pk, on)
        return day


def authorised_collectors(child: Person, on: datetime.date) -> dict[str, str]:
    """Who may collect the child on a day: guardians and the family's authorised people."""
    return Facts.load(child.coop_id, {child.pk}, {on}, lock=False).allowed(child.pk, on)


# One operation -----------------------------------------------------------------------------


def _one(
    child: Person,
    centre: Centre,
    by: Actor,
    on: datetime.date,
    apply: Callable[[Day, Facts], None],
) -> Attendance:
    facts = Facts.load(centre.coop_id, {child.pk}, {on}, lock=True)
    if not facts.enrolled(child.pk, centre.pk, on):
        raise ValidationError(_("The child is not enrolled here on that day."))
    day = facts.record(child.pk, centre, on)
    apply(day, facts)
    record = day.instance()
    record.recorded_by = by
    validated_save(record, by=by)
    return record


@transaction.atomic
def attendance_check_in(
    *,
    child: Person,
    centre: Centre,
    by: Actor,
    date: datetime.date,
    at: datetime.time,
    brought_by: str = "",
) -> Attendance:
    return _one(
        child, centre, by, date, lambda r, f: rule_check_in(r, at=at, brought_by=brought_by)
    )


@transaction.atomic
def attendance_check_out(
    *,
    child: Person,
    centre: Centre,
    by: Actor,
    date: datetime.date,
    at: datetime.time,
    collector: str = "",
    collector_name: str = "",
    override: str = "",
) -> Attendance:
    return _one(
        child,
        centre,
        by,
        date,
        lambda r, f: rule_check_out(
            r,
            at=at,
            allowed=f.allowed(child.pk, date),
            collector=collector,
            collector_name=collector_name,
            override=override,
        ),
    )


# Offline sync ------------------------------------------------------------------------------

KINDS = {"check_in", "check_out", "absent"}
PAYLOAD_KEYS = (
    "kind",
    "child",
    "centre",
    "date",
    "time",
    "collector",
    "collector_name",
    "override",
    "reason",
    "brought_by",
)
MAX_BATCH = 5000


@dataclass
class SyncResult:
    op_id: str
    status: str  # applied, duplicate, conflict or rejected
    message: str = ""


@dataclass
class Operation:
    op_id: uuid.UUID
    kind: str
    child_id: int
    centre_id: int
    date: datetime.date
    time: datetime.time
    payload: dict[str, Any]


def _reader() -> Callable[[object], Operation]:
    """Read operations with the same field rules as a form (``SyncOperationForm``): the form's
    own fields clean each value, and a form is built only to word the reasons for a refusal."""
    clean = SyncOperationForm.reader()

    def parse(raw: object) -> Operation:
        if not isinstance(raw, dict) or not _plain(raw):
            raise ValidationError(_("This operation is incomplete or malformed."))
        data = clean(raw)
        if data is None:
            form = SyncOperationForm({k: v for k, v in raw.items() if v is not None})
            form.is_valid()
            raise ValidationError(form.reasons())
        return Operation(
            op_id=data["op_id"],
            kind=data["kind"],
            child_id=data["child"],
            centre_id=data["centre"],
            date=data["date"],
            time=data["time"] or datetime.time(0, 0),
            payload=dict(zip(PAYLOAD_KEYS, map(raw.get, PAYLOAD_KEYS), strict=True)),
        )

    return parse


READ_KEYS = ("op_id", *PAYLOAD_KEYS)
PLAIN_TYPES = frozenset({type(None), str, int})


def _plain(raw: dict[Any, Any]) -> bool:
    """Every value the sync reads is missing, None, text or a whole number (not True, not 1.5,
    not a list): those are the values the form's fields are asked to clean."""
    values = list(map(raw.get, READ_KEYS))
    return PLAIN_TYPES.issuperset(map(type, values)) or all(
        value is None or isinstance(value, str) or type(value) is int for value in values
    )


def sync_apply(
    *, coop: Organisation, by: Actor, centre_ids: frozenset[int] | None, operations: list[object]
) -> list[SyncResult]:
    """Apply operations recorded offline, each exactly once, whatever the order they arrive in.

    An operation already applied answers "duplicate" and changes nothing; one that disagrees with
    what is recorded answers "conflict"; a malformed one, or one about a child outside the user's
    centres, answers "rejected". ``centre_ids`` None means every centre of the cooperative.
    The batch is applied in bulk, in one transaction, with a fixed number of queries; if another
    request applies some of the same operations at the same moment, the unique constraints on
    the operation log and on a child's day stop one of them: that batch is rolled back and
    applied one operation at a time.
    """
    parse = _reader()
    results: list[SyncResult | None] = []
    parsed: list[tuple[int, Operation]] = []
    for index, raw in enumerate(operations[:MAX_BATCH]):
        try:
            parsed.append((index, parse(raw)))
            results.append(None)
        except ValidationError as error:
            op_key = str(raw.get("op_id", ""))[:64] if isinstance(raw, dict) else ""
            results.append(SyncResult(op_key, SyncStatus.REJECTED, " ".join(error.messages)))
    try:
        with transaction.atomic():
            done = _apply_batch(coop, by, centre_ids, [op for _i, op in parsed])
    except IntegrityError:
        done = [_apply_alone(coop, by, centre_ids, op) for _i, op in parsed]
    for (index, _op), result in zip(parsed, done, strict=True):
        results[index] = result
    return [r for r in results if r is not None]


def _check(
    centre_ids: frozenset[int] | None,
    op: Operation,
    centres: dict[int, Centre],
    children: set[int],
    facts: Facts,
) -> Centre:
    centre = centres.get(op.centre_id)
    if (
        centre is None
        or op.child_id not in children
        or (centre_ids is not None and centre.pk not in centre_ids)
    ):
        raise ValidationError(_("This child or centre is not yours to record."))
    if not facts.enrolled(op.child_id, centre.pk, op.date):
        raise ValidationError(_("The child is not enrolled here on that day."))
    return centre


def _rule(op: Operation, record: Day, facts: Facts) -> None:
    p = op.payload
    if op.kind == "check_in":
        rule_check_in(record, at=op.time, brought_by=str(p.get("brought_by") or ""))
    elif op.kind == "check_out":
        rule_check_out(
            record,
            at=op.time,
            allowed=facts.allowed(op.child_id, op.date),
            collector=str(p.get("collector") or ""),
            collector_name=str(p.get("collector_name") or ""),
            override=str(p.get("override") or ""),
        )
    else:
        rule_absent(record, reason=str(p.get("reason") or "unknown"))


def _apply_batch(
    coop: Organisation, by: Actor, centre_ids: frozenset[int] | None, ops: list[Operation]
) -> list[SyncResult]:
    """Seven queries at most to read, four statements (per few thousand rows) to write."""
    if not ops:
        return []
    centres = Centre.objects.filter(coop=coop).in_bulk({op.centre_id for op in ops})
    children = set(
        Person.objects.filter(OneOf("pk", {op.child_id for op in ops}), coop=coop).values_list(
            "pk", flat=True
        )
    )
    # The children's days are locked before the operation log is read.
    facts = Facts.load(
        coop.pk,
        children,
        {op.date for op in ops},
        lock=True,
        collectors=any(op.kind == "check_out" for op in ops),
    )
    previous: dict[uuid.UUID, tuple[dict[str, Any], str]] = {
        op_id: (payload, message)
        for op_id, payload, message in SyncOperation.objects.filter(
            OneOf("op_id", [op.op_id for op in ops]), coop=coop
        ).values_list("op_id", "payload", "message")
    }
    by_id = by.pk if by is not None else None
    existing = set(facts.records)
    touched: dict[tuple[int, datetime.date], Day] = {}
    log: dict[uuid.UUID, tuple[dict[str, Any], str, str]] = {}
    results = []
    for op in ops:
        earlier = previous.get(op.op_id)
        if earlier is None and op.op_id in log:
            earlier = log[op.op_id][0], log[op.op_id][2]
        if earlier is not None:
            results.append(_replayed(op.op_id, earlier, op.payload))
            continue
        status, message = SyncStatus.APPLIED, ""
        try:
            centre = _check(centre_ids, op, centres, children, facts)
            record = facts.record(op.child_id, centre, op.date)
            before = [getattr(record, name) for name in ATTNAMES]
            try:
                _rule(op, record, facts)
            except ValidationError:
                for name, value in zip(ATTNAMES, before, strict=True):
                    setattr(record, name, value)
                raise
            record.recorded_by_id = by_id
            touched[(op.child_id, op.date)] = record
        except Conflict as error:
            status, message = SyncStatus.CONFLICT, " ".join(error.messages)
        except ValidationError as error:
            status, message = SyncStatus.REJECTED, " ".join(error.messages)
        log[op.op_id] = (op.payload, status, message[:300])
        results.append(SyncResult(str(op.op_id), status, message))
    now = timezone.now()
    _attendance_write(
        [r for key, r in touched.items() if key not in existing],
        [r for key, r in touched.items() if key in existing],
        by_id=by_id,
        now=now,
    )
    insert_rows(
        SyncOperation,
        ["coop", "op_id", "kind", "payload", "status", "message", "recorded_by", "received_at"],
        [
            (coop.pk, op_id, payload["kind"], payload, status, message, by_id, now)
            for op_id, (payload, status, message) in log.items()
        ],
    )
    return results


HISTORY_COLUMNS = [
    "id",
    *ATTENDANCE_COLUMNS,
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
]


def _attendance_write(
    created: list[Day], updated: list[Day], *, by_id: int | None, now: datetime.datetime
) -> None:
    """New and changed days, and a history row for each ("+" or "~", by whom, now), as
    ``bulk_create_with_history`` and ``bulk_update_with_history`` write them but in a few
    set-based statements, without a model instance and a compiled expression per value."""
    history = []
    if created:
        values = [r.values() for r in created]
        ids = insert_rows(Attendance, ATTENDANCE_COLUMNS, values, returning_ids=True)
        for record, pk in zip(created, ids, strict=True):
            record.pk = pk
        history += [(pk, *row, now, None, "+", by_id) for pk, row in zip(ids, values, strict=True)]
    if updated:
        values = [r.values() for r in updated]
        update_rows(
            Attendance,
            ["coop", "id"],
            FIELDS,
            # The key (cooperative, id) and the values of FIELDS, which follow the day's key.
            [(row[0], r.pk, *row[4:]) for r, row in zip(updated, values, strict=True)],
        )
        history += [
            (r.pk, *row, now, None, "~", by_id) for r, row in zip(updated, values, strict=True)
        ]
    insert_rows(Attendance.history.model, HISTORY_COLUMNS, history)


def _apply_alone(
    coop: Organisation, by: Actor, centre_ids: frozenset[int] | None, op: Operation
) -> SyncResult:
    """One operation in its own transaction: the careful path when batches race."""
    try:
        with transaction.atomic():
            return _apply_batch(coop, by, centre_ids, [op])[0]
    except IntegrityError:
        earlier = SyncOperation.objects.get(coop=coop, op_id=op.op_id)
        return _replayed(op.op_id, (earlier.payload, earlier.message), op.payload)


def _replayed(
    op_id: uuid.UUID, previous: tuple[dict[str, Any], str], payload: dict[str, Any]
) -> SyncResult:
    """An operation already received: "duplicate" with what it answered then, or "conflict" if
    the same id now comes with different content."""
    earlier_payload, earlier_message = previous
    if earlier_payload != payload:
        return SyncResult(
            str(op_id),
            SyncStatus.CONFLICT,
            _("This operation was already received with different content."),
        )
    return SyncResult(str(op_id), "duplicate", earlier_message)
