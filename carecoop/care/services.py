"""Every write about places, enrolment, bookings and attendance."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import get_history_manager_for_model

from carecoop.care import allocation, selectors
from carecoop.care.models import (
    Application,
    ApplicationStatus,
    AuthorisedCollector,
    Booking,
    ChildProfile,
    Closure,
    Enrolment,
    OpeningHours,
    PriorityRule,
    Room,
    SeatPool,
)
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.members.models import (
    Guardianship,
    MemberClass,
    Membership,
    MembershipStatus,
    Person,
)
from carecoop.tenancy.models import Centre, Organisation


def _lock(centre: Centre) -> Centre:
    """Serialise the writes that count places in one centre."""
    return Centre.objects.select_for_update().get(pk=centre.pk)


def age_in_months(born: datetime.date, on: datetime.date) -> int:
    return allocation.months_between(born, on)


# Centres -----------------------------------------------------------------------------------


@transaction.atomic
def centre_create(*, coop: Organisation, by: Actor, **fields: Any) -> Centre:
    centre = Centre(coop=coop, **fields)
    validated_save(centre, by=by)
    return centre


@transaction.atomic
def centre_update(*, centre: Centre, by: Actor, **fields: Any) -> Centre:
    centre = _lock(centre)
    for name, value in fields.items():
        setattr(centre, name, value)
    taken = selectors.active_enrolments(centre, timezone.localdate()).count()
    if centre.licensed_capacity < taken:
        raise ValidationError(
            {
                "licensed_capacity": _(
                    "%(n)s children are enrolled today; the licence cannot be smaller."
                )
                % {"n": taken}
            }
        )
    validated_save(centre, by=by)
    return centre


@transaction.atomic
def opening_hours_clear(*, centre: Centre, by: Actor, weekday: int) -> None:
    """The centre is closed on this weekday."""
    OpeningHours.objects.filter(centre=centre, weekday=weekday).delete()


@transaction.atomic
def opening_hours_set(
    *, centre: Centre, by: Actor, weekday: int, opens_at: datetime.time, closes_at: datetime.time
) -> OpeningHours:
    hours = OpeningHours.objects.filter(centre=centre, weekday=weekday).first() or OpeningHours(
        coop_id=centre.coop_id, centre=centre, weekday=weekday
    )
    hours.opens_at, hours.closes_at = opens_at, closes_at
    validated_save(hours, by=by)
    return hours


@transaction.atomic
def opening_week_set(
    *,
    centre: Centre,
    by: Actor,
    days: dict[int, tuple[datetime.time | None, datetime.time | None]],
) -> None:
    """Set the hours of each weekday at once; a day without hours is closed."""
    for weekday, (opens, closes) in days.items():
        if opens and closes:
            opening_hours_set(
                centre=centre, by=by, weekday=weekday, opens_at=opens, closes_at=closes
            )
        else:
            opening_hours_clear(centre=centre, by=by, weekday=weekday)


@transaction.atomic
def closure_add(
    *, centre: Centre, by: Actor, starts_on: datetime.date, ends_on: datetime.date, reason: str
) -> Closure:
    closure = Closure(
        coop_id=centre.coop_id, centre=centre, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    validated_save(closure, by=by)
    return closure


@transaction.atomic
def room_create(*, centre: Centre, by: Actor, **fields: Any) -> Room:
    centre = _lock(centre)
    room = Room(coop_id=centre.coop_id, centre=centre, **fields)
    if room.min_age_months < centre.min_age_months or room.max_age_months > centre.max_age_months:
        raise ValidationError(_("A room's ages must lie within the centre's ages."))
    other = sum(Room.objects.filter(centre=centre).values_list("capacity", flat=True))
    if other + room.capacity > centre.licensed_capacity:
        raise ValidationError(
            _("The rooms would hold %(n)s children; the centre is licensed for %(max)s.")
            % {"n": other + room.capacity, "max": centre.licensed_capacity}
        )
    validated_save(room, by=by)
    return room


@transaction.atomic
def pool_create(
    *,
    centre: Centre,
    by: Actor,
    name: str,
    places: int,
    member_classes: list[MemberClass] | None = None,
    release_on: datetime.date | None = None,
) -> SeatPool:
    centre = _lock(centre)
    other = sum(SeatPool.objects.filter(centre=centre).values_list("places", flat=True))
    if other + places > centre.licensed_capacity:
        raise ValidationError(
            _("The pools would share %(n)s places; the centre is licensed for %(max)s.")
            % {"n": other + places, "max": centre.licensed_capacity}
        )
    pool = SeatPool(
        coop_id=centre.coop_id, centre=centre, name=name, places=places, release_on=release_on
    )
    validated_save(pool, by=by)
    same_coop_check(centre.coop_id, *(member_classes or []))
    pool.member_classes.set(member_classes or [])
    return pool


@transaction.atomic
def priority_set(*, centre: Centre, by: Actor, points: dict[str, int]) -> None:
    for criterion, value in points.items():
        rule = PriorityRule.objects.filter(
            centre=centre, criterion=criterion
        ).first() or PriorityRule(coop_id=centre.coop_id, centre=centre, criterion=criterion)
        rule.points = value
        validated_save(rule, by=by)


# Children ----------------------------------------------------------------------------------


@transaction.atomic
def child_profile_save(*, child: Person, by: Actor, **fields: Any) -> ChildProfile:
    profile = ChildProfile.objects.filter(child=child).first() or ChildProfile(
        coop_id=child.coop_id, child=child
    )
    for name, value in fields.items():
        setattr(profile, name, value)
    validated_save(profile, by=by)
    return profile


@transaction.atomic
def collector_add(*, child: Person, by: Actor, **fields: Any) -> AuthorisedCollector:
    collector = AuthorisedCollector(coop_id=child.coop_id, child=child, **fields)
    validated_save(collector, by=by)
    return collector


# Applications and allocation ---------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    child: Person,
    centre: Centre,
    by: Actor,
    wanted_from: datetime.date,
    applied_on: datetime.date | None = None,
    single_working_parent: bool = False,
    special_needs: bool = False,
) -> Application:
    same_coop_check(centre.coop_id, child)
    if child.date_of_birth is None:
        raise ValidationError({"child": _("Record the child's date of birth first.")})
    age = age_in_months(child.date_of_birth, wanted_from)
    if not centre.min_age_months <= age <= centre.max_age_months:
        raise ValidationError(
            {
                "wanted_from": _(
                    "On that date the child will be %(age)s months old; this centre takes "
                    "children from %(min)s to %(max)s months."
                )
                % {"age": age, "min": centre.min_age_months, "max": centre.max_age_months}
            }
        )
    application = Application(
        coop_id=centre.coop_id,
        child=child,
        centre=centre,
        applied_on=applied_on or timezone.localdate(),
        wanted_from=wanted_from,
        single_working_parent=single_working_parent,
        special_needs=special_needs,
    )
    validated_save(application, by=by)
    return application


def candidates_for(centre: Centre, on: datetime.date) -> list[allocation.Candidate]:
    """The waiting applications of a centre as the allocation rules see them (five queries,
    whatever the number of applications; plain values, no model instances)."""
    waiting = Application.objects.filter(centre=centre, status=ApplicationStatus.WAITING)
    applications = list(
        waiting.values_list(
            "pk",
            "applied_on",
            "wanted_from",
            "single_working_parent",
            "special_needs",
            "child_id",
            "child__date_of_birth",
            "child__household_id",
        )
    )
    children = waiting.values("child_id")
    guardians: dict[int, set[int]] = {}
    for child_id, guardian_id in Guardianship.objects.filter(child_id__in=children).values_list(
        "child_id", "guardian_id"
    ):
        guardians.setdefault(child_id, set()).add(guardian_id)
    classes: dict[int, set[int]] = {}
    for person_id, class_id in Membership.objects.filter(
        person__wards__child_id__in=children, status=MembershipStatus.ACTIVE
    ).values_list("person_id", "member_class_id"):
        classes.setdefault(person_id, set()).add(class_id)
    attending_households = set(
        Enrolment.objects.filter(centre=centre, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("child__household_id", flat=True)
    )
    special_needs = set(
        ChildProfile.objects.filter(child_id__in=children)
        .exclude(special_needs="")
        .values_list("child_id", flat=True)
    )
    result = []
    for pk, applied_on, wanted_from, single, special, child_id, born, household_id in applications:
        member_classes = frozenset(
            c for g in guardians.get(child_id, ()) for c in classes.get(g, ())
        )
        result.append(
            allocation.Candidate(
                id=pk,
                applied_on=applied_on,
                age_months=age_in_months(born or wanted_from, max(wanted_from, on)),
                member_class_ids=member_classes,
                sibling_attends=household_id in attending_households,
                single_working_parent=single,
                special_needs=special or child_id in special_needs,
            )
        )
    return result


def waitlist(centre: Centre, on: datetime.date) -> list[allocation.Ranked]:
    points = dict(PriorityRule.objects.filter(centre=centre).values_list("criterion", "points"))
    return allocation.rank(candidates_for(centre, on), points, on)


def _place_state(
    centre: Centre, on: datetime.date
) -> tuple[list[allocation.PoolState], list[allocation.RoomState], int]:
    """Places taken per pool and room: enrolled children plus offers still open."""
    enrolled = list(selectors.active_enrolments(centre, on).values_list("pool_id", "room_id"))
    offered = list(
        Application.objects.filter(centre=centre, status=ApplicationStatus.OFFERED).values_list(
            "offered_pool_id", "offered_room_id"
        )
    )
    taken = enrolled + offered
    pool_classes: dict[int, set[int]] = {}
    for pool_id, class_id in SeatPool.member_classes.through.objects.filter(
        seatpool__centre=centre
    ).values_list("seatpool_id", "memberclass_id"):
        pool_classes.setdefault(pool_id, set()).add(class_id)
    pools = [
        allocation.PoolState(
            id=p.pk,
            places=p.places,
            filled=sum(1 for pool_id, _r in taken if pool_id == p.pk),
            member_class_ids=frozenset(pool_classes.get(p.pk, ())),
            released=p.release_on is not None and p.release_on <= on,
        )
        for p in SeatPool.objects.filter(centre=centre)
    ]
    rooms = [
        allocation.RoomState(
            id=r.pk,
            min_age_months=r.min_age_months,
            max_age_months=r.max_age_months,
            capacity=r.capacity,
            filled=sum(1 for _p, room_id in taken if room_id == r.pk),
        )
        for r in Room.objects.filter(centre=centre)
    ]
    return pools, rooms, len(taken)


@dataclass
class AllocationResult:
    offered: int
    expired: int
    unplaced: dict[int, str]


@transaction.atomic
def places_allocate(
    *, centre: Centre, by: Actor, on: datetime.date | None = None, offer_days: int = 14
) -> AllocationResult:
    """Expire stale offers, then offer free places to the waitlist in rank order. Safe to rerun."""
    on = on or timezone.localdate()
    centre = _lock(centre)
    expired = offers_expire(centre=centre, on=on)
    pools, rooms, taken = _place_state(centre, on)
    outcome = allocation.allocate(
        waitlist(centre, on),
        pools=pools,
        rooms=rooms,
        licensed=centre.licensed_capacity,
        enrolled=taken,
    )
    # The rows were validated when submitted; the allocation sets only what it decided, in one
    # UPDATE per (pool, room) pair, and records the history of each row.
    expires = on + datetime.timedelta(days=offer_days)
    groups: dict[tuple[int, int], list[int]] = {}
    for offer in outcome.offers:
        groups.setdefault((offer.pool_id, offer.room_id), []).append(offer.candidate_id)
    for (pool_id, room_id), ids in groups.items():
        Application.objects.filter(centre=centre, pk__in=ids).update(
            status=ApplicationStatus.OFFERED,
            offered_pool_id=pool_id,
            offered_room_id=room_id,
            offer_expires_on=expires,
        )
    offered = list(Application.objects.filter(pk__in=[o.candidate_id for o in outcome.offers]))
    get_history_manager_for_model(Application).bulk_history_create(
        offered, batch_size=500, default_user=by
    )
    return AllocationResult(len(outcome.offers), expired, outcome.unplaced)


@transaction.atomic
def places_allocate_cooperative(
    *, coop: Organisation, by: Actor, on: datetime.date | None = None, offer_days: int = 14
) -> dict[int, AllocationResult]:
    """Allocate in every centre of a cooperative, in one transaction (the nightly job)."""
    return {
        centre.pk: places_allocate(centre=centre, by=by, on=on, offer_days=offer_days)
        for centre in Centre.objects.filter(coop=coop).order_by("pk")
    }


def offers_expire(*, centre: Centre, on: datetime.date) -> int:
    """Offers not answered in time go back to the pool. Running it twice changes nothing."""
    stale = Application.objects.filter(
        centre=centre, status=ApplicationStatus.OFFERED, offer_expires_on__lt=on
    )
    count = 0
    for application in stale:
        application.status = ApplicationStatus.EXPIRED
        application.save(update_fields=["status"])
        count += 1
    return count


@transaction.atomic
def offer_answer(
    *, application: Application, by: Actor, accept: bool, starts_on: datetime.date | None = None
) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.OFFERED:
        raise ValidationError(_("There is no open offer on this application."))
    today = timezone.localdate()
    if application.offer_expires_on and application.offer_expires_on < today:
        raise ValidationError(_("This offer has expired."))
    if not accept:
        application.status = ApplicationStatus.DECLINED
        validated_save(application, by=by)
        return application
    assert application.offered_room is not None
    application.status = ApplicationStatus.ACCEPTED
    validated_save(application, by=by)
    enrolment_create(
        child=application.child,
        room=application.offered_room,
        pool=application.offered_pool,
        starts_on=starts_on or max(application.wanted_from, today),
        by=by,
        holding_offer=True,
    )
    return application


# Enrolment and bookings --------------------------------------------------------------------


@transaction.atomic
def enrolment_create(
    *,
    child: Person,
    room: Room,
    by: Actor,
    starts_on: datetime.date,
    pool: SeatPool | None = None,
    days: str = "12345",
    holding_offer: bool = False,
) -> Enrolment:
    """Enrol a child in a room. The room, the pool and the licence are never exceeded; a child
    whose offer is being accepted already holds the place that the offer reserved."""
    centre = _lock(room.centre)
    if child.date_of_birth is None:
        raise ValidationError(_("Record the child's date of birth first."))
    age = age_in_months(child.date_of_birth, starts_on)
    if not room.min_age_months <= age <= room.max_age_months:
        raise ValidationError(
            _(
                "On %(date)s the child will be %(age)s months old; %(room)s takes children "
                "from %(min)s to %(max)s months."
            )
            % {
                "date": starts_on.isoformat(),
                "age": age,
                "room": room.name,
                "min": room.min_age_months,
                "max": room.max_age_months,
            }
        )
    if selectors.active_enrolments(centre, starts_on).filter(child=child).exists():
        raise ValidationError(_("This child is already enrolled here on that date."))
    active = selectors.active_enrolments(centre, starts_on)
    held = 0 if holding_offer else 1
    offers = Application.objects.filter(centre=centre, status=ApplicationStatus.OFFERED)
    if (
        active.filter(room=room).count() + offers.filter(offered_room=room).count() + held
        > room.capacity
    ):
        raise ValidationError(_("%(room)s is full.") % {"room": room.name})
    if pool is not None and (
        active.filter(pool=pool).count() + offers.filter(offered_pool=pool).count() + held
        > pool.places
    ):
        raise ValidationError(_("The pool %(pool)s is full.") % {"pool": pool.name})
    if active.count() + offers.count() + held > centre.licensed_capacity:
        raise ValidationError(_("The centre is full (licensed places)."))
    enrolment = Enrolment(
        coop_id=centre.coop_id,
        child=child,
        centre=centre,
        room=room,
        pool=pool,
        starts_on=starts_on,
        days=days,
    )
    validated_save(enrolment, by=by)
    return enrolment


@transaction.atomic
def enrolment_move(*, enrolment: Enrolment, room: Room, by: Actor, on: datetime.date) -> Enrolment:
    """Move a child to another room (as they grow), ending the old enrolment the day before."""
    if room.centre_id != enrolment.centre_id:
        raise ValidationError(_("A child moves between rooms of the same centre."))
    enrolment.ends_on = on - datetime.timedelta(days=1)
    validated_save(enrolment, by=by)
    return enrolment_create(
        child=enrolment.child,
        room=room,
        pool=enrolment.pool,
        starts_on=on,
        days=enrolment.days,
        by=by,
        holding_offer=False,
    )


@transaction.atomic
def enrolment_move_due(*, enrolment: Enrolment, by: Actor, on: datetime.date) -> Enrolment:
    """Move a child who has outgrown their room to the room that now fits their age (the moves
    the centre's page proposes); refused when the child does not need to move."""
    move = next(
        (
            m
            for m in selectors.moves_due(centre=enrolment.centre, on=on)
            if m.enrolment.pk == enrolment.pk
        ),
        None,
    )
    if move is None:
        raise ValidationError(_("This child does not need to move."))
    return enrolment_move(enrolment=enrolment, room=move.room, by=by, on=on)


def hours_on(centre: Centre, day: datetime.date) -> tuple[datetime.time, datetime.time] | None:
    """Opening hours on a day, or None when the centre is closed."""
    if Closure.objects.filter(centre=centre, starts_on__lte=day, ends_on__gte=day).exists():
        return None
    hours = list(OpeningHours.objects.filter(centre=centre))
    if not hours:
        return (centre.opens_at, centre.closes_at) if day.isoweekday() <= 5 else None
    for h in hours:
        if h.weekday == day.isoweekday():
            return h.opens_at, h.closes_at
    return None


@transaction.atomic
def booking_set(
    *,
    enrolment: Enrolment,
    by: Actor,
    date: datetime.date,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
) -> Booking:
    """Book care for a day, within the opening hours. Without times: 'time not yet known'."""
    hours = hours_on(enrolment.centre, date)
    if hours is None:
        raise ValidationError({"date": _("The centre is closed on that day.")})
    if enrolment.starts_on > date or (enrolment.ends_on and enrolment.ends_on < date):
        raise ValidationError({"date": _("The child is not enrolled on that day.")})
    opens, closes = hours
    for value in (starts_at, ends_at):
        if value is not None and not opens <= value <= closes:
            raise ValidationError(
                _("The centre is open from %(opens)s to %(closes)s on that day.")
                % {"opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
            )
    booking = Booking.objects.filter(enrolment=enrolment, date=date).first() or Booking(
        coop_id=enrolment.coop_id, enrolment=enrolment, date=date
    )
    booking.starts_at, booking.ends_at = starts_at, ends_at
    validated_save(booking, by=by)
    return booking


@transaction.atomic
def child_booking_set(
    *,
    child: Person,
    by: Actor,
    date: datetime.date,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
) -> Booking:
    """Book care for a child on a day, in the enrolment she has on that day."""
    enrolment = selectors.active_enrolments_of(child, date).first()
    if enrolment is None:
        raise ValidationError({"date": _("The child is not enrolled on that day.")})
    return booking_set(enrolment=enrolment, by=by, date=date, starts_at=starts_at, ends_at=ends_at)
