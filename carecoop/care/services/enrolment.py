"""Writes about enrolment in a room and the days booked."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecoop.care import allocation, selectors
from carecoop.care.models import Application, ApplicationStatus, Booking, Enrolment, Room, SeatPool
from carecoop.care.services.centres import _lock, hours_on
from carecoop.core.services import validated_save
from carecoop.core.types import Actor
from carecoop.members.models import Person


def age_in_months(born: datetime.date, on: datetime.date) -> int:
    return allocation.months_between(born, on)


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
