"""Member control through the services: eligibility, terms, meetings, votes and elections."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from carecoop.capital import services as capital
from carecoop.governance import selectors, services
from carecoop.governance.models import (
    Attendee,
    BallotEntry,
    BoardDecision,
    Meeting,
    Question,
    Term,
    VoterCode,
)
from carecoop.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def later(minutes=30):
    return timezone.now() + datetime.timedelta(minutes=minutes)


# Eligibility ----------------------------------------------------------------------------------


def test_eligibility_gives_reasons_in_words(assembly):
    unpaid = MembershipFactory(coop=assembly.coop, member_class=assembly.parents_class)
    result = selectors.eligibility(coop_id=assembly.coop.pk, on=assembly.today)
    assert result[assembly.parents[0].pk].may_vote
    assert not result[unpaid.pk].may_vote
    assert result[unpaid.pk].vote_reasons == ["0 shares paid up; the statutes ask for at least 1."]
    supporter = result[assembly.supporter.pk]
    assert not supporter.may_vote and "Members of this class do not vote." in supporter.vote_reasons
    assert "Members of this class cannot hold office." in supporter.stand_reasons


def test_arrears_over_the_limit_take_away_the_vote(assembly):
    member = assembly.parents[0]
    services.class_rule_set(
        coop=assembly.coop,
        by=assembly.by,
        member_class=assembly.parents_class,
        max_arrears_months=2,
    )
    capital.subscription_create(
        coop=assembly.coop,
        by=assembly.by,
        membership=member,
        share_class=assembly.shares,
        shares=2,
        subscribed_on=assembly.today - datetime.timedelta(days=200),
        instalment=20,
    )
    found = selectors.one_eligibility(membership=member, on=assembly.today)
    assert not found.may_vote
    assert "overdue for" in found.vote_reasons[0] and "at most 2" in found.vote_reasons[0]
    # On the day the first instalment fell due there were no arrears yet.
    early = selectors.one_eligibility(
        membership=member, on=assembly.today - datetime.timedelta(days=200)
    )
    assert early.may_vote


# Terms and decisions --------------------------------------------------------------------------


def test_terms_vacancies_limits_and_terms_ending_soon(assembly, home_scope):
    board, by = assembly.board, assembly.by
    start = assembly.today - datetime.timedelta(days=3 * 365 - 30)
    term = services.term_create(
        body=board,
        by=by,
        membership=assembly.workers[0],
        seat_class=assembly.workers_class,
        starts_on=start,
    )
    lines = {
        line.member_class: line for line in selectors.seat_lines(body=board, on=assembly.today)
    }
    assert lines[assembly.workers_class].vacant == 1 and lines[assembly.parents_class].vacant == 2
    access = home_scope.client  # noqa: F841 (keeps the fixture's scope)
    ending = list(
        Term.objects.filter(
            pk__in=[
                t.pk for t in selectors.terms_ending(access=_access(assembly), on=assembly.today)
            ]
        )
    )
    assert ending == [term]
    with pytest.raises(ValidationError, match="reserved for Parent"):
        services.term_create(
            body=board,
            by=by,
            membership=assembly.workers[1],
            seat_class=assembly.parents_class,
            starts_on=start,
        )
    with pytest.raises(ValidationError, match="cannot hold office"):
        services.term_create(
            body=board, by=by, membership=assembly.supporter, seat_class=None, starts_on=start
        )
    board.term_limit = 1
    board.save()
    with pytest.raises(ValidationError, match="1 terms in a row"):
        services.term_create(
            body=board,
            by=by,
            membership=assembly.workers[0],
            seat_class=assembly.workers_class,
            starts_on=term.ends_on,
        )


def _access(assembly):
    from carecoop.core.permissions import Access

    return Access(user=assembly.by, org=assembly.coop, roles=frozenset({"manager"}))


def test_board_decisions_are_numbered_per_year(assembly):
    one = services.decision_record(
        coop=assembly.coop, by=assembly.by, decided_on=datetime.date(2026, 1, 5), title="Fees"
    )
    two = services.decision_record(
        coop=assembly.coop, by=assembly.by, decided_on=datetime.date(2026, 2, 5), title="Budget"
    )
    three = services.decision_record(
        coop=assembly.coop, by=assembly.by, decided_on=datetime.date(2027, 1, 5), title="Admission"
    )
    assert [one.number, two.number, three.number] == ["BD-2026-001", "BD-2026-002", "BD-2027-001"]
    assert one.history.count() == 1


# Meetings -------------------------------------------------------------------------------------


def test_a_meeting_convened_with_too_little_notice_is_refused(assembly):
    starts = timezone.now() + datetime.timedelta(days=10)
    with pytest.raises(ValidationError, match="14 days' notice"):
        services.meeting_convene(
            body=assembly.assembly,
            by=assembly.by,
            title="Too soon",
            first_call_at=starts,
            notice_on=timezone.localdate(),
            place="Hall",
        )
    assert not Meeting.objects.exists()


def test_proxy_limit_and_quorum(assembly):
    meeting = assembly.meeting()
    by = assembly.by
    holder, first, second = assembly.parents[:3]
    with pytest.raises(ValidationError, match="must be registered as present"):
        services.attendance_record(
            meeting=meeting, by=by, membership=first, presence="proxy", proxy_holder=holder
        )
    services.attendance_record(meeting=meeting, by=by, membership=holder, presence="present")
    services.attendance_record(
        meeting=meeting, by=by, membership=first, presence="proxy", proxy_holder=holder
    )
    with pytest.raises(ValidationError, match="already holds 1 proxy;"):
        services.attendance_record(
            meeting=meeting, by=by, membership=second, presence="proxy", proxy_holder=holder
        )
    assert Attendee.objects.filter(meeting=meeting).count() == 2
    with pytest.raises(ValidationError, match="cannot take part"):
        services.attendance_record(
            meeting=meeting, by=by, membership=assembly.supporter, presence="present"
        )
    # 10 voters, 50 % at first call: 2 present or represented is not enough.
    with pytest.raises(ValidationError, match="Quorum not met at call 1: 2 of 10"):
        services.meeting_open(meeting=meeting, by=by)
    assert Meeting.objects.get(pk=meeting.pk).status == "convened"
    # At the second call 20 % (2 of 10) is enough.
    opened = services.meeting_open(
        meeting=meeting, by=by, now=meeting.second_call_at + datetime.timedelta(minutes=1)
    )
    assert (opened.opened_on_call, opened.quorum_present, opened.quorum_required) == (2, 2, 2)


# Votes ----------------------------------------------------------------------------------------


def test_secret_motion_by_code_weighted_by_class(assembly):
    meeting = assembly.open_meeting()
    motion = services.motion_create(
        meeting=meeting, by=assembly.by, title="Raise the fee", method="secret"
    )
    services.question_open(question=motion, by=assembly.by, closes_at=later())
    issued = {
        i.membership.pk: i.code for i in services.codes_issue(question=motion, by=assembly.by)
    }
    assert len(issued) == 10
    choice = {c.code: c.pk for c in motion.choices.all()}
    # The 4 care workers vote for; of the 6 parents, 2 for and 4 against.
    for member in assembly.workers + assembly.parents[:2]:
        services.ballot_cast(
            coop_id=assembly.coop.pk, code=issued[member.pk], choice_ids=[choice["for"]]
        )
    for member in assembly.parents[2:]:
        services.ballot_cast(
            coop_id=assembly.coop.pk, code=issued[member.pk].lower(), choice_ids=[choice["against"]]
        )
    with pytest.raises(ValidationError, match="already been used"):
        services.ballot_cast(
            coop_id=assembly.coop.pk,
            code=issued[assembly.workers[0].pk],
            choice_ids=[choice["against"]],
        )
    assert BallotEntry.objects.count() == 10
    closed = services.question_close(question=motion, by=assembly.by)
    # Workers 50 % x 4/4 + parents 50 % x 2/6 = 66.67 % for: carried; by heads 6 to 4 too.
    assert closed.carried
    assert closed.result["for"] == "66.67" and closed.result["weighted"] is True
    # Four care workers all voted for: counts by class would tell each of them how the others
    # voted, so only the totals are kept.
    assert closed.result["by_class_hidden_below"] == 5
    rows = {r["name"]: r for r in closed.result["classes"]}
    assert set(rows) == {"Parent", "Care worker"}
    assert not any("for" in row or "against" in row for row in rows.values())
    shown = render_to_string("governance/_result.html", {"q": closed})
    assert "fewer than 5 ballots" in shown and "Care worker" not in shown
    # The general assembly's motions are not board decisions.
    assert not BoardDecision.objects.exists()


def test_no_vote_after_closing_nor_with_a_wrong_choice(assembly):
    meeting = assembly.open_meeting()
    motion = services.motion_create(meeting=meeting, by=assembly.by, title="M", method="secret")
    services.question_open(question=motion, by=assembly.by, closes_at=later())
    code = services.codes_issue(question=motion, by=assembly.by)[0].code
    other = services.motion_create(meeting=meeting, by=assembly.by, title="N", method="secret")
    with pytest.raises(ValidationError, match="not on the ballot"):
        services.ballot_cast(
            coop_id=assembly.coop.pk, code=code, choice_ids=[other.choices.first().pk]
        )
    with pytest.raises(ValidationError, match="is closed"):
        services.ballot_cast(
            coop_id=assembly.coop.pk,
            code=code,
            choice_ids=[motion.choices.first().pk],
            now=later(31),
        )
    with pytest.raises(ValidationError, match="not valid"):
        services.ballot_cast(coop_id=assembly.coop.pk, code="AAAAA-AAAAA", choice_ids=[])
    assert not BallotEntry.objects.exists()
    assert not VoterCode.objects.filter(used=True).exists()


def test_paper_ballot_needs_two_tellers_who_agree(assembly, world):
    meeting = assembly.open_meeting()
    motion = services.motion_create(
        meeting=meeting,
        by=assembly.by,
        title="Change the statutes",
        method="paper",
        majority="two_thirds",
        majority_base="present",
    )
    services.question_open(question=motion, by=assembly.by, closes_at=later())
    w, p = str(assembly.workers_class.pk), str(assembly.parents_class.pk)
    counts = {w: {"for": 4}, p: {"for": 3, "against": 3}}
    services.counts_enter(question=motion, by=world.users["board"], teller=1, counts=counts)
    with pytest.raises(ValidationError, match="two different people"):
        services.counts_enter(question=motion, by=world.users["board"], teller=2, counts=counts)
    services.counts_enter(
        question=motion,
        by=assembly.by,
        teller=2,
        counts={w: {"for": 4}, p: {"for": 4, "against": 2}},
    )
    with pytest.raises(ValidationError, match="counts differ"):
        services.question_close(question=motion, by=assembly.by)
    with pytest.raises(ValidationError, match="6 members present"):
        services.counts_enter(question=motion, by=assembly.by, teller=2, counts={p: {"for": 7}})
    services.counts_enter(question=motion, by=assembly.by, teller=2, counts=counts)
    closed = services.question_close(question=motion, by=assembly.by)
    # 50 % + 50 % x 3/6 = 75 % of those present >= two thirds.
    assert closed.carried and closed.result["for"] == "75"


def test_a_board_motion_becomes_a_numbered_decision(assembly):
    for member, cls in (
        (assembly.workers[0], assembly.workers_class),
        (assembly.parents[0], assembly.parents_class),
    ):
        services.term_create(
            body=assembly.board,
            by=assembly.by,
            membership=member,
            seat_class=cls,
            starts_on=assembly.today - datetime.timedelta(days=30),
        )
    starts = timezone.now() - datetime.timedelta(minutes=1)
    meeting = services.meeting_convene(
        body=assembly.board,
        by=assembly.by,
        title="Board",
        first_call_at=starts,
        notice_on=starts.date() - datetime.timedelta(days=3),
        place="Office",
    )
    with pytest.raises(ValidationError, match="no seat on Board"):
        assembly.attend(meeting, [assembly.workers[1]])
    assembly.attend(meeting, [assembly.workers[0], assembly.parents[0]])
    services.meeting_open(meeting=meeting, by=assembly.by)
    motion = services.motion_create(
        meeting=meeting, by=assembly.by, title="Approve transfer", method="open"
    )
    services.question_open(question=motion, by=assembly.by, closes_at=later())
    services.counts_enter(
        question=motion,
        by=assembly.by,
        teller=0,
        counts={assembly.workers_class.pk: {"for": 1}, assembly.parents_class.pk: {"for": 1}},
    )
    closed = services.question_close(question=motion, by=assembly.by)
    assert closed.carried
    decision = closed.decision
    assert (
        decision.number.startswith(f"BD-{meeting.first_call_at.year}-")
        and decision.meeting == meeting
    )


# Elections ------------------------------------------------------------------------------------


def test_election_with_reserved_seats_ties_by_lots_and_terms(assembly):
    meeting = assembly.open_meeting()
    election = services.election_create(
        meeting=meeting,
        by=assembly.by,
        body=assembly.board,
        title="Board election",
        seats={assembly.workers_class: 1, assembly.parents_class: 1},
    )
    with pytest.raises(ValidationError, match="Supporter, which has no seat"):
        services.candidate_add(question=election, by=assembly.by, membership=assembly.supporter)
    unpaid = MembershipFactory(coop=assembly.coop, member_class=assembly.parents_class)
    with pytest.raises(ValidationError, match="shares paid up"):
        services.candidate_add(question=election, by=assembly.by, membership=unpaid)
    worker_a, worker_b = assembly.workers[:2]
    parent_a, parent_b = assembly.parents[:2]
    choices = {
        m.pk: services.candidate_add(question=election, by=assembly.by, membership=m).pk
        for m in (worker_a, worker_b, parent_a, parent_b)
    }
    services.question_open(question=election, by=assembly.by, closes_at=later())
    issued = {
        i.membership.pk: i.code for i in services.codes_issue(question=election, by=assembly.by)
    }
    with pytest.raises(ValidationError, match="at most 1"):
        services.ballot_cast(
            coop_id=assembly.coop.pk,
            code=issued[assembly.workers[3].pk],
            choice_ids=[choices[worker_a.pk], choices[worker_b.pk]],
        )
    # Workers: 2 for A, 2 for B (a tie). Parents: 4 for parent A, 2 for parent B.
    plan = {
        assembly.workers[0].pk: [worker_a, parent_a],
        assembly.workers[1].pk: [worker_a, parent_a],
        assembly.workers[2].pk: [worker_b, parent_b],
        assembly.workers[3].pk: [worker_b, parent_b],
    }
    for i, parent in enumerate(assembly.parents):
        plan[parent.pk] = [parent_a if i < 4 else parent_b]
    for member_pk, picks in plan.items():
        services.ballot_cast(
            coop_id=assembly.coop.pk,
            code=issued[member_pk],
            choice_ids=[choices[m.pk] for m in picks],
        )
    closed = services.question_close(question=election, by=assembly.by, seed="fixed-seed")
    groups = {g["class"]: g for g in closed.result["groups"]}
    assert set(groups["Care worker"]["tie"]) == {
        worker_a.person.full_name,
        worker_b.person.full_name,
    }
    assert closed.tie_seed == "fixed-seed"
    terms = list(Term.objects.filter(election=closed))
    assert len(terms) == 2
    assert {t.membership for t in terms} & {worker_a, worker_b}
    assert parent_a in {t.membership for t in terms}
    assert all(t.ends_on.year == t.starts_on.year + 3 for t in terms)


def test_election_tie_by_seniority(assembly):
    assembly.board.tie_rule = "seniority"
    assembly.board.save()
    meeting = assembly.open_meeting()
    election = services.election_create(
        meeting=meeting,
        by=assembly.by,
        body=assembly.board,
        title="By-election",
        method="open",
        seats={assembly.parents_class: 1},
    )
    older, newer = assembly.parents[0], assembly.parents[1]  # admitted a day apart
    c_new = services.candidate_add(question=election, by=assembly.by, membership=newer)
    c_old = services.candidate_add(question=election, by=assembly.by, membership=older)
    services.question_open(question=election, by=assembly.by, closes_at=later())
    services.counts_enter(
        question=election,
        by=assembly.by,
        teller=0,
        counts={assembly.parents_class.pk: {"ballots": 6, str(c_new.pk): 3, str(c_old.pk): 3}},
    )
    closed = services.question_close(question=election, by=assembly.by)
    assert Term.objects.get(election=closed).membership == older
    assert closed.result["groups"][0]["tie_rule"] == "The longer-standing member"


def test_codes_are_sent_by_sms_through_the_backend(
    assembly, settings, django_capture_on_commit_callbacks
):
    from carecoop.core.sms import MemoryBackend

    settings.CARECOOP_SMS_BACKEND = "carecoop.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    meeting = assembly.open_meeting()
    motion = services.motion_create(meeting=meeting, by=assembly.by, title="M", method="secret")
    services.question_open(question=motion, by=assembly.by, closes_at=later())
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.codes_issue(question=motion, by=assembly.by, send_sms=True)
    assert len(MemoryBackend.outbox) == 10
    assert issued[0].code in " ".join(text for _to, text in MemoryBackend.outbox)
    # Only hashes are kept.
    assert not VoterCode.objects.filter(
        code_hash__contains=issued[0].code.replace("-", "")
    ).exists()
    assert services.codes_issue(question=motion, by=assembly.by) == []
    assert Question.objects.get(pk=motion.pk).status == "open"


def test_codes_go_by_sms_only_once_they_are_committed(
    assembly, settings, django_capture_on_commit_callbacks
):
    from carecoop.core.sms import MemoryBackend

    settings.CARECOOP_SMS_BACKEND = "carecoop.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    meeting = assembly.open_meeting()
    motion = services.motion_create(meeting=meeting, by=assembly.by, title="M", method="secret")
    services.question_open(question=motion, by=assembly.by, closes_at=later())
    # Issued in a transaction that then fails: the codes are not kept, and nothing was sent.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assert services.codes_issue(question=motion, by=assembly.by, send_sms=True)
        raise RuntimeError("rolled back")
    assert callbacks == [] and MemoryBackend.outbox == []
    assert not VoterCode.objects.filter(question=motion).exists()
    # Committed: each code goes once, after the commit and not before.
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.codes_issue(question=motion, by=assembly.by, send_sms=True)
        assert MemoryBackend.outbox == []
    assert len(issued) == 10 and len(MemoryBackend.outbox) == 10
    sent = " ".join(text for _to, text in MemoryBackend.outbox)
    assert all(sent.count(item.code) == 1 for item in issued)
    assert services.codes_issue(question=motion, by=assembly.by, send_sms=True) == []
    assert len(MemoryBackend.outbox) == 10
