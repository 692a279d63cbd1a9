"""Secret ballots by phone: one-time codes, issued and sent, and ballots cast with them."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carecoop.core import sms
from carecoop.core.types import Actor
from carecoop.governance import codes
from carecoop.governance.models import (
    Attendee,
    BallotEntry,
    Choice,
    ElectionSeat,
    Method,
    Presence,
    Question,
    VoterCode,
)
from carecoop.members.models import Membership


@dataclass(frozen=True)
class IssuedCode:
    membership: Membership
    holder: Membership  # who receives it: the member, or the holder of their proxy
    code: str


@transaction.atomic
def codes_issue(*, question: Question, by: Actor, send_sms: bool = False) -> list[IssuedCode]:
    """One-time codes for a secret ballot, one per member present or represented who has none
    yet. Shown once (for printing) and, if asked, sent by SMS to the member or the holder of
    their proxy once the codes are committed. Only their keyed hash is stored."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=question.pk)
    )
    if question.method != Method.SECRET:
        raise ValidationError(_("Codes are for secret ballots by phone."))
    if question.status == Question.Status.CLOSED:
        raise ValidationError(_("This vote is closed."))
    have = set(
        VoterCode.objects.filter(coop_id=question.coop_id, question=question).values_list(
            "membership_id", flat=True
        )
    )
    attendees = (
        Attendee.objects.filter(
            coop_id=question.coop_id,
            meeting=question.meeting,
            presence__in=[Presence.PRESENT, Presence.PROXY],
        )
        .exclude(membership_id__in=have)
        .select_related("membership__person", "proxy_holder__person")
    )
    issued = []
    rows = []
    for attendee in attendees:
        code = codes.make()
        rows.append(
            VoterCode(
                coop_id=question.coop_id,
                question=question,
                membership=attendee.membership,
                member_class_id=attendee.member_class_id,
                code_hash=codes.digest(question.coop_id, code),
                issued_by=by,
            )
        )
        issued.append(
            IssuedCode(attendee.membership, attendee.proxy_holder or attendee.membership, code)
        )
    VoterCode.objects.bulk_create(rows)
    if send_sms:
        for item in issued:
            phone = item.holder.person.phone
            if phone:
                sms.send_on_commit(
                    to=phone,
                    text=_("Your code to vote on “%(title)s” for %(name)s: %(code)s")
                    % {"title": question.title, "name": item.membership.person, "code": item.code},
                )
    return issued


def code_lookup(*, coop_id: int, code: str) -> VoterCode | None:
    """The voter-roll line of a code (a read, used by the public voting page)."""
    if len(codes.normalise(code)) != codes.LENGTH:
        return None
    return (
        VoterCode.objects.filter(coop_id=coop_id, code_hash=codes.digest(coop_id, code))
        .select_related("question__meeting")
        .first()
    )


# Why a code may not vote now, as the ``code`` of the ValidationError that says so.
CODE_INVALID = "invalid"
CODE_USED = "used"
VOTE_CLOSED = "closed"


def ballot_voter(*, coop_id: int, code: str, now: datetime.datetime | None = None) -> VoterCode:
    """The voter-roll line of a code that may vote now: the one check of a code, for the ballot
    the public voting page shows and for the ballot cast. Refused with the reason, and the
    reason's ``code``: a code that is not valid (``CODE_INVALID``), a code used already
    (``CODE_USED``) or a vote that is closed (``VOTE_CLOSED``, with the question's ``title`` in
    the error's params)."""
    voter = code_lookup(coop_id=coop_id, code=code)
    if voter is None:
        raise ValidationError(
            _("This code is not valid. Check it and type it again."), code=CODE_INVALID
        )
    if voter.used:
        raise ValidationError(_("This code has already been used to vote."), code=CODE_USED)
    question = voter.question
    if question.status != Question.Status.OPEN or (
        question.closes_at is not None and (now or timezone.now()) >= question.closes_at
    ):
        raise ValidationError(
            _("Voting on “%(title)s” is closed."),
            code=VOTE_CLOSED,
            params={"title": question.title},
        )
    return voter


@transaction.atomic
def ballot_cast(
    *, coop_id: int, code: str, choice_ids: list[int], now: datetime.datetime | None = None
) -> None:
    """Cast a ballot with a one-time code. The code is marked used (only that), and the
    choices go into the ballot box with the voter's class and nothing that names them. A used
    code, a closed vote or an invalid choice is refused and nothing is recorded."""
    voter = ballot_voter(coop_id=coop_id, code=code, now=now)
    question = voter.question
    choices = {c.pk: c for c in Choice.objects.filter(coop_id=coop_id, question=question)}
    picked = list(dict.fromkeys(choice_ids))
    if any(pk not in choices for pk in picked):
        raise ValidationError(_("This choice is not on the ballot."))
    if question.kind == Question.Kind.MOTION:
        if len(picked) > 1:
            raise ValidationError(_("Choose one answer."))
    else:
        seats = {
            s.member_class_id: s.seats
            for s in ElectionSeat.objects.filter(coop_id=coop_id, question=question)
        }
        marked: dict[int | None, int] = {}
        for pk in picked:
            group = choices[pk].seat_class_id
            marked[group] = marked.get(group, 0) + 1
        for group, count in marked.items():
            if count > seats.get(group, 0):
                raise ValidationError(
                    ngettext(
                        "Choose at most %(seats)s candidate for these seats.",
                        "Choose at most %(seats)s candidates for these seats.",
                        seats.get(group, 0),
                    )
                    % {"seats": seats.get(group, 0)}
                )
    # Exactly one request can turn the code from unused to used, however many arrive at once.
    if not VoterCode.objects.filter(pk=voter.pk, used=False).update(used=True):
        raise ValidationError(_("This code has already been used to vote."), code=CODE_USED)
    ballot = uuid.uuid4()
    BallotEntry.objects.bulk_create(
        [
            BallotEntry(
                coop_id=coop_id,
                question=question,
                ballot=ballot,
                choice_id=pk,
                member_class_id=voter.member_class_id,
            )
            for pk in picked
        ]
        or [
            BallotEntry(
                coop_id=coop_id,
                question=question,
                ballot=ballot,
                choice_id=None,
                member_class_id=voter.member_class_id,
            )
        ]
    )
