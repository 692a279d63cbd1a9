"""Writes about applications for a place, the waitlist and the allocation of places."""

import datetime
import enum
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import get_history_manager_for_model

from carecoop.care import allocation, selectors
from carecoop.care.models import (
    Application,
    ApplicationStatus,
    ChildProfile,
    Enrolment,
    PriorityRule,
    Room,
    SeatPool,
    SeatPoolClass,
)
from carecoop.care.services.centres import _lock
from carecoop.care.services.enrolment import age_in_months, enrolment_create
from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.members.models import Guardianship, Membership, MembershipStatus, Person
from carecoop.tenancy.models import Centre, Organisation


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


def _open_offers(centre: Centre, on: datetime.date) -> QuerySet[Application]:
    """Offers that hold a place on ``on``: not answered and not past their answer date."""
    return Application.objects.filter(
        Q(offer_expires_on__isnull=True) | Q(offer_expires_on__gte=on),
        centre=centre,
        status=ApplicationStatus.OFFERED,
    )


def candidates_for(
    centre: Centre, on: datetime.date, *, with_offers: bool = False
) -> list[allocation.Candidate]:
    """The waiting applications of a centre as the allocation rules see them (five queries,
    whatever the number of applications; plain values, no model instances); ``with_offers``
    adds the applications holding an open offer."""
    waiting = Application.objects.filter(centre=centre, status=ApplicationStatus.WAITING)
    if with_offers:
        waiting = waiting | _open_offers(centre, on)
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


def waitlist(
    centre: Centre, on: datetime.date, *, with_offers: bool = False
) -> list[allocation.Ranked]:
    points = dict(PriorityRule.objects.filter(centre=centre).values_list("criterion", "points"))
    return allocation.rank(candidates_for(centre, on, with_offers=with_offers), points, on)


def _place_state(
    centre: Centre, on: datetime.date
) -> tuple[list[allocation.PoolState], list[allocation.RoomState], int]:
    """Places taken per pool and room: enrolled children plus offers still open."""
    enrolled = list(selectors.active_enrolments(centre, on).values_list("pool_id", "room_id"))
    offered = list(_open_offers(centre, on).values_list("offered_pool_id", "offered_room_id"))
    taken = enrolled + offered
    pool_classes: dict[int, set[int]] = {}
    for pool_id, class_id in SeatPoolClass.objects.filter(pool__centre=centre).values_list(
        "pool_id", "member_class_id"
    ):
        pool_classes.setdefault(pool_id, set()).add(class_id)
    pools = [
        allocation.PoolState(
            id=p.pk,
            places=p.places,
            filled=sum(1 for pool_id, _r in taken if pool_id == p.pk),
            member_class_ids=frozenset(pool_classes.get(p.pk, ())),
            released=p.release_on is not None and p.release_on <= on,
            name=p.name,
            release_on=p.release_on,
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
            name=r.name,
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
    return AllocationResult(
        len(outcome.offers), expired, {pk: str(why) for pk, why in outcome.unplaced.items()}
    )


class Standing(enum.StrEnum):
    NEXT = "next"  # A place is free for the child: the next allocation offers it.
    SKIPPED = "skipped"  # Not offered a place while a child ranked below holds or gets one.
    WAITING = "waiting"  # No place for the child, and none for anyone ranked below either.


@dataclass(frozen=True)
class WaitingRow:
    position: int  # Among the children waiting.
    ranked: allocation.Ranked
    standing: Standing
    why: allocation.Unplaced | None  # Why no place can be offered now; None for NEXT.


@dataclass
class Waitlist:
    """The waitlist with what the allocation would do now, explained."""

    rows: list[WaitingRow]
    free: int  # Licensed places neither taken by a child enrolled nor held by an open offer.
    can_offer: int  # Children the next allocation offers a place.
    held: tuple[allocation.Held, ...]  # Free places reserved pools keep after those offers.
    outside_pools: int  # Free licensed places that belong to no pool, so cannot be offered.

    @property
    def left(self) -> int:
        """Free places the next allocation cannot offer to anyone waiting."""
        return max(self.free - self.can_offer, 0)

    @property
    def unplaced(self) -> int:
        return sum(1 for row in self.rows if row.standing is not Standing.NEXT)


def waitlist_explained(centre: Centre, on: datetime.date) -> Waitlist:
    """The children waiting, in rank order, each with what the allocation rules decide for them
    today: a place is free for them, or why not (and whether a child ranked below holds or would
    get a place). The rules are the very ones ``places_allocate`` runs, over the same state, so
    the page says what the button does (a fixed number of queries)."""
    pools, rooms, taken = _place_state(centre, on)
    ranked = waitlist(centre, on, with_offers=True)
    offered = set(_open_offers(centre, on).values_list("pk", flat=True))
    waiting = [r for r in ranked if r.candidate.id not in offered]
    outcome = allocation.allocate(
        waiting, pools=pools, rooms=rooms, licensed=centre.licensed_capacity, enrolled=taken
    )
    placed = offered | {o.candidate_id for o in outcome.offers}
    standings: dict[int, Standing] = {}
    below = False  # Whether a child ranked below holds or would get a place.
    for entry in reversed(ranked):
        pk = entry.candidate.id
        if pk in placed:
            below = True
            standings[pk] = Standing.NEXT
        else:
            standings[pk] = Standing.SKIPPED if below else Standing.WAITING
    rows = [
        WaitingRow(position, r, standings[r.candidate.id], outcome.unplaced.get(r.candidate.id))
        for position, r in enumerate(waiting, 1)
    ]
    free = max(centre.licensed_capacity - taken, 0)
    left = free - len(outcome.offers)
    return Waitlist(
        rows=rows,
        free=free,
        can_offer=len(outcome.offers),
        held=allocation.held_from(None, pools),
        outside_pools=max(left - sum(p.free for p in pools), 0),
    )


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
