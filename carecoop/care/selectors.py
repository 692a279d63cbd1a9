"""Reads about centres, places and attendance, narrowed to what the asking role may see."""

import calendar
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy, pgettext_lazy

from carecoop.care.models import (
    Application,
    ApplicationStatus,
    Attendance,
    Booking,
    Enrolment,
    PriorityRule,
    Room,
    SeatPool,
)
from carecoop.core.exports import CHUNK, Column, titles
from carecoop.core.permissions import Access
from carecoop.members.models import Household, Person, Relation
from carecoop.tenancy.models import Centre


def centre_list(*, access: Access, page: str | None = None) -> Page:
    """One page of the cooperative's centres by name (a union runs thousands), each with
    ``household_count`` and ``child_count``, the households using it and their children. Counted
    for the page's centres only, in two grouped queries with the cooperative on both sides of the
    join (the indexes ``household_centre`` and ``person_child_household``)."""
    listed = Paginator(
        access.restrict(Centre.objects.all()).order_by("name", "pk"), settings.CARECOOP_PAGE_SIZE
    ).get_page(page)
    centres: list[Centre] = list(listed.object_list)
    ids = [c.pk for c in centres]
    households = dict(
        Household.objects.filter(coop_id=access.coop_id, centre_id__in=ids)
        .values_list("centre_id")
        .annotate(n=Count("*"))
        .values_list("centre_id", "n")
    )
    children = dict(
        Person.objects.filter(
            coop_id=access.coop_id,
            household_relation=Relation.CHILD,
            household__coop_id=access.coop_id,
            household__centre_id__in=ids,
        )
        .values_list("household__centre_id")
        .annotate(n=Count("*"))
        .values_list("household__centre_id", "n")
    )
    for centre in centres:
        setattr(centre, "household_count", households.get(centre.pk, 0))  # noqa: B010
        setattr(centre, "child_count", children.get(centre.pk, 0))  # noqa: B010
    listed.object_list = centres
    return listed


WORKING = "care.record_attendance"


def centre_get(*, access: Access, pk: int, working: bool = False) -> Centre:
    """One centre the role sees; with ``working``, only a centre where the user records care
    (a facilitator's own centres, whatever other roles she holds)."""
    centre = access.restrict(Centre.objects.filter(pk=pk), WORKING if working else "").first()
    if centre is None:
        raise Http404
    return centre


def pool_get(*, access: Access, pk: int) -> SeatPool:
    """One pool of places of a centre the role sees, with its centre and member classes."""
    pool = (
        access.restrict(SeatPool.objects.filter(pk=pk))
        .select_related("centre")
        .prefetch_related("member_classes")
        .first()
    )
    if pool is None:
        raise Http404
    return pool


def priority_defaults(centre: Centre) -> dict[str, int]:
    """The points the cooperative's other centres give each criterion: for each, the value most
    of them use (on a tie, the newest centre's). Empty when no other centre has points. One
    grouped query, whatever the number of centres."""
    counted = (
        PriorityRule.objects.filter(coop_id=centre.coop_id)
        .exclude(centre_id=centre.pk)
        .values_list("criterion", "points")
        .annotate(n=Count("*"), newest=Max("centre_id"))
        .order_by()
    )
    best: dict[str, tuple[int, int, int]] = {}
    for criterion, points, n, newest in counted:
        if (n, newest) > best.get(criterion, (0, 0, 0))[:2]:
            best[criterion] = (n, newest, points)
    return {criterion: points for criterion, (_n, _newest, points) in best.items()}


@dataclass(frozen=True)
class Points:
    points: dict[str, int]  # Criterion: points, for the form.
    suggested: frozenset[str]  # Criteria the centre has no points for, filled from the others'.


def priority_points(centre: Centre) -> Points:
    """A centre's priority points; where it has none for a criterion, the cooperative's usual
    points (``priority_defaults``) to offer instead of zero."""
    own = dict(PriorityRule.objects.filter(centre=centre).values_list("criterion", "points"))
    suggested = {c: p for c, p in priority_defaults(centre).items() if c not in own}
    return Points({**suggested, **own}, frozenset(suggested))


def applications_in_bulk(*, centre: Centre, ids: list[int]) -> dict[int, Application]:
    """A page of a centre's waitlist: its applications with their children, by id."""
    return (
        Application.objects.filter(centre=centre)
        .select_related("child__household")  # what tells two children of one name apart
        .in_bulk(ids)
    )


def open_offers(*, centre: Centre) -> QuerySet[Application]:
    """Offers waiting for an answer, the soonest to expire first."""
    return (
        Application.objects.filter(centre=centre, status=ApplicationStatus.OFFERED)
        .select_related("child__household", "offered_pool", "offered_room")
        .order_by("offer_expires_on", "pk")
    )


def working_centre_ids(access: Access) -> frozenset[int]:
    """Centres whose children the user may record."""
    return frozenset(access.restrict(Centre.objects.all(), WORKING).values_list("pk", flat=True))


def active_enrolments(centre: Centre, on: datetime.date) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(centre=centre, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


@dataclass
class Use:
    label: str
    taken: int
    capacity: int
    present: int | None = None
    pk: int | None = None
    reserved: bool = False  # A pool kept for some member classes.
    release_on: datetime.date | None = None  # When a reserved pool's unfilled places go to all.

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def share(self) -> float:
        return self.taken / self.capacity if self.capacity else 0.0


@dataclass
class Occupancy:
    centre: Use
    rooms: list[Use] = field(default_factory=list)
    pools: list[Use] = field(default_factory=list)
    month_attendance_rate: float | None = None
    open_offers: int = 0
    waiting: int = 0


def occupancy(*, centre: Centre, on: datetime.date) -> Occupancy:
    """Places taken today per centre, room and pool, against capacity; this month's attendance."""
    enrolled = active_enrolments(centre, on)
    by_room = dict(
        enrolled.values_list("room_id").annotate(n=Count("pk")).values_list("room_id", "n")
    )
    by_pool = dict(
        enrolled.values_list("pool_id").annotate(n=Count("pk")).values_list("pool_id", "n")
    )
    room_of = dict(enrolled.values_list("child_id", "room_id"))
    present_ids = set(
        Attendance.objects.filter(centre=centre, date=on, checked_in_at__isnull=False).values_list(
            "child_id", flat=True
        )
    )
    present_rooms: dict[int, int] = {}
    for child_id in present_ids:
        room_id = room_of.get(child_id)
        if room_id is not None:
            present_rooms[room_id] = present_rooms.get(room_id, 0) + 1
    applications = dict(
        Application.objects.filter(centre=centre, status__in=["waiting", "offered"])
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total = sum(by_room.values())
    result = Occupancy(
        centre=Use(
            centre.name,
            total,
            centre.licensed_capacity,
            len(present_ids),
        ),
        rooms=[
            Use(r.name, by_room.get(r.pk, 0), r.capacity, present_rooms.get(r.pk, 0))
            for r in Room.objects.filter(centre=centre)
        ],
        pools=[
            Use(
                p.name,
                by_pool.get(p.pk, 0),
                p.places,
                pk=p.pk,
                reserved=bool(p.classes),
                release_on=p.release_on,
            )
            for p in SeatPool.objects.filter(centre=centre).annotate(
                classes=Count("member_classes")
            )
        ],
        open_offers=applications.get(ApplicationStatus.OFFERED, 0),
        waiting=applications.get(ApplicationStatus.WAITING, 0),
    )
    first = on.replace(day=1)
    present_days = Attendance.objects.filter(
        centre=centre, date__gte=first, date__lte=on, checked_in_at__isnull=False
    ).count()
    expected = sum(
        active_enrolments(centre, day).count()
        for day in (first + datetime.timedelta(days=d) for d in range((on - first).days + 1))
        if day.isoweekday() <= 5
    )
    result.month_attendance_rate = present_days / expected if expected else None
    return result


@dataclass
class SheetRow:
    enrolment: Enrolment
    attendance: Attendance | None
    collectors: dict[str, str]


def attendance_sheet(*, centre: Centre, on: datetime.date) -> list[SheetRow]:
    """The children expected on a day, with what is recorded and who may collect them (a fixed
    number of queries, whatever the number of children)."""
    from carecoop.care.models import AuthorisedCollector
    from carecoop.members.models import Guardianship

    coop_id = centre.coop_id  # on every side of every join (the key the tables are sharded on)
    enrolments = list(
        active_enrolments(centre, on)
        .filter(coop_id=coop_id, child__coop_id=coop_id, room__coop_id=coop_id)
        .select_related("child", "room")
        .order_by("room__min_age_months", "child__given_name")
    )
    child_ids = [e.child_id for e in enrolments]
    records = {
        a.child_id: a
        for a in Attendance.objects.filter(
            coop_id=coop_id, centre=centre, date=on, child_id__in=child_ids
        )
    }
    collectors: dict[int, dict[str, str]] = {cid: {} for cid in child_ids}
    for g in Guardianship.objects.filter(
        coop_id=coop_id, child_id__in=child_ids, guardian__coop_id=coop_id
    ).select_related("guardian"):
        collectors[g.child_id][f"g:{g.guardian_id}"] = g.guardian.full_name
    for c in AuthorisedCollector.objects.filter(coop_id=coop_id, child_id__in=child_ids).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    ):
        collectors[c.child_id][f"c:{c.pk}"] = f"{c.name} ({c.relation})"
    return [SheetRow(e, records.get(e.child_id), collectors[e.child_id]) for e in enrolments]


# The marks of the paper register, one letter each, in the reader's language.
REGISTER_MARKS = {
    # Translators: one letter in the monthly attendance register: the child was present that day
    # (English P for Present). Choose the letter the register kept on paper uses.
    "present": pgettext_lazy("attendance register mark", "P"),
    # Translators: one letter in the monthly attendance register: the child was absent that day
    # with a reason recorded (English A for Absent).
    "absent": pgettext_lazy("attendance register mark", "A"),
}


@dataclass
class RegisterRow:
    child: Person
    room: str
    marks: list[str]
    present: int


def monthly_register(
    *, centre: Centre, year: int, month: int
) -> tuple[list[datetime.date], list[RegisterRow]]:
    """The paper register: a row per child, a column per day, a letter for present or absent
    (``REGISTER_MARKS``, translated once)."""
    days = [
        datetime.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)
    ]
    enrolments = list(
        Enrolment.objects.filter(centre=centre, starts_on__lte=days[-1])
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=days[0]))
        .select_related("child", "room")
        .order_by("room__min_age_months", "child__given_name")
    )
    letter = {True: str(REGISTER_MARKS["present"]), False: str(REGISTER_MARKS["absent"])}
    marks: dict[tuple[int, datetime.date], bool] = {}  # present (True) or absent (False)
    for child_id, date, checked_in, absence in Attendance.objects.filter(
        centre=centre, date__gte=days[0], date__lte=days[-1]
    ).values_list("child_id", "date", "checked_in_at", "absence"):
        if checked_in or absence:
            marks[(child_id, date)] = bool(checked_in)
    rows = []
    for e in enrolments:
        row = [marks.get((e.child_id, d)) for d in days]
        shown = [letter[m] if m is not None else "" for m in row]
        rows.append(RegisterRow(e.child, e.room.name, shown, row.count(True)))
    return days, rows


def monthly_register_file(
    *, centre: Centre, year: int, month: int
) -> tuple[list[Column], list[RegisterRow]]:
    """The monthly register as a file takes it: a row per child, a column per day with the
    register's letter, and the days present as a number."""
    days, rows = monthly_register(centre=centre, year=year, month=month)
    columns = [
        Column(gettext_lazy("Child"), lambda r: r.child.full_name),
        Column(gettext_lazy("Room"), lambda r: r.room),
        *(Column(str(d.day), _mark(i)) for i, d in enumerate(days)),
        Column(gettext_lazy("Days present"), lambda r: r.present),
    ]
    return columns, rows


def children_register(
    *, access: Access, on: datetime.date
) -> tuple[list[Column], Iterator[Enrolment]]:
    """The children enrolled on ``on`` in the centres the role works in, by centre, room and
    name, as a file takes them: the creche's register of children."""
    rows = (
        access.restrict(Enrolment.objects.filter(starts_on__lte=on), "care.export_children")
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("child__household", "centre", "room")
        .order_by("centre__name", "room__min_age_months", "child__given_name", "pk")
    )
    person, enrolment = titles(Person), titles(Enrolment)
    columns = [
        Column(person("given_name"), lambda e: e.child.given_name),
        Column(person("family_name"), lambda e: e.child.family_name),
        Column(person("date_of_birth"), lambda e: e.child.date_of_birth),
        Column(person("sex"), lambda e: e.child.get_sex_display()),
        Column(person("household"), lambda e: e.child.household.name if e.child.household else ""),
        Column(gettext_lazy("centre"), lambda e: e.centre.name),
        Column(enrolment("room"), lambda e: e.room.name),
        Column(enrolment("starts_on"), lambda e: e.starts_on),
        Column(enrolment("ends_on"), lambda e: e.ends_on),
    ]
    return columns, rows.iterator(chunk_size=CHUNK)


def _mark(day_index: int) -> Callable[[RegisterRow], str]:
    return lambda row: row.marks[day_index]


def children_of(*, access: Access) -> QuerySet[Person]:
    """Children the asking role may see (facilitators: their centres; members: their household)."""
    return access.restrict(Person.objects.filter(household_relation="child"))


def active_enrolments_of(child: Person, on: datetime.date) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(child=child, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


def upcoming_bookings(child: Person, on: datetime.date) -> QuerySet[Booking]:
    return Booking.objects.filter(enrolment__child=child, date__gte=on).select_related(
        "enrolment__centre"
    )[:14]


@dataclass
class Move:
    enrolment: Enrolment
    age_months: int
    room: Room


def moves_due(*, centre: Centre, on: datetime.date) -> list[Move]:
    """Children who have outgrown their room, with the room that now fits their age."""
    from carecoop.care.allocation import months_between

    rooms = list(Room.objects.filter(centre=centre))
    moves = []
    for enrolment in active_enrolments(centre, on).select_related("child", "room"):
        born = enrolment.child.date_of_birth
        if born is None:
            continue
        age = months_between(born, on)
        if age <= enrolment.room.max_age_months:
            continue
        fits = next((r for r in rooms if r.min_age_months <= age <= r.max_age_months), None)
        if fits is not None:
            moves.append(Move(enrolment, age, fits))
    return moves


def collection_overrides(*, centre: Centre, since: datetime.date) -> QuerySet[Attendance]:
    """Children let go with someone not authorised, for the manager to follow up."""
    return (
        Attendance.objects.filter(centre=centre, date__gte=since)
        .exclude(collection_override="")
        .select_related("child", "recorded_by")
        .order_by("-date")
    )
