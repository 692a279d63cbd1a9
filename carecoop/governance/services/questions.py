"""Motions and elections put to a meeting, the candidates standing, and opening the vote."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from carecoop.core.services import same_coop_check, validated_save
from carecoop.core.types import Actor
from carecoop.governance import rules, selectors
from carecoop.governance.models import (
    AgendaItem,
    Body,
    BodyKind,
    BodySeat,
    Choice,
    ElectionSeat,
    Meeting,
    Method,
    Question,
)
from carecoop.governance.services.meetings import _check_not_closed
from carecoop.governance.services.terms import _check_can_sit
from carecoop.members.models import MemberClass, Membership

MOTION_CHOICES = (
    (rules.FOR, "For"),
    (rules.AGAINST, "Against"),
    (rules.ABSTAIN, "Abstain"),
)


@transaction.atomic
def motion_create(
    *,
    meeting: Meeting,
    by: Actor,
    title: str,
    method: str,
    text: str = "",
    majority: str = rules.SIMPLE,
    majority_base: str = rules.CAST,
    agenda_item: AgendaItem | None = None,
) -> Question:
    _check_not_closed(meeting)
    question = Question(
        coop_id=meeting.coop_id,
        meeting=meeting,
        kind=Question.Kind.MOTION,
        title=title,
        text=text,
        majority=majority,
        majority_base=majority_base,
        method=method,
    )
    validated_save(question, by=by)
    labels = {
        rules.FOR: pgettext("vote", "For"),
        rules.AGAINST: pgettext("vote", "Against"),
        rules.ABSTAIN: pgettext("vote", "Abstain"),
    }
    for position, (code, _english) in enumerate(MOTION_CHOICES, start=1):
        validated_save(
            Choice(
                coop_id=meeting.coop_id,
                question=question,
                position=position,
                code=code,
                label=labels[code],
            ),
            by=by,
        )
    return question


@transaction.atomic
def election_create(
    *,
    meeting: Meeting,
    by: Actor,
    body: Body,
    title: str,
    method: str = Method.SECRET,
    seats: dict[MemberClass | None, int],
) -> Question:
    """An election to ``body``: seats per member class (None: open seats)."""
    same_coop_check(meeting.coop_id, body, *[c for c in seats if c is not None])
    _check_not_closed(meeting)
    if body.kind == BodyKind.ASSEMBLY:
        raise ValidationError({"body": _("Nobody is elected to the general assembly.")})
    if not any(n > 0 for n in seats.values()):
        raise ValidationError(_("Say how many seats are to be filled."))
    reserved = {
        s.member_class_id: s.seats for s in BodySeat.objects.filter(coop_id=body.coop_id, body=body)
    }
    for member_class, count in seats.items():
        allowed = reserved.get(member_class.pk, 0) if member_class else body.open_seats
        if count > allowed:
            raise ValidationError(
                ngettext(
                    "%(body)s has %(allowed)s seat for %(class)s, not %(count)s.",
                    "%(body)s has %(allowed)s seats for %(class)s, not %(count)s.",
                    allowed,
                )
                % {
                    "body": body.name,
                    "allowed": allowed,
                    "class": member_class.name if member_class else _("members of any class"),
                    "count": count,
                }
            )
    question = Question(
        coop_id=meeting.coop_id,
        meeting=meeting,
        kind=Question.Kind.ELECTION,
        title=title,
        method=method,
        body=body,
    )
    validated_save(question, by=by)
    for member_class, count in seats.items():
        if count > 0:
            validated_save(
                ElectionSeat(
                    coop_id=meeting.coop_id,
                    question=question,
                    member_class=member_class,
                    seats=count,
                ),
                by=by,
            )
    return question


@transaction.atomic
def candidate_add(
    *, question: Question, by: Actor, membership: Membership, seat_class: MemberClass | None = None
) -> Choice:
    """Put a member up for election. Only members who may stand, for seats their class may
    fill."""
    same_coop_check(question.coop_id, membership, seat_class)
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("body", "meeting")
        .get(pk=question.pk)
    )
    if question.kind != Question.Kind.ELECTION or question.status != Question.Status.DRAFT:
        raise ValidationError(_("Candidates are added to an election before voting opens."))
    group_classes = set(
        ElectionSeat.objects.filter(coop_id=question.coop_id, question=question).values_list(
            "member_class_id", flat=True
        )
    )
    if seat_class is None and None not in group_classes:
        seat_class = membership.member_class
    if (seat_class.pk if seat_class else None) not in group_classes:
        raise ValidationError(
            {
                "membership": _(
                    "%(name)s belongs to %(class)s, which has no seat in this election."
                )
                % {"name": membership.person, "class": membership.member_class.name}
            }
        )
    assert question.body is not None
    _check_can_sit(
        body=question.body,
        membership=membership,
        seat_class=seat_class,
        on=selectors.meeting_day(question.meeting),
    )
    last = question.choices.order_by("-position").first()
    choice = Choice(
        coop_id=question.coop_id,
        question=question,
        position=(last.position + 1) if last else 1,
        label=membership.person.full_name,
        candidate=membership,
        seat_class=seat_class,
    )
    validated_save(choice, by=by)
    return choice


@transaction.atomic
def question_open(
    *,
    question: Question,
    by: Actor,
    closes_at: datetime.datetime,
    now: datetime.datetime | None = None,
) -> Question:
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=question.pk)
    )
    if question.status != Question.Status.DRAFT:
        raise ValidationError(_("This vote has already been opened."))
    if question.meeting.status != Meeting.Status.OPEN:
        raise ValidationError(_("Votes are taken while the meeting is in session."))
    if closes_at <= (now or timezone.now()):
        raise ValidationError({"closes_at": _("Voting must close after it opens.")})
    if question.kind == Question.Kind.ELECTION and not question.choices.exists():
        raise ValidationError(_("An election needs candidates."))
    question.status = Question.Status.OPEN
    question.closes_at = closes_at
    validated_save(question, by=by)
    return question
