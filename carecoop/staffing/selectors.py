"""Reads about staff, training and coverage, narrowed to what the asking role may see."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from carecoop.care.allocation import months_between
from carecoop.care.models import (
    Attendance,
    Booking,
    ChildProfile,
    Closure,
    Enrolment,
    OpeningHours,
    Room,
)
from carecoop.core.dates import add_months
from carecoop.core.permissions import Access
from carecoop.core.pickers import LIMIT
from carecoop.members.models import Person
from carecoop.members.selectors import searched
from carecoop.staffing import ratios
from carecoop.staffing.models import (
    CARING_ROLES,
    CentreStaffing,
    CheckIn,
    RatioRuleSet,
    RosterEntry,
    ShiftTemplate,
    Staff,
    TrainingAttendance,
    TrainingSession,
    TrainingTopic,
)
from carecoop.tenancy.models import Centre

SLOT = datetime.timedelta(minutes=30)


def centres(*, access: Access) -> QuerySet[Centre]:
    """Managers, the board and auditors see every centre; facilitators only their own."""
    return access.restrict(Centre.objects.all(), "staffing.view")


def centre_get(*, access: Access, pk: int) -> Centre:
    centre = centres(access=access).filter(pk=pk).first()
    if centre is None:
        raise Http404
    return centre


def staff_list(
    *, access: Access, include_former: bool = False, centre_id: int | None = None
) -> QuerySet[Staff]:
    qs = access.restrict(Staff.objects.all(), "staffing.view").select_related("centre")
    if not include_former:
        qs = qs.filter(ended_on__isnull=True)
    if centre_id is not None:
        qs = qs.filter(centre_id=centre_id)
    return qs.order_by("centre__name", "given_name", "family_name")


def pick_staff(*, access: Access, query: str, centre_id: int | None = None) -> list[Staff]:
    """Current staff (of ``centre_id`` if given) the role may see, for a search picker: by every
    word of ``query`` in their name, or by their member record as the member list searches."""
    staff = staff_list(access=access, centre_id=centre_id)
    by_name = Q()
    for word in query.split()[:5]:
        by_name &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    people = searched(access.restrict(Person.objects.all()), access=access, query=query)
    found = staff.filter(by_name | Q(person__in=people.values("pk")))
    return list(found.order_by("given_name", "family_name", "pk")[:LIMIT])


def staff_get(*, access: Access, pk: int) -> Staff:
    staff = staff_list(access=access, include_former=True).filter(pk=pk).first()
    if staff is None:
        raise Http404
    return staff


def sessions(*, access: Access) -> QuerySet[TrainingSession]:
    qs = access.restrict(TrainingSession.objects.all(), "staffing.view")
    return qs.select_related("topic", "centre").order_by("-date")


def session_get(*, access: Access, pk: int) -> TrainingSession:
    session = sessions(access=access).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def topics(*, access: Access) -> QuerySet[TrainingTopic]:
    return TrainingTopic.objects.filter(coop_id=access.coop_id)


def centre_staffing(*, centre: Centre) -> CentreStaffing | None:
    """The ratio rules the centre is held to, when they were set."""
    return CentreStaffing.objects.filter(centre=centre).first()


def shifts(*, centre: Centre) -> QuerySet[ShiftTemplate]:
    return ShiftTemplate.objects.filter(centre=centre)


def checkins(*, centre: Centre, on: datetime.date) -> QuerySet[CheckIn]:
    """Arrivals and departures of staff at the centre on a day."""
    return CheckIn.objects.filter(centre=centre, date=on).select_related("staff", "room")


def checkin_get(*, access: Access, pk: int) -> CheckIn:
    checkin = access.restrict(CheckIn.objects.filter(pk=pk), "staffing.record_checkin").first()
    if checkin is None:
        raise Http404
    return checkin


def rule_sets() -> QuerySet[RatioRuleSet]:
    """The ratio rule sets (shared reference data, loaded by migration 0002)."""
    return RatioRuleSet.objects.all()


# Training due ------------------------------------------------------------------------------


@dataclass
class Due:
    staff: Staff
    topic: TrainingTopic
    last: datetime.date | None
    due_on: datetime.date
    overdue: bool


def training_due(
    *, access: Access, on: datetime.date, staff_ids: list[int] | None = None
) -> list[Due]:
    """For each active staff member and each topic: the last session attended and when the next
    is due (the last session plus the topic's interval; someone never trained is due from the day
    they started). Three queries, however many people and sessions."""
    people = list(staff_list(access=access))
    if staff_ids is not None:
        people = [s for s in people if s.pk in staff_ids]
    topics = list(access.restrict(TrainingTopic.objects.all()))
    last: dict[tuple[int, int], datetime.date] = {}
    for staff_id, topic_id, date in TrainingAttendance.objects.filter(
        staff_id__in=[s.pk for s in people], session__date__lte=on
    ).values_list("staff_id", "session__topic_id", "session__date"):
        key = (staff_id, topic_id)
        if key not in last or last[key] < date:
            last[key] = date
    result = []
    for person in people:
        for topic in topics:
            previous = last.get((person.pk, topic.pk))
            due_on = add_months(previous, topic.interval_months) if previous else person.started_on
            result.append(Due(person, topic, previous, due_on, due_on < on))
    result.sort(key=lambda d: (d.due_on, d.staff.full_name, d.topic.name))
    return result


# Training due within this many days is listed as soon due.
SOON = datetime.timedelta(days=30)


def training_overdue_and_soon(*, access: Access, on: datetime.date) -> tuple[list[Due], list[Due]]:
    """Training overdue on ``on``, and training due within ``SOON`` after it."""
    rows = training_due(access=access, on=on)
    overdue = [r for r in rows if r.overdue]
    soon = [r for r in rows if not r.overdue and r.due_on <= on + SOON]
    return overdue, soon


# Coverage ----------------------------------------------------------------------------------


@dataclass
class Cell:
    """One room (or the whole centre) in one half-hour."""

    starts_at: datetime.time
    expected: int = 0
    present_children: int = 0
    legal: ratios.Requirement | None = None
    target: ratios.Requirement | None = None
    rostered: int = 0
    present_staff: int = 0

    @property
    def required(self) -> int:
        return self.legal.carers if self.legal else 0

    @property
    def required_target(self) -> int:
        return self.target.carers if self.target else 0

    @property
    def status(self) -> str:
        if self.legal is not None and self.rostered < self.legal.carers:
            return "legal"
        if self.target is not None and self.rostered < self.target.carers:
            return "target"
        return "ok"

    @property
    def gap(self) -> int:
        return max(self.required - self.rostered, self.required_target - self.rostered, 0)

    @property
    def over_group(self) -> bool:
        return bool(self.legal and self.legal.exceeds_group)


@dataclass
class Row:
    label: str
    room: Room | None
    cells: list[Cell]

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.cells if c.status != "ok")

    @property
    def legal_gaps(self) -> int:
        return sum(1 for c in self.cells if c.status == "legal")

    @property
    def busiest(self) -> Cell | None:
        """The half-hour needing the most carers, to explain the numbers."""
        busiest = max(self.cells, key=lambda c: (c.required, c.required_target), default=None)
        return busiest if busiest is not None and busiest.legal and busiest.legal.children else None

    @property
    def worst(self) -> Cell | None:
        worst = max(self.cells, key=lambda c: (c.required - c.rostered, c.gap), default=None)
        return worst if worst is not None and worst.status != "ok" else None


@dataclass
class Day:
    date: datetime.date
    hours: tuple[datetime.time, datetime.time] | None
    slots: list[datetime.time] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(r.gaps for r in self.rows)

    @property
    def table(self) -> list[tuple[datetime.time, list[Cell]]]:
        """The rows of the day page: a half-hour, then each room's cell and the centre's."""
        return [(slot, [row.cells[i] for row in self.rows]) for i, slot in enumerate(self.slots)]


@dataclass
class Coverage:
    centre: Centre
    legal: RatioRuleSet | None
    target: RatioRuleSet | None
    rooms: list[Room]
    days: list[Day]


def hours_for(centre: Centre, days: list[datetime.date]) -> dict[datetime.date, Any]:
    """``care.services.hours_on`` for many days in two queries."""
    closures = list(
        Closure.objects.filter(centre=centre, starts_on__lte=days[-1], ends_on__gte=days[0])
    )
    weekly = {
        h.weekday: (h.opens_at, h.closes_at) for h in OpeningHours.objects.filter(centre=centre)
    }
    result: dict[datetime.date, Any] = {}
    for day in days:
        if any(c.starts_on <= day <= c.ends_on for c in closures):
            result[day] = None
        elif not weekly:
            result[day] = (centre.opens_at, centre.closes_at) if day.isoweekday() <= 5 else None
        else:
            result[day] = weekly.get(day.isoweekday())
    return result


def _minutes(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def _overlaps(start: Any, end: Any, slot: int) -> bool:
    """Does the span [start, end) in minutes cover part of the half-hour starting at ``slot``?"""
    return start < slot + 30 and end > slot


def coverage(
    *, centre: Centre, days: list[datetime.date], now: datetime.datetime | None = None
) -> Coverage:
    """For each day, each room and each half-hour of the opening hours: children expected and
    present, carers required by the legal rule and by the target, carers rostered and present.
    About ten queries whatever the number of days, rooms, children or staff."""
    days = sorted(days)
    first, last = days[0], days[-1]
    settings = (
        CentreStaffing.objects.filter(centre=centre)
        .select_related("legal_rule_set", "target_rule_set")
        .first()
    )
    legal = settings.legal_rule_set if settings else None
    target = settings.target_rule_set if settings else None
    rooms = list(Room.objects.filter(centre=centre).order_by("min_age_months", "name"))
    hours = hours_for(centre, days)
    enrolments = list(
        Enrolment.objects.filter(centre=centre, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .values_list(
            "pk", "child_id", "room_id", "starts_on", "ends_on", "days", "child__date_of_birth"
        )
    )
    bookings: dict[tuple[int, datetime.date], tuple[Any, Any]] = {
        (enrolment_id, date): (start, end)
        for enrolment_id, date, start, end in Booking.objects.filter(
            enrolment__centre=centre, date__gte=first, date__lte=last
        ).values_list("enrolment_id", "date", "starts_at", "ends_at")
    }
    special = set(
        ChildProfile.objects.filter(child__enrolments__centre=centre)
        .exclude(special_needs="")
        .values_list("child_id", flat=True)
    )
    attendance: dict[tuple[int, datetime.date], tuple[Any, Any]] = {
        (child_id, date): (start, end)
        for child_id, date, start, end in Attendance.objects.filter(
            centre=centre, date__gte=first, date__lte=last, checked_in_at__isnull=False
        ).values_list("child_id", "date", "checked_in_at", "checked_out_at")
    }
    caring = [str(r) for r in CARING_ROLES]
    roster = list(
        RosterEntry.objects.filter(
            centre=centre, date__gte=first, date__lte=last, staff__role__in=caring
        ).values_list("date", "room_id", "starts_at", "ends_at")
    )
    checkins = list(
        CheckIn.objects.filter(
            centre=centre, date__gte=first, date__lte=last, staff__role__in=caring
        ).values_list("date", "room_id", "in_at", "out_at")
    )
    now_day = now.date() if now else None
    now_minutes = _minutes(now.time()) if now else None
    result = []
    cache: dict[tuple[Any, ...], ratios.Requirement] = {}

    def need(rule_set: RatioRuleSet | None, loads: list[ratios.ChildLoad], one_group: bool) -> Any:
        if rule_set is None:
            return None
        key = (rule_set.pk, one_group, *sorted((c.age_months, c.special_needs) for c in loads))
        if key not in cache:
            cache[key] = ratios.required_staff(rule_set.rules, loads, one_group=one_group)
        return cache[key]

    for day in days:
        span = hours[day]
        result_day = Day(day, span)
        result.append(result_day)
        if span is None:
            continue
        opens, closes = _minutes(span[0]), _minutes(span[1])
        slots = list(range(opens, closes, 30))
        result_day.slots = [datetime.time(m // 60, m % 60) for m in slots]
        # Children of the day: (room, age, special needs, expected span, present span).
        children: list[
            tuple[int, ratios.ChildLoad, tuple[int, int] | None, tuple[int, int] | None]
        ] = []
        for pk, child_id, room_id, starts_on, ends_on, usual, born in enrolments:
            if starts_on > day or (ends_on is not None and ends_on < day):
                continue
            expected: tuple[int, int] | None = None
            if (pk, day) in bookings:
                start, end = bookings[(pk, day)]
                expected = (_minutes(start), _minutes(end)) if start and end else (opens, closes)
            elif str(day.isoweekday()) in usual:
                expected = (opens, closes)
            present: tuple[int, int] | None = None
            if (child_id, day) in attendance:
                arrived, left = attendance[(child_id, day)]
                if left is not None:
                    end_minutes = _minutes(left)
                elif day == now_day and now_minutes is not None:
                    end_minutes = max(now_minutes, _minutes(arrived) + 1)
                else:
                    end_minutes = closes
                present = (_minutes(arrived), end_minutes)
            if expected is None and present is None:
                continue
            age = months_between(born, day) if born else 36
            children.append(
                (room_id, ratios.ChildLoad(age, child_id in special), expected, present)
            )
        staff_spans = [
            (room_id, _minutes(s), _minutes(e)) for d, room_id, s, e in roster if d == day
        ]
        present_spans = []
        for d, room_id, s, e in checkins:
            if d != day:
                continue
            if e is not None:
                end_minutes = _minutes(e)
            elif day == now_day and now_minutes is not None:
                end_minutes = max(now_minutes, _minutes(s) + 1)
            else:
                end_minutes = closes
            present_spans.append((room_id, _minutes(s), end_minutes))
        for room in [*rooms, None]:
            cells = []
            for slot in slots:
                loads = []
                expected_n = present_n = 0
                for room_id, load, expected, present in children:
                    if room is not None and room_id != room.pk:
                        continue
                    is_expected = expected is not None and _overlaps(*expected, slot)
                    is_present = present is not None and _overlaps(*present, slot)
                    expected_n += is_expected
                    present_n += is_present
                    if is_expected or is_present:
                        loads.append(load)
                one_group = room is not None
                cell = Cell(
                    starts_at=datetime.time(slot // 60, slot % 60),
                    expected=expected_n,
                    present_children=present_n,
                    legal=need(legal, loads, one_group),
                    target=need(target, loads, one_group),
                    rostered=sum(
                        1
                        for room_id, s, e in staff_spans
                        if (room is None or room_id == room.pk) and _overlaps(s, e, slot)
                    ),
                    present_staff=sum(
                        1
                        for room_id, s, e in present_spans
                        if (room is None or room_id == room.pk) and _overlaps(s, e, slot)
                    ),
                )
                cells.append(cell)
            label = room.name if room is not None else ""
            result_day.rows.append(Row(label, room, cells))
    return Coverage(centre, legal, target, rooms, result)


def week_of(day: datetime.date) -> list[datetime.date]:
    monday = day - datetime.timedelta(days=day.isoweekday() - 1)
    return [monday + datetime.timedelta(days=i) for i in range(7)]


def roster_rows(
    *, access: Access, centre: Centre, week: list[datetime.date]
) -> list[tuple[Staff, list[list[RosterEntry]]]]:
    """Each of the centre's staff with her roster entries of each day of the week (two
    queries)."""
    grid = roster_week(centre=centre, week=week)
    staff = staff_list(access=access, centre_id=centre.pk)
    return [(s, [grid.get(s.pk, {}).get(d, []) for d in week]) for s in staff]


def roster_week(
    *, centre: Centre, week: list[datetime.date]
) -> dict[int, dict[datetime.date, list[RosterEntry]]]:
    """Roster entries of a week by staff member and day (one query)."""
    grid: dict[int, dict[datetime.date, list[RosterEntry]]] = defaultdict(lambda: defaultdict(list))
    for entry in RosterEntry.objects.filter(
        centre=centre, date__gte=week[0], date__lte=week[-1]
    ).select_related("room", "shift"):
        grid[entry.staff_id][entry.date].append(entry)
    return grid
