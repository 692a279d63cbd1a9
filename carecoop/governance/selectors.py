"""Reads for member control: who may vote or stand on a date (with the reasons in words),
bodies with their seats and vacancies, terms ending soon, meetings, results and minutes."""

import datetime
from collections import Counter as Tally
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from carecoop.core.permissions import Access
from carecoop.governance import rules
from carecoop.governance.models import (
    Attendee,
    BallotEntry,
    BoardDecision,
    Body,
    BodyKind,
    BodySeat,
    Choice,
    ClassRule,
    ElectionSeat,
    Meeting,
    Method,
    Presence,
    Question,
    Term,
    VoterCode,
)
from carecoop.members.models import MemberClass, Membership
from carecoop.members.selectors import pickable_memberships, searched


@dataclass
class Eligibility:
    membership_id: int
    member_class_id: int
    may_vote: bool
    may_stand: bool
    vote_reasons: list[str] = field(default_factory=list)
    stand_reasons: list[str] = field(default_factory=list)


def class_rules(*, coop_id: int) -> dict[int, ClassRule]:
    return {r.member_class_id: r for r in ClassRule.objects.filter(coop_id=coop_id)}


def class_rule_lines(*, coop_id: int) -> list[tuple[MemberClass, ClassRule | None]]:
    """Each member class with its eligibility rule (None: the class's own minimum shares)."""
    found = class_rules(coop_id=coop_id)
    return [(c, found.get(c.pk)) for c in MemberClass.objects.filter(coop_id=coop_id)]


def office_classes(*, coop_id: int) -> list[MemberClass]:
    """The member classes whose members may hold office, and so have seats in an election."""
    return list(MemberClass.objects.filter(coop_id=coop_id, may_hold_office=True))


def eligibility(
    *, coop_id: int, on: datetime.date, membership_ids: list[int] | None = None
) -> dict[int, Eligibility]:
    """Who may vote and who may stand for office on ``on``, from the register and the share
    capital, with the reasons in words. A fixed number of queries for any number of members."""
    memberships = Membership.objects.filter(coop_id=coop_id).exclude(status="exited")
    if membership_ids is not None:
        memberships = Membership.objects.filter(coop_id=coop_id, pk__in=membership_ids)
    classes = {c.pk: c for c in MemberClass.objects.filter(coop_id=coop_id)}
    rules_by_class = class_rules(coop_id=coop_id)
    holdings = import_string(settings.CARECOOP_SHARE_HOLDINGS)
    capital = holdings(coop_id=coop_id, on=on, membership_ids=membership_ids)
    result = {}
    for pk, class_id, status, admitted_on in memberships.values_list(
        "pk", "member_class_id", "status", "admitted_on"
    ):
        member_class = classes[class_id]
        rule = rules_by_class.get(class_id)
        holding = capital.get(pk)
        standing = rules.Standing(
            status=status,
            admitted_on=admitted_on,
            may_vote=member_class.may_vote,
            may_hold_office=member_class.may_hold_office,
            paid_shares=holding.paid_shares if holding else 0,
            min_paid_shares=(
                rule.min_paid_shares
                if rule is not None and rule.min_paid_shares is not None
                else member_class.min_shares
            ),
            arrears_months=holding.arrears_months if holding else 0,
            max_arrears_months=rule.max_arrears_months if rule else None,
            min_months_member=rule.min_months_member if rule else 0,
        )
        vote = rules.vote_refusals(standing, on)
        stand = rules.office_refusals(standing, on)
        result[pk] = Eligibility(pk, class_id, not vote, not stand, vote, stand)
    return result


def one_eligibility(*, membership: Membership, on: datetime.date) -> Eligibility:
    return eligibility(coop_id=membership.coop_id, on=on, membership_ids=[membership.pk])[
        membership.pk
    ]


def eligibility_page(
    *, access: Access, on: datetime.date, number: str | None
) -> tuple[Page[Membership], list[tuple[Membership, Eligibility]]]:
    """A page of the members' standing (page ``number``, by class and name): the whole register
    for the cooperative's officers, a member's own household's; a facilitator's centres do not
    count here. Only the page's members are weighed."""
    listed = (
        access.restrict(
            Membership.objects.filter(coop_id=access.coop_id).exclude(status="exited"),
            "governance.standing",
        )
        .select_related("person", "member_class")
        .order_by("member_class__name", "person__family_name", "person__given_name", "pk")
    )
    page = Paginator(listed, settings.CARECOOP_PAGE_SIZE).get_page(number)
    members = list(page.object_list)
    found = eligibility(coop_id=access.coop_id, on=on, membership_ids=[m.pk for m in members])
    return page, [(m, found[m.pk]) for m in members]


# Bodies and terms ----------------------------------------------------------------------------


def bodies(*, access: Access) -> QuerySet[Body]:
    return access.restrict(Body.objects.all())


def body_get(*, access: Access, pk: int) -> Body:
    body = bodies(access=access).filter(pk=pk).first()
    if body is None:
        raise Http404
    return body


def current_terms(*, body: Body, on: datetime.date) -> QuerySet[Term]:
    return (
        Term.objects.filter(coop_id=body.coop_id, body=body, starts_on__lte=on, ends_on__gt=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .select_related("membership__person", "membership__member_class", "seat_class")
    )


@dataclass
class SeatLine:
    member_class: MemberClass | None
    seats: int
    filled: int

    @property
    def vacant(self) -> int:
        return max(0, self.seats - self.filled)


def seat_lines(*, body: Body, on: datetime.date) -> list[SeatLine]:
    """Each group of seats (reserved per class, then open) with how many are filled on ``on``."""
    filled: Tally[int | None] = Tally(
        current_terms(body=body, on=on).values_list("seat_class_id", flat=True)
    )
    lines = [
        SeatLine(seat.member_class, seat.seats, filled.get(seat.member_class_id, 0))
        for seat in BodySeat.objects.filter(coop_id=body.coop_id, body=body).select_related(
            "member_class"
        )
    ]
    if body.open_seats or filled.get(None):
        lines.append(SeatLine(None, body.open_seats, filled.get(None, 0)))
    return lines


def term_get(*, access: Access, pk: int) -> Term:
    term = Term.objects.filter(coop_id=access.coop_id, pk=pk).select_related("body").first()
    if term is None:
        raise Http404
    return term


def terms_ending(*, access: Access, on: datetime.date, days: int = 90) -> QuerySet[Term]:
    """Terms that end within ``days`` of ``on`` (and have not ended early)."""
    return (
        Term.objects.filter(
            coop_id=access.coop_id,
            ended_on__isnull=True,
            ends_on__gt=on,
            ends_on__lte=on + datetime.timedelta(days=days),
        )
        .select_related("body", "membership__person", "seat_class")
        .order_by("ends_on")
    )


def consecutive_terms(*, body: Body, membership: Membership, on: datetime.date) -> int:
    """How many terms in a row the member has served on the body up to ``on``."""
    terms = list(
        Term.objects.filter(
            coop_id=body.coop_id, body=body, membership=membership, starts_on__lte=on
        ).order_by("-starts_on")
    )
    count = 0
    following = on
    for term in terms:
        if (following - term.last_day).days > 31:
            break
        count += 1
        following = term.starts_on
    return count


def entitled(*, meeting: Meeting) -> dict[int, int]:
    """Members entitled to vote at the meeting: {membership id: member class id}. A general
    assembly is every member who may vote on its date; a board or committee, its office
    holders."""
    on = meeting_day(meeting)
    if meeting.body.kind == BodyKind.ASSEMBLY:
        return {
            pk: e.member_class_id
            for pk, e in eligibility(coop_id=meeting.coop_id, on=on).items()
            if e.may_vote
        }
    return {
        t.membership_id: t.membership.member_class_id
        for t in current_terms(body=meeting.body, on=on)
    }


def entitlement_refusals(*, meeting: Meeting, membership: Membership) -> list[str]:
    """Why one member may not vote at the meeting (empty: they may), without evaluating the
    whole register."""
    return entitlement_refusals_many(meeting=meeting, membership_ids=[membership.pk])[membership.pk]


def entitlement_refusals_many(
    *, meeting: Meeting, membership_ids: list[int]
) -> dict[int, list[str]]:
    """Why each of these members may not vote at the meeting (an empty list: they may), in a
    fixed number of queries for any number of them. Members of another cooperative are not
    weighed (they have no key in the answer)."""
    on = meeting_day(meeting)
    if meeting.body.kind == BodyKind.ASSEMBLY:
        found = eligibility(coop_id=meeting.coop_id, on=on, membership_ids=membership_ids)
        return {pk: e.vote_reasons for pk, e in found.items()}
    seated = set(
        current_terms(body=meeting.body, on=on)
        .filter(membership_id__in=membership_ids)
        .values_list("membership_id", flat=True)
    )
    refusal = _("They hold no seat on %(body)s.") % {"body": meeting.body.name}
    return {
        pk: [] if pk in seated else [refusal]
        for pk in Membership.objects.filter(
            coop_id=meeting.coop_id, pk__in=membership_ids
        ).values_list("pk", flat=True)
    }


def meeting_day(meeting: Meeting) -> datetime.date:
    """The meeting's date in its cooperative's time zone."""
    return timezone.localtime(meeting.first_call_at, ZoneInfo(meeting.coop.time_zone)).date()


# Decisions and meetings ----------------------------------------------------------------------


def decisions(*, access: Access) -> QuerySet[BoardDecision]:
    return access.restrict(BoardDecision.objects.all())


def meetings(*, access: Access) -> QuerySet[Meeting]:
    return access.restrict(Meeting.objects.all()).select_related("body")


def meeting_get(*, access: Access, pk: int) -> Meeting:
    meeting = meetings(access=access).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def past_meetings(*, access: Access) -> QuerySet[Meeting]:
    return meetings(access=access).filter(status=Meeting.Status.CLOSED)


def upcoming_meetings(*, access: Access, now: datetime.datetime) -> QuerySet[Meeting]:
    return (
        meetings(access=access)
        .filter(first_call_at__gte=now - datetime.timedelta(hours=12))
        .exclude(status__in=[Meeting.Status.CLOSED, Meeting.Status.CANCELLED])
        .order_by("first_call_at")
    )


def attendance_names_shown(*, access: Access, meeting: Meeting) -> bool:
    """Whether the asking role sees the names in a meeting's attendance register: the manager
    and the board always; everyone else where the body's statutes say so (``members_see_names``);
    otherwise they see the counts."""
    return access.can("governance.manage") or meeting.body.members_see_names


def attendance(*, meeting: Meeting) -> QuerySet[Attendee]:
    return (
        Attendee.objects.filter(coop_id=meeting.coop_id, meeting=meeting)
        .select_related("membership__person", "member_class", "proxy_holder__person")
        .order_by("membership__person__family_name", "membership__person__given_name")
    )


def attendance_page(*, meeting: Meeting, number: str | None) -> Page:
    """A page of the attendance register, by name: an assembly of thousands fills many."""
    listed = attendance(meeting=meeting).order_by(
        "membership__person__family_name", "membership__person__given_name", "pk"
    )
    return Paginator(listed, settings.CARECOOP_PAGE_SIZE).get_page(number)


# The most members a search for the attendance register lists, each with a box to tick.
ATTENDANCE_SEARCH_LIMIT = 25
# Members on one printed page of the register.
REGISTER_PRINT_PAGE = 40


def attendance_candidates(*, access: Access, meeting: Meeting, query: str) -> list[Membership]:
    """Members the role may choose who match ``query`` (name, phone or member number) and are
    not yet in the meeting's register: at most ``ATTENDANCE_SEARCH_LIMIT``, by name."""
    query = query.strip()
    if not query:
        return []
    found = searched(
        pickable_memberships(access=access, current=True),
        access=access,
        query=query,
        person="person__",
    ).exclude(
        pk__in=Attendee.objects.filter(coop_id=meeting.coop_id, meeting=meeting).values(
            "membership_id"
        )
    )
    return list(
        found.select_related("person", "member_class").order_by(
            "person__family_name", "person__given_name", "pk"
        )[:ATTENDANCE_SEARCH_LIMIT]
    )


def register_page(*, meeting: Meeting, number: str | None) -> Page[Membership]:
    """A printed page of the register to sign at the meeting: the members entitled to attend,
    by member number (shorter numbers first, so 9 comes before 10). Only the page's rows are
    read whole; the pages are counted from the members' keys and numbers."""
    entitled_ids = entitled(meeting=meeting)
    numbered = (
        Membership.objects.filter(coop_id=meeting.coop_id)
        .exclude(status="exited")
        .values_list("pk", "number")
        .iterator(chunk_size=2000)
    )
    keys = [
        pk
        for pk, _number in sorted(
            (row for row in numbered if row[0] in entitled_ids),
            key=lambda row: (len(row[1]), row[1]),
        )
    ]
    page = Paginator(keys, REGISTER_PRINT_PAGE).get_page(number)
    rows = {
        m.pk: m
        for m in Membership.objects.filter(
            coop_id=meeting.coop_id, pk__in=list(page.object_list)
        ).select_related("person", "member_class")
    }
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


def presence_by_class(*, meeting: Meeting) -> dict[int, int]:
    """Members present or represented, per member class."""
    return dict(
        Attendee.objects.filter(
            coop_id=meeting.coop_id,
            meeting=meeting,
            presence__in=[Presence.PRESENT, Presence.PROXY],
        )
        .values("member_class_id")
        .annotate(n=Count("pk"))
        .values_list("member_class_id", "n")
    )


def classes_present(*, meeting: Meeting) -> list[MemberClass]:
    """The member classes with members present or represented at the meeting."""
    return list(
        MemberClass.objects.filter(
            coop_id=meeting.coop_id, pk__in=presence_by_class(meeting=meeting)
        )
    )


def attendance_counts(*, meeting: Meeting) -> dict[str, int]:
    counts = dict(
        Attendee.objects.filter(coop_id=meeting.coop_id, meeting=meeting)
        .values("presence")
        .annotate(n=Count("pk"))
        .values_list("presence", "n")
    )
    return {p: counts.get(p, 0) for p in Presence.values}


def question_get(*, access: Access, pk: int) -> Question:
    question = (
        access.restrict(Question.objects.filter(pk=pk))
        .select_related("meeting__body", "body")
        .first()
    )
    if question is None:
        raise Http404
    return question


def election_seats(*, question: Question) -> QuerySet[ElectionSeat]:
    return ElectionSeat.objects.filter(coop_id=question.coop_id, question=question).select_related(
        "member_class"
    )


def ballot_paper(*, question: Question) -> list[tuple[ElectionSeat | None, list[Choice]]]:
    """The ballot a voter sees: the choices, grouped by the seats they stand for (one group, with
    no seats, for a motion)."""
    choices = list(
        # A candidate's member number tells two candidates of the same name apart.
        Choice.objects.filter(coop_id=question.coop_id, question=question).select_related(
            "seat_class", "candidate"
        )
    )
    seats = {s.member_class_id: s for s in election_seats(question=question)}
    return [
        (seats.get(class_id), [c for c in choices if c.seat_class_id == class_id])
        for class_id in dict.fromkeys(c.seat_class_id for c in choices)
    ]


def tellers(*, question: Question) -> list[int]:
    """Who enters the counts of a vote: teller 0 for a show of hands, tellers 1 and 2, each on
    their own, for a paper ballot (a secret ballot by code counts itself)."""
    if question.method == Method.SECRET:
        return []
    return [0] if question.method == Method.OPEN else [1, 2]


def count_keys(*, question: Question) -> list[tuple[str, str]]:
    """What a count sheet asks for each member class, as (key, label): the ballots cast in an
    election, then the votes for each choice."""
    choices = Choice.objects.filter(coop_id=question.coop_id, question=question)
    keys = [
        # A candidate with her member number: two candidates may share a name.
        (
            str(c.code or c.pk),
            f"\u2068{c.label}\u2069 · {c.candidate.number}" if c.candidate else c.label,
        )
        for c in choices.select_related("candidate")
    ]
    if question.kind == Question.Kind.ELECTION:
        keys.insert(0, ("ballots", _("Ballots cast")))
    return keys


def turnout(*, question: Question) -> dict[str, int]:
    codes = VoterCode.objects.filter(coop_id=question.coop_id, question=question)
    return {"issued": codes.count(), "used": codes.filter(used=True).count()}


def ballot_counts(*, question: Question) -> tuple[dict[int, dict[Any, int]], dict[int, int]]:
    """The secret ballot box, counted: marks per voter class and choice (None: blank), and
    ballots per voter class. Two grouped queries whatever the number of ballots."""
    rows = BallotEntry.objects.filter(coop_id=question.coop_id, question=question)
    marks: dict[int, dict[Any, int]] = {}
    for class_id, choice_id, n in (
        rows.values("member_class_id", "choice_id")
        .annotate(n=Count("pk"))
        .values_list("member_class_id", "choice_id", "n")
    ):
        marks.setdefault(class_id, {})[choice_id] = n
    ballots = dict(
        rows.values("member_class_id")
        .annotate(n=Count("ballot", distinct=True))
        .values_list("member_class_id", "n")
    )
    return marks, ballots


def minutes(*, meeting: Meeting, names: bool = False) -> dict[str, Any]:
    """What the minutes say, from what was recorded: attendance, quorum, each question with its
    tally by class and its result, and the decisions numbered. The attendance register's names
    only with ``names`` (see ``attendance_names_shown``); the counts always."""
    class_names = dict(
        MemberClass.objects.filter(coop_id=meeting.coop_id).values_list("pk", "name")
    )
    by_class: dict[str, dict[str, int]] = {}
    for class_id, presence, n in (
        Attendee.objects.filter(coop_id=meeting.coop_id, meeting=meeting)
        .values("member_class_id", "presence")
        .annotate(n=Count("pk"))
        .values_list("member_class_id", "presence", "n")
    ):
        by_class.setdefault(class_names.get(class_id, "?"), {p: 0 for p in Presence.values})[
            presence
        ] = n
    questions = list(
        Question.objects.filter(coop_id=meeting.coop_id, meeting=meeting)
        .select_related("body")
        .order_by("pk")
    )
    return {
        "meeting": meeting,
        "agenda": list(meeting.agenda.all()),
        "attendance": attendance(meeting=meeting) if names else None,
        "counts": attendance_counts(meeting=meeting),
        "by_class": sorted(by_class.items()),
        "questions": questions,
        "decisions": list(
            BoardDecision.objects.filter(coop_id=meeting.coop_id, meeting=meeting).order_by(
                "number"
            )
        ),
        "terms": list(
            Term.objects.filter(coop_id=meeting.coop_id, election__meeting=meeting)
            .select_related("membership__person", "body", "seat_class")
            .order_by("body__name", "membership__person__family_name")
        ),
    }
