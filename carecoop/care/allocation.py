"""Waitlist ranking and place allocation, as pure functions over plain data.

Kept free of the database so the rules can be read in one place and tested exhaustively: the
services load the state, call these, and write the result.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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


@dataclass
class Outcome:
    offers: list[Offer] = field(default_factory=list)
    unplaced: dict[int, str] = field(default_factory=dict)  # Candidate id: why, in words.


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
            outcome.unplaced[candidate.id] = _("The centre is full (licensed places).")
            continue
        room = next((r for r in rooms if r.fits(candidate) and r.free > 0), None)
        if room is None:
            if not any(r.fits(candidate) for r in rooms):
                outcome.unplaced[candidate.id] = _("No room takes children of this age.")
            else:
                outcome.unplaced[candidate.id] = _("The room for this age is full.")
            continue
        pool = (
            next((p for p in pools if p.member_class_ids and p.admits(candidate) and p.free), None)
            or next((p for p in pools if not p.member_class_ids and p.free), None)
            or next((p for p in pools if p.released and p.free), None)
        )
        if pool is None:
            outcome.unplaced[candidate.id] = _("No place is free in a pool this family may use.")
            continue
        pool.filled += 1
        room.filled += 1
        total += 1
        outcome.offers.append(Offer(candidate.id, pool.id, room.id))
    return outcome
