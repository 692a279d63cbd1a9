"""Writes about centres: their details, opening hours and closures, rooms, pools of places
and priority points."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoop.care import selectors
from carecoop.care.models import Closure, OpeningHours, PriorityRule, Room, SeatPool
from carecoop.core.dates import day_text
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.members.models import MemberClass
from carecoop.tenancy.models import Centre, Organisation


def _lock(centre: Centre) -> Centre:
    """Serialise the writes that count places in one centre."""
    return Centre.objects.select_for_update().get(pk=centre.pk)


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
    pool.member_classes.set(member_classes or [], through_defaults={"coop_id": pool.coop_id})
    return pool


def pool_started_on(pool: SeatPool) -> datetime.date | None:
    """The day the pool was made (its first history row, in the cooperative's time zone); None
    for a pool written without history."""
    made = (
        SeatPool.history.filter(coop_id=pool.coop_id, id=pool.pk, history_type="+")
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return timezone.localdate(made) if made else None


@transaction.atomic
def pool_release_set(*, pool: SeatPool, by: Actor, release_on: datetime.date | None) -> SeatPool:
    """Set the day from which a pool's unfilled places may go to the other pools' applicants
    (None: the pool keeps them). Not before the pool was made."""
    _lock(pool.centre)
    pool = SeatPool.objects.get(pk=pool.pk)
    started = pool_started_on(pool)
    if release_on is not None and started is not None and release_on < started:
        raise ValidationError(
            {
                "release_on": _(
                    "The pool was made on %(start)s; its places cannot be released before."
                )
                % {"start": day_text(started, "long")}
            }
        )
    pool.release_on = release_on
    validated_save(pool, by=by)
    return pool


@transaction.atomic
def priority_set(*, centre: Centre, by: Actor, points: dict[str, int]) -> None:
    for criterion, value in points.items():
        rule = PriorityRule.objects.filter(
            centre=centre, criterion=criterion
        ).first() or PriorityRule(coop_id=centre.coop_id, centre=centre, criterion=criterion)
        rule.points = value
        validated_save(rule, by=by)


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
