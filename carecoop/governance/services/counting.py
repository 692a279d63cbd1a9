"""Counting a vote: hand counts entered by tellers, the secret ballot box, and closing a vote
with its result (a motion carried or not, an election's seats filled and terms created)."""

import datetime
import secrets
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecoop.core.dates import add_months
from carecoop.core.services import validated_save
from carecoop.core.types import Actor
from carecoop.governance import rules, selectors
from carecoop.governance.models import (
    BodyKind,
    Choice,
    CountSheet,
    ElectionSeat,
    Method,
    Question,
    TieRule,
)
from carecoop.governance.services.decisions import decision_record
from carecoop.governance.services.terms import term_create
from carecoop.members.models import MemberClass


def _parse_counts(
    question: Question, counts: dict[Any, dict[Any, Any]]
) -> dict[str, dict[str, int]]:
    """Check hand counts against the attendance: per class, no more votes than people there."""
    present = selectors.presence_by_class(meeting=question.meeting)
    choice_keys = {
        str(c.code or c.pk)
        for c in Choice.objects.filter(coop_id=question.coop_id, question=question)
    }
    clean: dict[str, dict[str, int]] = {}
    for class_id, row in counts.items():
        numbers = {}
        for key, value in row.items():
            key = str(key)
            if key != "ballots" and key not in choice_keys:
                raise ValidationError(_("This choice is not on the ballot."))
            try:
                number = int(value or 0)
            except (TypeError, ValueError) as exc:
                raise ValidationError(_("Counts are whole numbers.")) from exc
            if number < 0:
                raise ValidationError(_("Counts are whole numbers."))
            numbers[key] = number
        there = present.get(int(class_id), 0)
        cast = numbers.get("ballots") if question.kind == Question.Kind.ELECTION else None
        total = cast if cast is not None else sum(numbers.values())
        if total > there:
            raise ValidationError(
                " ".join(
                    (
                        ngettext("%(count)s vote counted;", "%(count)s votes counted;", total)
                        % {"count": total},
                        ngettext(
                            "the class has %(present)s member present or represented.",
                            "the class has %(present)s members present or represented.",
                            there,
                        )
                        % {"present": there},
                    )
                )
            )
        if cast is not None and any(v > cast for k, v in numbers.items() if k != "ballots"):
            raise ValidationError(_("A candidate cannot have more votes than there were ballots."))
        clean[str(int(class_id))] = numbers
    return clean


@transaction.atomic
def counts_enter(
    *, question: Question, by: Actor, teller: int, counts: dict[Any, dict[Any, Any]]
) -> CountSheet:
    """Enter the counts of an open vote (teller 0) or of a paper ballot (tellers 1 and 2, two
    different people, each counting on their own)."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=question.pk)
    )
    if question.status != Question.Status.OPEN:
        raise ValidationError(_("Counts are entered while the vote is open."))
    if question.method == Method.SECRET:
        raise ValidationError(_("A secret ballot by code counts itself."))
    if teller not in selectors.tellers(question=question):
        raise ValidationError({"teller": _("This vote has no such teller.")})
    if question.method == Method.PAPER and by is not None:
        other = CountSheet.objects.filter(
            coop_id=question.coop_id, question=question, entered_by=by
        ).exclude(teller=teller)
        if other.exists():
            raise ValidationError(_("The two tellers must be two different people."))
    sheet = CountSheet.objects.filter(
        coop_id=question.coop_id, question=question, teller=teller
    ).first() or CountSheet(coop_id=question.coop_id, question=question, teller=teller)
    sheet.counts = _parse_counts(question, counts)
    sheet.entered_by = by
    validated_save(sheet, by=by)
    return sheet


def _hand_counts(question: Question) -> dict[str, dict[str, int]]:
    sheets = {
        s.teller: s.counts
        for s in CountSheet.objects.filter(coop_id=question.coop_id, question=question)
    }
    if question.method == Method.OPEN:
        if 0 not in sheets:
            raise ValidationError(_("Enter the counts before closing the vote."))
        return sheets[0]
    if 1 not in sheets or 2 not in sheets:
        raise ValidationError(_("Both tellers must enter their counts before the vote closes."))

    def normal(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        return {c: {k: v for k, v in row.items() if v} for c, row in counts.items()}

    if normal(sheets[1]) != normal(sheets[2]):
        raise ValidationError(_("The two tellers' counts differ: count the ballots again."))
    return sheets[1]


@transaction.atomic
def question_close(
    *, question: Question, by: Actor, now: datetime.datetime | None = None, seed: str | None = None
) -> Question:
    """Close a vote and count it: a motion carried or not by its majority; an election's seats
    filled (ties by the statutes' rule, lots drawn with a recorded seed) and the elected
    members' terms created. A motion a board carries becomes a numbered board decision."""
    now = now or timezone.now()
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("meeting__body", "body")
        .get(pk=question.pk)
    )
    if question.status != Question.Status.OPEN:
        raise ValidationError(_("Only an open vote can be closed."))
    meeting = question.meeting
    classes = {c.pk: c for c in MemberClass.objects.filter(coop_id=question.coop_id)}
    weights = {pk: c.vote_weight_percent for pk, c in classes.items() if c.may_vote}
    choices = list(Choice.objects.filter(coop_id=question.coop_id, question=question))
    present = selectors.presence_by_class(meeting=meeting)
    if question.method == Method.SECRET:
        marks, ballots = selectors.ballot_counts(question=question)
    else:
        hand = _hand_counts(question)
        by_key = {str(c.code or c.pk): c.pk for c in choices}
        marks = {
            int(cid): {by_key[k]: v for k, v in row.items() if k != "ballots"}
            for cid, row in hand.items()
        }
        ballots = {int(cid): int(row.get("ballots", 0)) for cid, row in hand.items()}
    if question.kind == Question.Kind.MOTION:
        _close_motion(question, choices, marks, present, weights, classes)
    else:
        _close_election(question, choices, marks, ballots, weights, classes, seed, by)
    question.status = Question.Status.CLOSED
    question.closed_at = now
    validated_save(question, by=by)
    if (
        question.kind == Question.Kind.MOTION
        and question.carried
        and meeting.body.kind == BodyKind.BOARD
    ):
        decision_record(
            coop=meeting.coop,
            by=by,
            decided_on=selectors.meeting_day(meeting),
            title=question.title,
            text=question.text,
            meeting=meeting,
            question=question,
        )
    return question


def _close_motion(
    question: Question,
    choices: list[Choice],
    marks: dict[int, dict[Any, int]],
    present: dict[int, int],
    weights: dict[int, int | None],
    classes: dict[int, MemberClass],
) -> None:
    code_of: dict[Any, str] = {c.pk: c.code for c in choices}
    code_of[None] = rules.ABSTAIN  # A blank ballot abstains.
    counts: dict[int, dict[str, int]] = {}
    for class_id, row in marks.items():
        line = counts.setdefault(class_id, {})
        for choice_id, n in row.items():
            key = code_of.get(choice_id, rules.ABSTAIN)
            line[key] = line.get(key, 0) + n
    tally = rules.tally_motion(
        counts=counts,
        present={c: n for c, n in present.items() if c in weights},
        weights=weights,
        majority=question.majority,
        base=question.majority_base,
    )
    shares = rules.class_weights({c: weights.get(c) for c in tally.by_class})
    ballots = {c: sum(row.values()) for c, row in marks.items()}
    hidden = _class_split_hidden(question, weighted=tally.weighted, ballots=ballots, marks=marks)
    question.carried = tally.carried
    share = rules.motion_shares(tally, question.majority_base)
    question.result = {
        "weighted": tally.weighted,
        "for": rules.fmt(tally.in_favour),
        "against": rules.fmt(tally.against),
        "abstain": rules.fmt(tally.abstain),
        "base": rules.fmt(tally.base),
        # What the minutes print: shares of the majority's base (see rules.MotionShares) and
        # the members who voted, by head.
        "base_kind": question.majority_base,
        "shares": {
            "for": float(share.in_favour),
            "against": float(share.against),
            "abstain": None if share.abstain is None else float(share.abstain),
            "silent": None if share.silent is None else float(share.silent),
        },
        "heads": rules.motion_heads(tally),
        "by_class_hidden": hidden,
        "by_class_hidden_below": settings.CARECOOP_SMALL_CELL if hidden == DISCLOSING else 0,
        "classes": [
            {
                "name": classes[c].name if c in classes else "?",
                "weight": rules.fmt(shares[c]) if shares else "",
                **({} if hidden else row),
            }
            for c, row in sorted(tally.by_class.items(), key=lambda i: str(classes.get(i[0])))
        ],
    }


# Why a result shows no counts by member class ("" where it shows them).
UNWEIGHTED = "unweighted"
DISCLOSING = "disclosing"


def _class_split_hidden(
    question: Question,
    *,
    weighted: bool,
    ballots: dict[int, int],
    marks: dict[int, dict[Any, int]],
) -> str:
    """Whether a result keeps its counts by member class, and if not, why.

    An open vote (a show of hands) is open. A secret or paper ballot is split by class only
    where the statutes weigh votes by class (the split is then part of the count, and one can
    check it), and never where the split discloses how a class voted: a class with fewer
    ballots than the smallest cell shown (``CARECOOP_SMALL_CELL``), or a choice that all but
    fewer than that many of a class's ballots marked (13 of 13, or 9 of 13, tells every member
    of the class, or all but four of them, how the others voted). One class's counts are the
    totals anyway."""
    if question.method == Method.OPEN:
        return ""
    cast = {c: n for c, n in ballots.items() if n}
    if len(cast) <= 1:
        return ""
    if not weighted:
        return UNWEIGHTED
    small = settings.CARECOOP_SMALL_CELL
    for class_id, n in cast.items():
        if n < small or any(n - k < small for k in marks.get(class_id, {}).values() if k):
            return DISCLOSING
    return ""


def _close_election(
    question: Question,
    choices: list[Choice],
    marks: dict[int, dict[Any, int]],
    ballots: dict[int, int],
    weights: dict[int, int | None],
    classes: dict[int, MemberClass],
    seed: str | None,
    by: Actor,
) -> None:
    body = question.body
    assert body is not None
    votes = rules.tally_election(counts=marks, ballots=ballots, weights=weights)
    seed = seed or secrets.token_hex(8)
    question.tie_seed = seed
    candidates = {c.pk: c for c in choices if c.candidate_id}
    seniority = {
        pk: c.candidate.admitted_on for pk, c in candidates.items() if c.candidate is not None
    }
    day = selectors.meeting_day(question.meeting)
    weighted = rules.class_weights(weights) is not None
    hidden = _class_split_hidden(question, weighted=weighted, ballots=ballots, marks=marks)
    groups = []
    elected_all: list[Choice] = []
    for seat in ElectionSeat.objects.filter(coop_id=question.coop_id, question=question).order_by(
        "member_class__name"
    ):
        running = [pk for pk, c in candidates.items() if c.seat_class_id == seat.member_class_id]
        outcome = rules.elect(
            candidates=running,
            votes=votes,
            seats=seat.seats,
            tie_rule=body.tie_rule,
            seniority=seniority,
            seed=f"{seed}:{seat.member_class_id}",
        )
        elected_all.extend(candidates[pk] for pk in outcome.elected)
        groups.append(
            {
                "class": seat.member_class.name if seat.member_class else "",
                "seats": seat.seats,
                "candidates": [
                    {
                        "name": candidates[pk].label,
                        "votes": rules.fmt(votes.get(pk, Fraction(0))),
                        "by_class": {}
                        if hidden
                        else {
                            classes[c].name: marks.get(c, {}).get(pk, 0)
                            for c in sorted(marks)
                            if c in classes
                        },
                        "elected": pk in outcome.elected,
                    }
                    for pk in outcome.order
                ],
                "tie": [candidates[pk].label for pk in outcome.tie_broken],
                "tie_rule": str(TieRule(body.tie_rule).label),
                "vacant": seat.seats - len(outcome.elected),
            }
        )
    question.result = {
        "weighted": weighted,
        "by_class_hidden": hidden,
        "by_class_hidden_below": settings.CARECOOP_SMALL_CELL if hidden == DISCLOSING else 0,
        "seed": seed,
        "groups": groups,
        "ballots": [
            {"name": classes[c].name, "ballots": n}
            for c, n in sorted(ballots.items())
            if c in classes
        ],
    }
    question.carried = None
    # Terms: renewed all together, or (a first election to a staggered body) in groups that end
    # a term apart, the best placed serving longest.
    founding = body.stagger_groups > 1 and not selectors.current_terms(body=body, on=day).exists()
    count = len(elected_all)
    for index, choice in enumerate(elected_all):
        assert choice.candidate is not None
        months = body.term_years * 12
        if founding and count:
            group = index * body.stagger_groups // count
            months = body.term_years * 12 * (body.stagger_groups - group) // body.stagger_groups
        term_create(
            body=body,
            by=by,
            membership=choice.candidate,
            starts_on=day,
            ends_on=add_months(day, max(months, 1)),
            seat_class=choice.seat_class,
            election=question,
            check=False,
        )
