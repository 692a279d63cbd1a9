"""Demonstration share capital and governance for reference cooperative A (Shakti creches),
loaded through the services. Called inside ``scope(coop=coop.pk)`` once the member registry
exists (by ``carecoop.demo.services``):

- One ordinary share of ₹100 per member, paid up on admission by most; recent members pay
  ₹25 a month, and a few are behind (more than three months of arrears takes the vote away).
- Mothers and facilitators hold 50 % of the vote each. The board has three seats for care
  workers and three for parents, four-year terms, at most two in a row; ties go to the
  longer-standing member.
- A general assembly two years ago elected the board by secret ballot with one-time codes;
  the elected members' terms followed from it. Board decisions are numbered (BD-year-nnn), and
  a share transfer cites one.
- The next general assembly is convened three weeks from today, with its agenda.
"""

import datetime
import random
from typing import Any
from zoneinfo import ZoneInfo

from carecoop.capital import selectors as capital_selectors
from carecoop.capital import services as capital
from carecoop.core.dates import add_months
from carecoop.core.types import Actor
from carecoop.governance import selectors, services
from carecoop.governance.models import Body, Meeting
from carecoop.members.models import MemberClass, Membership
from carecoop.tenancy.models import Organisation


def load(coop: Organisation, by: Actor, rng: random.Random, today: datetime.date) -> None:
    if coop.slug != "shakti-creches":
        return
    zone = ZoneInfo(coop.time_zone)
    classes = {c.code: c for c in MemberClass.objects.filter(coop=coop, may_vote=True)}
    shares = capital.share_class_create(
        coop=coop,
        by=by,
        code="ordinary",
        name="Ordinary share",
        par_value=100,
        currency=coop.currency,
        description="One share per member, payable in instalments of ₹25.",
    )
    for member_class in classes.values():
        capital.share_limit_set(
            share_class=shares, by=by, member_class=member_class, min_shares=1, max_shares=10
        )
        services.class_rule_set(coop=coop, by=by, member_class=member_class, max_arrears_months=3)
    members = list(
        Membership.objects.filter(coop=coop, member_class__in=classes.values(), status="active")
        .exclude(admitted_on=None)
        .select_related("person", "member_class")
        .order_by("pk")
    )
    for membership in members:
        _subscribe(coop, by, rng, today, shares, membership)

    assembly = services.body_create(
        coop=coop,
        by=by,
        kind="assembly",
        name="General assembly",
        notice_days=14,
        quorum_first_percent=50,
        quorum_second_percent=20,
        second_call_minutes=30,
        proxy_limit=1,
    )
    board = services.body_create(
        coop=coop,
        by=by,
        kind="board",
        name="Board",
        term_years=4,
        term_limit=2,
        notice_days=3,
        quorum_first_percent=50,
        quorum_second_percent=50,
        proxy_limit=0,
        tie_rule="seniority",
    )
    for member_class in classes.values():
        services.body_seats_set(body=board, by=by, member_class=member_class, seats=3)
    services.body_create(
        coop=coop,
        by=by,
        kind="committee",
        name="Audit committee",
        term_years=2,
        notice_days=7,
        open_seats=3,
    )
    _past_election(coop, by, rng, today, zone, assembly, board, classes)
    transfer_decision = _decisions(coop, by, today)
    _transfer(coop, by, rng, today, shares, members, transfer_decision)
    _upcoming_assembly(coop, by, today, zone, assembly)


def _subscribe(
    coop: Organisation,
    by: Actor,
    rng: random.Random,
    today: datetime.date,
    shares: Any,
    membership: Any,
) -> None:
    recent = membership.admitted_on > today - datetime.timedelta(days=240)
    if not recent:
        subscription = capital.subscription_create(
            coop=coop,
            by=by,
            membership=membership,
            share_class=shares,
            shares=1,
            subscribed_on=membership.admitted_on,
        )
        capital.payment_record(
            subscription=subscription,
            by=by,
            amount=100,
            method="cash",
            paid_on=membership.admitted_on,
        )
        return
    subscription = capital.subscription_create(
        coop=coop,
        by=by,
        membership=membership,
        share_class=shares,
        shares=1,
        subscribed_on=membership.admitted_on,
        instalment=25,
    )
    # Most pay every month; one in four stopped after the first instalment.
    behind = rng.random() < 0.25
    for n in range(1 if behind else 4):
        paid_on = add_months(membership.admitted_on, n)
        if paid_on > today:
            break
        capital.payment_record(
            subscription=subscription,
            by=by,
            amount=25,
            method="mobile_money" if rng.random() < 0.5 else "cash",
            paid_on=paid_on,
            client_reference=f"DEMO-{membership.pk}-{n}",
        )


def _past_election(
    coop: Organisation,
    by: Actor,
    rng: random.Random,
    today: datetime.date,
    zone: ZoneInfo,
    assembly: Body,
    board: Body,
    classes: dict[str, MemberClass],
) -> None:
    day = today - datetime.timedelta(days=730)
    starts = datetime.datetime.combine(day, datetime.time(10), tzinfo=zone)
    meeting = services.meeting_convene(
        body=assembly,
        by=by,
        title=f"General assembly {day.year}",
        first_call_at=starts,
        notice_on=day - datetime.timedelta(days=21),
        place="Shakti Creche Behrampura, community hall",
        agenda=["Annual accounts", "Election of the board", "Creche fees"],
    )
    entitled = selectors.entitled(meeting=meeting)
    voters = list(Membership.objects.filter(coop=coop, pk__in=list(entitled)).order_by("pk"))
    rng.shuffle(voters)
    present = voters[: int(len(voters) * 0.62)]
    for membership in present:
        services.attendance_record(
            meeting=meeting, by=by, membership=membership, presence="present"
        )
    holders = list(present[:10])
    for holder, membership in zip(holders, voters[len(present) : len(present) + 10], strict=False):
        services.attendance_record(
            meeting=meeting, by=by, membership=membership, presence="proxy", proxy_holder=holder
        )
    for membership in voters[len(present) + 10 : len(present) + 30]:
        services.attendance_record(
            meeting=meeting, by=by, membership=membership, presence="excused"
        )
    now = starts + datetime.timedelta(minutes=5)
    services.meeting_open(meeting=meeting, by=by, now=now)

    accounts = services.motion_create(
        meeting=meeting,
        by=by,
        title="Approve the accounts of the year",
        method="open",
    )
    services.question_open(
        question=accounts, by=by, closes_at=now + datetime.timedelta(minutes=20), now=now
    )
    present_by_class = selectors.presence_by_class(meeting=meeting)
    services.counts_enter(
        question=accounts,
        by=by,
        teller=0,
        counts={
            cid: {"for": n - 2, "against": 1, "abstain": 1} for cid, n in present_by_class.items()
        },
    )
    services.question_close(question=accounts, by=by, now=now + datetime.timedelta(minutes=21))

    election = services.election_create(
        meeting=meeting,
        by=by,
        body=board,
        title="Election of the board",
        method="secret",
        seats={c: 3 for c in classes.values()},
    )
    candidates: dict[int, list[int]] = {}
    for member_class in classes.values():
        standing = [
            m
            for m in present
            if m.member_class_id == member_class.pk
            and selectors.one_eligibility(membership=m, on=day).may_stand
        ][:5]
        for membership in standing:
            choice = services.candidate_add(question=election, by=by, membership=membership)
            candidates.setdefault(member_class.pk, []).append(choice.pk)
    opened = now + datetime.timedelta(minutes=30)
    services.question_open(
        question=election, by=by, closes_at=opened + datetime.timedelta(hours=1), now=opened
    )
    for item in services.codes_issue(question=election, by=by):
        picks = []
        for choices in candidates.values():
            # Each voter marks up to three per class, favouring the first candidates.
            weights = [5, 4, 3, 2, 1][: len(choices)]
            picks += list(dict.fromkeys(rng.choices(choices, weights=weights, k=3)))
        services.ballot_cast(
            coop_id=coop.pk,
            code=item.code,
            choice_ids=picks,
            now=opened + datetime.timedelta(minutes=10),
        )
    services.question_close(
        question=election, by=by, now=opened + datetime.timedelta(hours=1), seed="demo-2026"
    )
    services.meeting_close(meeting=meeting, by=by, now=opened + datetime.timedelta(hours=2))


def _decisions(coop: Organisation, by: Actor, today: datetime.date) -> Any:
    year_ago = today - datetime.timedelta(days=365)
    services.decision_record(
        coop=coop,
        by=by,
        decided_on=year_ago,
        title="Creche fee for members' children set at ₹300 a month",
        text="Applies from the next month; families in hardship apply to the board.",
    )
    services.decision_record(
        coop=coop,
        by=by,
        decided_on=year_ago + datetime.timedelta(days=30),
        title="Budget of the year approved",
    )
    return services.decision_record(
        coop=coop,
        by=by,
        decided_on=today - datetime.timedelta(days=40),
        title="Transfer of one share between members approved",
    )


def _transfer(
    coop: Organisation,
    by: Actor,
    rng: random.Random,
    today: datetime.date,
    shares: Any,
    members: list[Membership],
    decision: Any,
) -> None:
    held = capital_selectors.holdings(coop_id=coop.pk, on=today)
    sellers = [
        m for m in members if m.status == "active" and m.pk in held and held[m.pk].paid_shares
    ]
    if len(sellers) < 2:
        return
    seller, buyer = sellers[0], sellers[1]
    # The seller first buys a second share, then passes it on.
    subscription = capital.subscription_create(
        coop=coop,
        by=by,
        membership=seller,
        share_class=shares,
        shares=1,
        subscribed_on=today - datetime.timedelta(days=90),
    )
    capital.payment_record(
        subscription=subscription,
        by=by,
        amount=100,
        method="cash",
        paid_on=today - datetime.timedelta(days=90),
    )
    capital.transfer_record(
        coop=coop,
        by=by,
        from_membership=seller,
        to_membership=buyer,
        share_class=shares,
        shares=1,
        transferred_on=today - datetime.timedelta(days=30),
        board_decision=decision,
    )


def _upcoming_assembly(
    coop: Organisation, by: Actor, today: datetime.date, zone: ZoneInfo, assembly: Body
) -> Meeting:
    day = today + datetime.timedelta(days=21)
    return services.meeting_convene(
        body=assembly,
        by=by,
        title=f"General assembly {day.year}",
        first_call_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=zone),
        notice_on=today,
        place="Shakti Creche Gomtipur, courtyard",
        agenda=[
            "Minutes of the last general assembly",
            "Annual accounts and the auditor's report",
            "Creche fees for the coming year",
            "Admission of new members",
        ],
    )
