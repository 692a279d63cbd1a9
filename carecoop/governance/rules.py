"""The arithmetic of member control, as plain functions: eligibility, quorum, majorities,
class-weighted tallies and election results. Exact fractions, no floating point, no database.

Class weights (multi-stakeholder cooperatives): each class holds a fixed share of the total
vote whatever its head count. Inside a class every member counts the same, so a choice receives
``weight * (the class's votes for it / the class's base)``; the base is the class's votes cast
(for and against) or its members present, as the statutes say. A class with nobody in its base
takes no part. Without weights it is one member, one vote.
"""

import datetime
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SIMPLE = "simple"
TWO_THIRDS = "two_thirds"
THREE_QUARTERS = "three_quarters"
THRESHOLDS = {SIMPLE: Fraction(1, 2), TWO_THIRDS: Fraction(2, 3), THREE_QUARTERS: Fraction(3, 4)}
CAST = "cast"
PRESENT = "present"
FOR, AGAINST, ABSTAIN = "for", "against", "abstain"


# Eligibility ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """What the register says about one member on one date."""

    status: str
    admitted_on: datetime.date | None
    may_vote: bool
    may_hold_office: bool
    paid_shares: int
    min_paid_shares: int
    arrears_months: int
    max_arrears_months: int | None
    min_months_member: int = 0


def months_member(admitted_on: datetime.date | None, on: datetime.date) -> int:
    if admitted_on is None or admitted_on > on:
        return 0
    months = (on.year - admitted_on.year) * 12 + on.month - admitted_on.month
    return months - (1 if on.day < admitted_on.day else 0)


def _good_standing(standing: Standing, on: datetime.date) -> list[str]:
    reasons = []
    if standing.status != "active" or standing.admitted_on is None or standing.admitted_on > on:
        reasons.append(_("The membership is not active."))
    if standing.paid_shares < standing.min_paid_shares:
        reasons.append(
            ngettext(
                "%(paid)s share paid up; the statutes ask for at least %(needed)s.",
                "%(paid)s shares paid up; the statutes ask for at least %(needed)s.",
                standing.paid_shares,
            )
            % {"paid": standing.paid_shares, "needed": standing.min_paid_shares}
        )
    if (
        standing.max_arrears_months is not None
        and standing.arrears_months > standing.max_arrears_months
    ):
        reasons.append(
            ngettext(
                "An instalment of shares has been overdue for %(months)s month; "
                "at most %(allowed)s are allowed.",
                "An instalment of shares has been overdue for %(months)s months; "
                "at most %(allowed)s are allowed.",
                standing.arrears_months,
            )
            % {"months": standing.arrears_months, "allowed": standing.max_arrears_months}
        )
    if standing.min_months_member and months_member(standing.admitted_on, on) < (
        standing.min_months_member
    ):
        reasons.append(
            ngettext(
                "A member for less than %(months)s month.",
                "A member for less than %(months)s months.",
                standing.min_months_member,
            )
            % {"months": standing.min_months_member}
        )
    return reasons


def vote_refusals(standing: Standing, on: datetime.date) -> list[str]:
    """Why the member may not vote on ``on``, in words; an empty list means they may."""
    reasons = _good_standing(standing, on)
    if not standing.may_vote:
        reasons.insert(0, _("Members of this class do not vote."))
    return reasons


def office_refusals(standing: Standing, on: datetime.date) -> list[str]:
    """Why the member may not stand for office on ``on``; empty means they may."""
    reasons = _good_standing(standing, on)
    if not standing.may_hold_office:
        reasons.append(_("Members of this class cannot hold office."))
    return reasons


# Quorum --------------------------------------------------------------------------------------


def quorum_needed(members: int, percent: int) -> int:
    """At least ``percent`` % of the members, rounded up, and never fewer than one person."""
    return max(1, -(-members * percent // 100))


def quorum_met(*, members: int, present: int, percent: int) -> bool:
    return present >= quorum_needed(members, percent)


def call_at(
    at: datetime.datetime,
    first_call_at: datetime.datetime,
    second_call_at: datetime.datetime | None,
) -> int:
    """Which call a meeting opened at ``at`` answers: 1, or 2 once the second call has come."""
    return 2 if second_call_at is not None and at >= second_call_at else 1


# Majorities and weights ----------------------------------------------------------------------


def majority_reached(majority: str, in_favour: Fraction, base: Fraction) -> bool:
    """Simple: more than half the base. Two-thirds and three-quarters: at least that share."""
    if base <= 0:
        return False
    if majority == SIMPLE:
        return in_favour * 2 > base
    return in_favour >= THRESHOLDS[majority] * base


def class_weights(weights: Mapping[Any, int | None]) -> dict[Any, Fraction] | None:
    """Each voting class's share of the vote, or None for one member, one vote.

    Classes with no share set split what the others leave of 100 % equally."""
    if all(w is None for w in weights.values()):
        return None
    fixed = sum(w for w in weights.values() if w is not None)
    free = [c for c, w in weights.items() if w is None]
    rest = Fraction(max(0, 100 - fixed), len(free)) if free else Fraction(0)
    return {c: Fraction(w) if w is not None else rest for c, w in weights.items()}


@dataclass(frozen=True)
class MotionTally:
    in_favour: Fraction
    against: Fraction
    abstain: Fraction
    base: Fraction
    carried: bool
    weighted: bool
    by_class: dict[Any, dict[str, int]] = field(default_factory=dict)


def tally_motion(
    *,
    counts: Mapping[Any, Mapping[str, int]],
    present: Mapping[Any, int],
    weights: Mapping[Any, int | None],
    majority: str,
    base: str,
) -> MotionTally:
    """Count a motion. ``counts`` holds, per class, the votes for, against and abstaining
    (blank ballots abstain); ``present``, per class, the members present or represented."""
    classes = set(counts) | set(present)
    table = {
        c: {
            FOR: int(counts.get(c, {}).get(FOR, 0)),
            AGAINST: int(counts.get(c, {}).get(AGAINST, 0)),
            ABSTAIN: int(counts.get(c, {}).get(ABSTAIN, 0)),
            PRESENT: int(present.get(c, 0)),
        }
        for c in classes
    }
    shares = class_weights({c: weights.get(c) for c in classes})

    def class_base(row: dict[str, int]) -> int:
        return row[FOR] + row[AGAINST] if base == CAST else row[PRESENT]

    if shares is None:
        in_favour = Fraction(sum(r[FOR] for r in table.values()))
        against = Fraction(sum(r[AGAINST] for r in table.values()))
        abstain = Fraction(sum(r[ABSTAIN] for r in table.values()))
        total = Fraction(sum(class_base(r) for r in table.values()))
    else:
        in_favour = against = abstain = total = Fraction(0)
        for c, row in table.items():
            size = class_base(row)
            if size <= 0 or shares[c] <= 0:
                continue
            in_favour += shares[c] * row[FOR] / size
            against += shares[c] * row[AGAINST] / size
            abstain += shares[c] * row[ABSTAIN] / size
            total += shares[c]
    return MotionTally(
        in_favour=in_favour,
        against=against,
        abstain=abstain,
        base=total,
        carried=majority_reached(majority, in_favour, total),
        weighted=shares is not None,
        by_class=table,
    )


@dataclass(frozen=True)
class MotionShares:
    """A motion's result as shares (fractions of one) of its majority's base, which is what the
    minutes print as percentages.

    Of the votes cast (``CAST``): abstentions are not votes cast. For and against share the
    votes cast between them (they make 100 %), and abstentions are shown apart, as the number
    of members who abstained (``abstain`` is None): a share of the votes cast would have no
    meaning and would make the line add up to more than 100 %.

    Of the members present or represented (``PRESENT``): everyone present is in the base, so an
    abstention counts against the majority as surely as a vote against. For, against and
    abstaining are each a share of those present, and what they leave of 100 % is those
    present who did not vote (``silent``)."""

    in_favour: Fraction
    against: Fraction
    abstain: Fraction | None
    silent: Fraction | None


def motion_shares(tally: MotionTally, base: str) -> MotionShares:
    """``tally`` (from ``tally_motion`` with the same ``base``) as shares of its base; zero
    shares where nobody is in the base."""
    if tally.base <= 0:
        zero = Fraction(0)
        return MotionShares(
            zero, zero, zero if base == PRESENT else None, zero if base == PRESENT else None
        )
    in_favour = tally.in_favour / tally.base
    against = tally.against / tally.base
    if base == CAST:
        return MotionShares(in_favour, against, None, None)
    abstain = tally.abstain / tally.base
    return MotionShares(
        in_favour, against, abstain, max(Fraction(0), 1 - in_favour - against - abstain)
    )


def motion_heads(tally: MotionTally) -> dict[str, int]:
    """The members who voted for, against and abstained, by head whatever the weights."""
    return {
        key: sum(row[key] for row in tally.by_class.values()) for key in (FOR, AGAINST, ABSTAIN)
    }


def tally_election(
    *,
    counts: Mapping[Any, Mapping[Any, int]],
    ballots: Mapping[Any, int],
    weights: Mapping[Any, int | None],
) -> dict[Any, Fraction]:
    """Votes per candidate. ``counts``: per voter class, marks per candidate; ``ballots``: per
    voter class, the ballots cast (blank included). Weighted: a class's share of the vote times
    the share of its ballots that marked the candidate."""
    classes = set(counts) | set(ballots)
    shares = class_weights({c: weights.get(c) for c in classes})
    votes: dict[Any, Fraction] = {}
    for c in classes:
        size = int(ballots.get(c, 0))
        for candidate, marks in counts.get(c, {}).items():
            if shares is None:
                add = Fraction(int(marks))
            elif size <= 0:
                add = Fraction(0)
            else:
                add = shares[c] * int(marks) / size
            votes[candidate] = votes.get(candidate, Fraction(0)) + add
    return votes


@dataclass(frozen=True)
class Outcome:
    order: list[Any]
    elected: list[Any]
    tie_broken: list[Any]  # candidates whose place was decided by the tie rule at the cut-off


def elect(
    *,
    candidates: Iterable[Any],
    votes: Mapping[Any, Fraction],
    seats: int,
    tie_rule: str,
    seniority: Mapping[Any, datetime.date | None],
    seed: str,
) -> Outcome:
    """Rank candidates by votes; ties are ordered by the statutes' rule (the longer-standing
    member first, then lots; or lots alone, drawn with ``seed`` so anyone can redraw them).
    The first ``seats`` candidates with at least one vote are elected."""
    pool = sorted(candidates, key=str)
    drawn = random.Random(seed).sample(pool, len(pool))
    lot = {c: i for i, c in enumerate(drawn)}
    far = datetime.date.max

    def key(c: Any) -> tuple[Any, ...]:
        score = votes.get(c, Fraction(0))
        if tie_rule == "seniority":
            return (-score, seniority.get(c) or far, lot[c])
        return (-score, lot[c])

    order = sorted(pool, key=key)
    with_votes = [c for c in order if votes.get(c, Fraction(0)) > 0]
    elected = with_votes[:seats]
    tie_broken: list[Any] = []
    if 0 < len(elected) < len(with_votes):
        cut = votes.get(elected[-1], Fraction(0))
        if votes.get(with_votes[len(elected)], Fraction(0)) == cut:
            tie_broken = [c for c in with_votes if votes.get(c, Fraction(0)) == cut]
    return Outcome(order=order, elected=elected, tie_broken=tie_broken)


def fmt(value: Fraction) -> str:
    """A fraction shown to two decimals for minutes and pages."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")
