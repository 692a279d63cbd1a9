"""A small multi-stakeholder cooperative ready for a general assembly: care workers and parents
(50 % of the vote each), shares paid up, a general assembly and a board."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope

from carecoop.capital import services as capital
from carecoop.governance import services
from carecoop.members.models import Membership
from carecoop.members.tests.factories import MemberClassFactory, MembershipFactory


class Assembly:
    def __init__(self, world: Any, today: datetime.date) -> None:
        self.world = world
        self.today = today
        self.by = world.users["manager"]
        coop = world.home
        self.coop = coop
        self.workers_class = world.member_class
        self.workers_class.vote_weight_percent = 50
        self.workers_class.min_shares = 1
        self.workers_class.save()
        self.parents_class = MemberClassFactory(
            coop=coop, code="parent", name="Parent", vote_weight_percent=50, min_shares=1
        )
        self.supporters_class = MemberClassFactory(
            coop=coop, code="supporter", name="Supporter", may_vote=False, may_hold_office=False
        )
        self.shares = capital.share_class_create(
            coop=coop, by=self.by, code="ordinary", name="Ordinary", par_value=100, currency="INR"
        )
        self.workers = [world.membership, world.elsewhere] + [
            MembershipFactory(coop=coop, member_class=self.workers_class) for _ in range(2)
        ]
        self.parents = [
            MembershipFactory(
                coop=coop,
                member_class=self.parents_class,
                admitted_on=datetime.date(2020, 2, 1) + datetime.timedelta(days=i),
            )
            for i in range(6)
        ]
        self.supporter = MembershipFactory(coop=coop, member_class=self.supporters_class)
        for membership in self.workers + self.parents:
            self.pay_up(membership)
        self.assembly = services.body_create(
            coop=coop,
            by=self.by,
            kind="assembly",
            name="General assembly",
            notice_days=14,
            quorum_first_percent=50,
            quorum_second_percent=20,
            proxy_limit=1,
        )
        self.board = services.body_create(
            coop=coop, by=self.by, kind="board", name="Board", term_years=3, notice_days=3
        )
        services.body_seats_set(
            body=self.board, by=self.by, member_class=self.workers_class, seats=2
        )
        services.body_seats_set(
            body=self.board, by=self.by, member_class=self.parents_class, seats=2
        )

    @property
    def voters(self) -> list[Membership]:
        return self.workers + self.parents

    def pay_up(self, membership: Membership, shares: int = 1) -> None:
        subscription = capital.subscription_create(
            coop=self.coop,
            by=self.by,
            membership=membership,
            share_class=self.shares,
            shares=shares,
            subscribed_on=datetime.date(2021, 1, 1),
        )
        capital.payment_record(
            subscription=subscription,
            by=self.by,
            amount=100 * shares,
            method="cash",
            paid_on=datetime.date(2021, 1, 1),
        )

    def meeting(self, *, starts: datetime.datetime | None = None, body: Any = None) -> Any:
        starts = starts or timezone.now() - datetime.timedelta(minutes=5)
        return services.meeting_convene(
            body=body or self.assembly,
            by=self.by,
            title="Annual general assembly",
            first_call_at=starts,
            notice_on=starts.date() - datetime.timedelta(days=20),
            place="Community hall",
            agenda=["Accounts", "Election of the board"],
        )

    def attend(self, meeting: Any, members: list[Membership] | None = None) -> None:
        for membership in self.voters if members is None else members:
            services.attendance_record(
                meeting=meeting, by=self.by, membership=membership, presence="present"
            )

    def open_meeting(self) -> Any:
        meeting = self.meeting()
        self.attend(meeting)
        return services.meeting_open(meeting=meeting, by=self.by)


@pytest.fixture
def assembly(world: Any, today: datetime.date) -> Any:
    with scope(coop=world.home.pk):
        yield Assembly(world, today)
