"""Every write about member control: bodies, rules, terms, decisions, meetings, attendance,
motions, elections, codes, ballots and counts. Each validates, writes and audits in one
transaction; a refusal records nothing."""

import datetime
import secrets
import uuid
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from carecoop.core import sms
from carecoop.core.dates import add_months
from carecoop.core.numbering import number_next
from carecoop.core.services import same_coop_check, validated_save
from carecoop.governance import codes, rules, selectors
from carecoop.governance.models import (
    AgendaItem,
    Attendee,
    BallotEntry,
    BoardDecision,
    Body,
    BodyKind,
    BodySeat,
    Choice,
    ClassRule,
    CountSheet,
    ElectionSeat,
    Meeting,
    Method,
    Presence,
    Question,
    Term,
    TieRule,
    VoterCode,
)
from carecoop.members.models import MemberClass, Membership

BODY_FIELDS = (
    "kind",
    "name",
    "open_seats",
    "term_years",
    "term_limit",
    "stagger_groups",
    "notice_days",
    "quorum_first_percent",
    "quorum_second_percent",
    "second_call_minutes",
    "proxy_limit",
    "tie_rule",
    "members_see_names",
)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


meeting_day = selectors.meeting_day


# Bodies, seats, rules ------------------------------------------------------------------------


@transaction.atomic
def body_create(*, coop: Any, by: Any, kind: str, name: str, **fields: Any) -> Body:
    body = Body(coop=coop, kind=kind, name=name)
    return body_update(body=body, by=by, **fields)


@transaction.atomic
def body_update(*, body: Body, by: Any, **fields: Any) -> Body:
    for name, value in fields.items():
        if name not in BODY_FIELDS:
            raise TypeError(name)
        if value is not None or name == "term_limit":
            setattr(body, name, value)
    if (
        body.kind == BodyKind.ASSEMBLY
        and Body.objects.filter(coop_id=body.coop_id, kind=BodyKind.ASSEMBLY)
        .exclude(pk=body.pk)
        .exists()
    ):
        raise ValidationError({"kind": _("The cooperative already has its general assembly.")})
    validated_save(body, by=by)
    return body


@transaction.atomic
def body_seats_set(
    *, body: Body, by: Any, member_class: MemberClass, seats: int
) -> BodySeat | None:
    """Reserve ``seats`` of the body for a class (0 removes the reservation)."""
    same_coop_check(body.coop_id, member_class)
    if body.kind == BodyKind.ASSEMBLY:
        raise ValidationError(_("Every member sits in the general assembly: it has no seats."))
    if seats and not member_class.may_hold_office:
        raise ValidationError(
            {"member_class": _("Members of %(name)s cannot hold office.") % {"name": member_class}}
        )
    seat = BodySeat.objects.filter(
        coop_id=body.coop_id, body=body, member_class=member_class
    ).first()
    if not seats:
        if seat is not None:
            seat._history_user = by
            seat.delete()
        return None
    seat = seat or BodySeat(coop_id=body.coop_id, body=body, member_class=member_class)
    seat.seats = seats
    validated_save(seat, by=by)
    return seat


@transaction.atomic
def class_rule_set(
    *,
    coop: Any,
    by: Any,
    member_class: MemberClass,
    min_paid_shares: int | None = None,
    max_arrears_months: int | None = None,
    min_months_member: int = 0,
) -> ClassRule:
    same_coop_check(coop.pk, member_class)
    rule = ClassRule.objects.filter(coop_id=coop.pk, member_class=member_class).first() or (
        ClassRule(coop=coop, member_class=member_class)
    )
    rule.min_paid_shares = min_paid_shares
    rule.max_arrears_months = max_arrears_months
    rule.min_months_member = min_months_member or 0
    validated_save(rule, by=by)
    return rule


# Board decisions -----------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    coop: Any,
    by: Any,
    decided_on: datetime.date,
    title: str,
    text: str = "",
    meeting: Meeting | None = None,
    question: Question | None = None,
) -> BoardDecision:
    """Record a board decision under the next number of its year: BD-2026-014."""
    same_coop_check(coop.pk, meeting, question)
    if not title.strip():
        raise ValidationError({"title": _("Say what was decided.")})
    number = number_next(coop_id=coop.pk, key=f"governance.BD-{decided_on.year}")
    decision = BoardDecision(
        coop=coop,
        number=f"BD-{decided_on.year}-{number:03d}",
        decided_on=decided_on,
        title=title,
        text=text,
        meeting=meeting,
        question=question,
    )
    validated_save(decision, by=by)
    return decision


# Terms ---------------------------------------------------------------------------------------


def _check_can_sit(
    *, body: Body, membership: Membership, seat_class: MemberClass | None, on: datetime.date
) -> None:
    if body.kind == BodyKind.ASSEMBLY:
        raise ValidationError(_("Every member sits in the general assembly: it has no terms."))
    standing = selectors.one_eligibility(membership=membership, on=on)
    if not standing.may_stand:
        raise ValidationError(
            _("%(name)s cannot hold office: %(reasons)s")
            % {"name": membership.person, "reasons": " ".join(standing.stand_reasons)}
        )
    if seat_class is not None:
        if seat_class.pk != membership.member_class_id:
            raise ValidationError(
                {
                    "seat_class": _("This seat is reserved for %(class)s.")
                    % {"class": seat_class.name}
                }
            )
        if not BodySeat.objects.filter(
            coop_id=body.coop_id, body=body, member_class=seat_class
        ).exists():
            raise ValidationError(
                {
                    "seat_class": _("%(body)s has no seats reserved for %(class)s.")
                    % {"body": body.name, "class": seat_class.name}
                }
            )
    elif not body.open_seats:
        raise ValidationError({"seat_class": _("%(body)s has no open seats.") % {"body": body}})
    if body.term_limit is not None:
        served = selectors.consecutive_terms(body=body, membership=membership, on=on)
        if served >= body.term_limit:
            raise ValidationError(
                _(
                    "%(name)s has served %(served)s terms in a row on %(body)s; the statutes "
                    "allow %(limit)s."
                )
                % {
                    "name": membership.person,
                    "served": served,
                    "body": body.name,
                    "limit": body.term_limit,
                }
            )


@transaction.atomic
def term_create(
    *,
    body: Body,
    by: Any,
    membership: Membership,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    seat_class: MemberClass | None = None,
    office: str = Term.Office.MEMBER,
    election: Question | None = None,
    check: bool = True,
) -> Term:
    """Seat a member on a body for a term (``body.term_years`` unless ``ends_on`` is given).
    Refused when the member may not hold office, the seat is not theirs to fill, the seats are
    all taken or the term limit is reached."""
    same_coop_check(body.coop_id, membership, seat_class, election)
    body = Body.objects.select_for_update().get(pk=body.pk)
    if check:
        _check_can_sit(body=body, membership=membership, seat_class=seat_class, on=starts_on)
        lines = selectors.seat_lines(body=body, on=starts_on)
        line = next((x for x in lines if x.member_class == seat_class), None)
        if line is not None and line.vacant <= 0:
            raise ValidationError(
                _("All seats of this kind on %(body)s are taken on that date.")
                % {"body": body.name}
            )
    term = Term(
        coop_id=body.coop_id,
        body=body,
        membership=membership,
        seat_class=seat_class,
        office=office,
        starts_on=starts_on,
        ends_on=ends_on or add_months(starts_on, body.term_years * 12),
        election=election,
    )
    validated_save(term, by=by)
    return term


@transaction.atomic
def term_end(*, term: Term, by: Any, ended_on: datetime.date, reason: str) -> Term:
    """End a term early (resignation, exit, death): the seat becomes vacant."""
    term = Term.objects.select_for_update().get(pk=term.pk)
    if term.ended_on is not None:
        raise ValidationError(_("This term has already ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the term ends early.")})
    if ended_on >= term.ends_on:
        raise ValidationError({"ended_on": _("The term ends by itself on that date.")})
    term.ended_on, term.end_reason = ended_on, reason
    validated_save(term, by=by)
    return term


# Meetings ------------------------------------------------------------------------------------


@transaction.atomic
def meeting_convene(
    *,
    body: Body,
    by: Any,
    title: str,
    first_call_at: datetime.datetime,
    notice_on: datetime.date,
    place: str,
    second_call_at: datetime.datetime | None = None,
    kind: str = Meeting.Kind.ORDINARY,
    agenda: list[str] | None = None,
) -> Meeting:
    """Convene a meeting with its agenda. Refused with less notice than the statutes ask."""
    meeting = Meeting(
        coop_id=body.coop_id,
        body=body,
        title=title,
        kind=kind,
        notice_on=notice_on,
        first_call_at=first_call_at,
        second_call_at=second_call_at
        or first_call_at + datetime.timedelta(minutes=body.second_call_minutes),
        place=place,
    )
    day = meeting_day(meeting)
    notice = (day - notice_on).days
    if notice < body.notice_days:
        raise ValidationError(
            {
                "notice_on": _(
                    "The statutes ask for %(needed)s days' notice of a meeting of %(body)s; "
                    "this notice gives %(given)s."
                )
                % {"needed": body.notice_days, "body": body.name, "given": max(notice, 0)}
            }
        )
    validated_save(meeting, by=by)
    for position, item in enumerate(agenda or [], start=1):
        if item.strip():
            validated_save(
                AgendaItem(coop_id=body.coop_id, meeting=meeting, position=position, title=item),
                by=by,
            )
    return meeting


def _check_not_closed(meeting: Meeting) -> None:
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise ValidationError(_("This meeting is over."))


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, by: Any, title: str, text: str = "") -> AgendaItem:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.CONVENED:
        raise ValidationError(_("The agenda is fixed once the meeting has opened."))
    last = meeting.agenda.order_by("-position").first()
    item = AgendaItem(
        coop_id=meeting.coop_id,
        meeting=meeting,
        position=(last.position + 1) if last else 1,
        title=title,
        text=text,
    )
    validated_save(item, by=by)
    return item


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    by: Any,
    membership: Membership,
    presence: str,
    proxy_holder: Membership | None = None,
) -> Attendee:
    """Enter a member in the attendance register as present, represented by a proxy (within the
    statutes' limit per holder) or excused."""
    same_coop_check(meeting.coop_id, membership, proxy_holder)
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    _check_not_closed(meeting)
    if presence not in Presence.values:
        raise ValidationError({"presence": _("Choose present, represented or excused.")})
    refusals = selectors.entitlement_refusals(meeting=meeting, membership=membership)
    if refusals:
        raise ValidationError(
            _("%(name)s cannot take part in this meeting: %(reasons)s")
            % {"name": membership.person, "reasons": " ".join(refusals)}
        )
    record = Attendee.objects.filter(
        coop_id=meeting.coop_id, meeting=meeting, membership=membership
    ).first()
    holds = Attendee.objects.filter(
        coop_id=meeting.coop_id, meeting=meeting, proxy_holder=membership
    ).count()
    if presence != Presence.PRESENT and holds:
        raise ValidationError(
            _("%(name)s holds proxies for others and must be present.")
            % {"name": membership.person}
        )
    if presence == Presence.PROXY:
        if proxy_holder is None:
            raise ValidationError({"proxy_holder": _("Say who holds the proxy.")})
        if proxy_holder.pk == membership.pk:
            raise ValidationError({"proxy_holder": _("Nobody holds their own proxy.")})
        holder = Attendee.objects.filter(
            coop_id=meeting.coop_id, meeting=meeting, membership=proxy_holder
        ).first()
        if holder is None or holder.presence != Presence.PRESENT:
            raise ValidationError(
                {
                    "proxy_holder": _("%(name)s must be registered as present to hold a proxy.")
                    % {"name": proxy_holder.person}
                }
            )
        held = Attendee.objects.filter(
            coop_id=meeting.coop_id, meeting=meeting, proxy_holder=proxy_holder
        ).exclude(membership=membership)
        if held.count() >= meeting.body.proxy_limit:
            raise ValidationError(
                {
                    "proxy_holder": _(
                        "%(name)s already holds %(count)s proxies; the statutes allow "
                        "%(limit)s per person."
                    )
                    % {
                        "name": proxy_holder.person,
                        "count": held.count(),
                        "limit": meeting.body.proxy_limit,
                    }
                }
            )
    else:
        proxy_holder = None
    record = record or Attendee(coop_id=meeting.coop_id, meeting=meeting, membership=membership)
    record.member_class_id = membership.member_class_id
    record.presence = presence
    record.proxy_holder = proxy_holder
    validated_save(record, by=by)
    return record


@transaction.atomic
def meeting_open(*, meeting: Meeting, by: Any, now: datetime.datetime | None = None) -> Meeting:
    """Open the meeting if the quorum of its call is present or represented; otherwise refuse
    and record nothing."""
    now = _now(now)
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    if meeting.status != Meeting.Status.CONVENED:
        raise ValidationError(_("This meeting is not waiting to open."))
    if now < meeting.first_call_at:
        raise ValidationError(_("The meeting cannot open before its first call."))
    call = rules.call_at(now, meeting.first_call_at, meeting.second_call_at)
    percent = meeting.body.quorum_first_percent if call == 1 else meeting.body.quorum_second_percent
    members = len(selectors.entitled(meeting=meeting))
    present = sum(selectors.presence_by_class(meeting=meeting).values())
    needed = rules.quorum_needed(members, percent)
    if present < needed:
        raise ValidationError(
            _(
                "Quorum not met at call %(call)s: %(present)s of %(members)s members present or "
                "represented; %(needed)s needed."
            )
            % {"call": call, "present": present, "members": members, "needed": needed}
        )
    meeting.status = Meeting.Status.OPEN
    meeting.opened_at = now
    meeting.opened_on_call = call
    meeting.members_count = members
    meeting.quorum_required = needed
    meeting.quorum_present = present
    validated_save(meeting, by=by)
    return meeting


@transaction.atomic
def meeting_close(*, meeting: Meeting, by: Any, now: datetime.datetime | None = None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError(_("Only a meeting in session can be closed."))
    if meeting.questions.filter(status=Question.Status.OPEN).exists():
        raise ValidationError(_("Close every vote before closing the meeting."))
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = _now(now)
    validated_save(meeting, by=by)
    return meeting


# Motions and elections -----------------------------------------------------------------------

MOTION_CHOICES = (
    (rules.FOR, "For"),
    (rules.AGAINST, "Against"),
    (rules.ABSTAIN, "Abstain"),
)


@transaction.atomic
def motion_create(
    *,
    meeting: Meeting,
    by: Any,
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
    by: Any,
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
                _("%(body)s has %(allowed)s seats for %(class)s, not %(count)s.")
                % {
                    "body": body.name,
                    "allowed": allowed,
                    "class": member_class.name if member_class else _("any class"),
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
    *, question: Question, by: Any, membership: Membership, seat_class: MemberClass | None = None
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
        on=meeting_day(question.meeting),
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
    by: Any,
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
    if closes_at <= _now(now):
        raise ValidationError({"closes_at": _("Voting must close after it opens.")})
    if question.kind == Question.Kind.ELECTION and not question.choices.exists():
        raise ValidationError(_("An election needs candidates."))
    question.status = Question.Status.OPEN
    question.closes_at = closes_at
    validated_save(question, by=by)
    return question


@dataclass(frozen=True)
class IssuedCode:
    membership: Membership
    holder: Membership  # who receives it: the member, or the holder of their proxy
    code: str


@transaction.atomic
def codes_issue(*, question: Question, by: Any, send_sms: bool = False) -> list[IssuedCode]:
    """One-time codes for a secret ballot, one per member present or represented who has none
    yet. Shown once (for printing) and, if asked, sent by SMS to the member or the holder of
    their proxy. Only their keyed hash is stored."""
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
        backend = sms.backend()
        for item in issued:
            phone = item.holder.person.phone
            if phone:
                backend.send(
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


def _check_open(question: Question, now: datetime.datetime) -> None:
    if question.status != Question.Status.OPEN or (
        question.closes_at is not None and now >= question.closes_at
    ):
        raise ValidationError(_("Voting on “%(title)s” is closed.") % {"title": question.title})


@transaction.atomic
def ballot_cast(
    *, coop_id: int, code: str, choice_ids: list[int], now: datetime.datetime | None = None
) -> None:
    """Cast a ballot with a one-time code. The code is marked used (only that), and the
    choices go into the ballot box with the voter's class and nothing that names them. A used
    code, a closed vote or an invalid choice is refused and nothing is recorded."""
    now = _now(now)
    voter = code_lookup(coop_id=coop_id, code=code)
    if voter is None:
        raise ValidationError(_("This code is not valid. Check it and type it again."))
    question = voter.question
    if voter.used:
        raise ValidationError(_("This code has already been used to vote."))
    _check_open(question, now)
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
                    _("Choose at most %(seats)s candidates for these seats.")
                    % {"seats": seats.get(group, 0)}
                )
    # Exactly one request can turn the code from unused to used, however many arrive at once.
    if not VoterCode.objects.filter(pk=voter.pk, used=False).update(used=True):
        raise ValidationError(_("This code has already been used to vote."))
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
                _(
                    "%(count)s votes counted in a class with %(present)s members present or "
                    "represented."
                )
                % {"count": total, "present": there}
            )
        if cast is not None and any(v > cast for k, v in numbers.items() if k != "ballots"):
            raise ValidationError(_("A candidate cannot have more votes than there were ballots."))
        clean[str(int(class_id))] = numbers
    return clean


@transaction.atomic
def counts_enter(
    *, question: Question, by: Any, teller: int, counts: dict[Any, dict[Any, Any]]
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
    allowed = (0,) if question.method == Method.OPEN else (1, 2)
    if teller not in allowed:
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
    *, question: Question, by: Any, now: datetime.datetime | None = None, seed: str | None = None
) -> Question:
    """Close a vote and count it: a motion carried or not by its majority; an election's seats
    filled (ties by the statutes' rule, lots drawn with a recorded seed) and the elected
    members' terms created. A motion a board carries becomes a numbered board decision."""
    now = _now(now)
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
            decided_on=meeting_day(meeting),
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
    question.result = {
        "weighted": tally.weighted,
        "for": rules.fmt(tally.in_favour),
        "against": rules.fmt(tally.against),
        "abstain": rules.fmt(tally.abstain),
        "base": rules.fmt(tally.base),
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
    by: Any,
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
    day = meeting_day(question.meeting)
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
