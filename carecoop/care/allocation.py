"""Waitlist ranking and place allocation, as pure functions over plain data.

Kept free of the database so the rules can be read in one place and tested exhaustively: the
services load the state, call these, and write the result.
"""

import datetime
import enum
from dataclasses import dataclass, field

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecoop.core.dates import day_text


@dataclass(frozen=True)
class Candidate:
    """An application as the rules see it."""

    id: int
    applied_on: datetime.date
    age_months: int  # On the day the place is wanted.
    member_class_ids: frozenset[int] = frozenset()  # Active memberships of the child's guardians.
    sibling_attends: bool = False
    single_working_parent: bool = False
    special_needs: bool = False


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    points: int
    reasons: tuple[str, ...]


@dataclass
class PoolState:
    id: int
    places: int
    filled: int
    member_class_ids: frozenset[int] = frozenset()  # Empty: open to everyone.
    released: bool = False  # Its release date has passed: empty places may go to anyone.
    name: str = ""
    release_on: datetime.date | None = None  # Only to explain: ``released`` decides.

    @property
    def free(self) -> int:
        return max(self.places - self.filled, 0)

    def admits(self, candidate: Candidate) -> bool:
        return not self.member_class_ids or bool(self.member_class_ids & candidate.member_class_ids)


@dataclass
class RoomState:
    id: int
    min_age_months: int
    max_age_months: int
    capacity: int
    filled: int
    name: str = ""

    @property
    def free(self) -> int:
        return max(self.capacity - self.filled, 0)

    def fits(self, candidate: Candidate) -> bool:
        return self.min_age_months <= candidate.age_months <= self.max_age_months


@dataclass(frozen=True)
class Offer:
    candidate_id: int
    pool_id: int
    room_id: int


class Why(enum.StrEnum):
    """Why the allocation gave a candidate no place."""

    LICENCE = "licence"  # The centre holds as many children as it is licensed for.
    TOO_YOUNG = "too_young"  # Younger than every room takes.
    TOO_OLD = "too_old"  # Older than every room takes.
    NO_ROOM = "no_room"  # Between the rooms' ages.
    ROOM_FULL = "room_full"  # The rooms for the age are full.
    NO_POOLS = "no_pools"  # The centre has no pool of places.
    NO_POOL_PLACE = "no_pool_place"  # No free place in a pool the family may use.


@dataclass(frozen=True)
class Held:
    """Free places of a reserved pool kept for its member classes until its release date."""

    pool_id: int
    name: str
    free: int
    release_on: datetime.date | None

    def html(self) -> SafeString:
        name = format_html("<bdi>{}</bdi>", self.name)
        if self.release_on is None:
            return sentence(
                ngettext(
                    "Pool “%(pool)s” keeps %(n)s free place for its member classes; it has no "
                    "release date.",
                    "Pool “%(pool)s” keeps %(n)s free places for its member classes; it has no "
                    "release date.",
                    self.free,
                ),
                pool=name,
                n=self.free,
            )
        return sentence(
            ngettext(
                "Pool “%(pool)s” keeps %(n)s free place for its member classes until %(date)s.",
                "Pool “%(pool)s” keeps %(n)s free places for its member classes until %(date)s.",
                self.free,
            ),
            pool=name,
            n=self.free,
            date=day_text(self.release_on, "long"),
        )


@dataclass(frozen=True)
class Unplaced:
    """Why a candidate was given no place, with what the words need."""

    why: Why
    age_months: int = 0
    ages: tuple[int, int] = (0, 0)  # The youngest and oldest ages the rooms take.
    room: str = ""  # The full room of the child's age.
    held: tuple[Held, ...] = ()  # Reserved pools with free places this family may not use yet.

    def html(self) -> SafeString:
        """The reason in words of the active language, names isolated (``<bdi>``)."""
        why, age = self.why, self.age_months
        if why is Why.LICENCE:
            return sentence(_("The centre is full (licensed places)."))
        if why is Why.TOO_YOUNG:
            return sentence(
                ngettext(
                    "Too young for the rooms: the child will be %(age)s month old; the youngest "
                    "room takes children from %(min)s months.",
                    "Too young for the rooms: the child will be %(age)s months old; the youngest "
                    "room takes children from %(min)s months.",
                    age,
                ),
                age=age,
                min=self.ages[0],
            )
        if why is Why.TOO_OLD:
            return sentence(
                ngettext(
                    "Too old for the rooms: the child will be %(age)s month old; the oldest room "
                    "takes children up to %(max)s months.",
                    "Too old for the rooms: the child will be %(age)s months old; the oldest room "
                    "takes children up to %(max)s months.",
                    age,
                ),
                age=age,
                max=self.ages[1],
            )
        if why is Why.NO_ROOM:
            return sentence(_("No room takes children of this age."))
        if why is Why.ROOM_FULL:
            return sentence(
                _("No free place in the room for this age (%(room)s)."),
                room=format_html("<bdi>{}</bdi>", self.room),
            )
        if why is Why.NO_POOLS:
            return sentence(_("The centre has no pool of places to offer a place from."))
        text = sentence(_("No place is free in a pool this family may use."))
        return mark_safe(" ".join([text, *(h.html() for h in self.held)]))  # noqa: S308

    def __str__(self) -> str:
        return str(self.html())


def sentence(text: str, **values: str | int) -> SafeString:
    """A translated sentence with its values put in, escaped unless already safe."""
    escaped = str(conditional_escape(text))
    if values:
        escaped %= {
            k: v if isinstance(v, int) else conditional_escape(v) for k, v in values.items()
        }
    return mark_safe(escaped)  # noqa: S308


@dataclass
class Outcome:
    offers: list[Offer] = field(default_factory=list)
    unplaced: dict[int, Unplaced] = field(default_factory=dict)  # Candidate id: why.


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Full months from ``start`` to ``end`` (0 when end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def rank(candidates: list[Candidate], points: dict[str, int], on: datetime.date) -> list[Ranked]:
    """Order applications by points, then by who applied first; every position is explained."""
    ranked = []
    member, sibling = _("A guardian is an active member"), _("A brother or sister already attends")
    single, special = _("Single working parent"), _("Child with special needs")
    for c in candidates:
        waited = months_between(c.applied_on, on)
        earned = [
            (bool(c.member_class_ids), "member", member, 1),
            (c.sibling_attends, "sibling", sibling, 1),
            (c.single_working_parent, "single_parent", single, 1),
            (c.special_needs, "special_needs", special, 1),
            (
                waited > 0,
                "waiting_month",
                ngettext("Waiting for %(months)s month", "Waiting for %(months)s months", waited)
                % {"months": waited},
                waited,
            ),
        ]
        total = 0
        reasons = []
        for applies, criterion, text, times in earned:
            value = points.get(criterion, 0) * times if applies else 0
            if value:
                total += value
                reasons.append(
                    ngettext("%(why)s: %(n)s point", "%(why)s: %(n)s points", value)
                    % {"why": text, "n": value}
                )
        ranked.append(Ranked(c, total, tuple(reasons)))
    ranked.sort(key=lambda r: (-r.points, r.candidate.applied_on, r.candidate.id))
    return ranked


def allocate(
    ranked: list[Ranked],
    *,
    pools: list[PoolState],
    rooms: list[RoomState],
    licensed: int,
    enrolled: int,
) -> Outcome:
    """Offer places in rank order without exceeding any pool, room or the licence.

    A candidate takes a place first from a pool reserved for their member class, then from an
    open pool, then from a reserved pool whose unfilled places have been released.
    """
    outcome = Outcome()
    total = enrolled
    for entry in ranked:
        candidate = entry.candidate
        if total >= licensed:
            outcome.unplaced[candidate.id] = Unplaced(Why.LICENCE)
            continue
        fitting = [r for r in rooms if r.fits(candidate)]
        room = next((r for r in fitting if r.free > 0), None)
        if room is None:
            outcome.unplaced[candidate.id] = _no_room(candidate, rooms, fitting)
            continue
        pool = (
            next((p for p in pools if p.member_class_ids and p.admits(candidate) and p.free), None)
            or next((p for p in pools if not p.member_class_ids and p.free), None)
            or next((p for p in pools if p.released and p.free), None)
        )
        if pool is None:
            outcome.unplaced[candidate.id] = (
                Unplaced(Why.NO_POOL_PLACE, held=held_from(candidate, pools))
                if pools
                else Unplaced(Why.NO_POOLS)
            )
            continue
        pool.filled += 1
        room.filled += 1
        total += 1
        outcome.offers.append(Offer(candidate.id, pool.id, room.id))
    return outcome


def _no_room(candidate: Candidate, rooms: list[RoomState], fitting: list[RoomState]) -> Unplaced:
    age = candidate.age_months
    if fitting:
        return Unplaced(Why.ROOM_FULL, age_months=age, room=fitting[0].name)
    if not rooms:
        return Unplaced(Why.NO_ROOM, age_months=age)
    ages = (min(r.min_age_months for r in rooms), max(r.max_age_months for r in rooms))
    why = Why.TOO_YOUNG if age < ages[0] else Why.TOO_OLD if age > ages[1] else Why.NO_ROOM
    return Unplaced(why, age_months=age, ages=ages)


def held_from(candidate: Candidate | None, pools: list[PoolState]) -> tuple[Held, ...]:
    """The free places of reserved pools, not yet released, that ``candidate`` (or, without one,
    anyone outside the pools' member classes) may not take."""
    return tuple(
        Held(p.id, p.name, p.free, p.release_on)
        for p in pools
        if p.member_class_ids
        and not p.released
        and p.free
        and (candidate is None or not p.admits(candidate))
    )
