import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from carecoop.billing import services
from carecoop.billing.fees import month_start
from carecoop.members.tests.factories import MembershipFactory
from carecoop.testing import make_child


class Billed:
    """The creche with fees: members Rs 175, community Rs 250 a month, 50 % off for siblings."""

    def __init__(self, world, creche, today):
        self.world, self.creche, self.today = world, creche, today
        self.coop = world.home
        self.coop.currency = "INR"
        self.coop.save()
        self.by = world.users["manager"]
        self.month = month_start(today)
        creche.centre.licensed_capacity = 100
        creche.centre.save()
        creche.toddlers.capacity = 60
        creche.toddlers.save()
        creche.members_pool.places = 60
        creche.members_pool.save()
        self.members = services.fee_category_create(
            coop=self.coop,
            by=self.by,
            code="members",
            name="Worker-members",
            pool=creche.members_pool,
        )
        self.community = services.fee_category_create(
            coop=self.coop, by=self.by, code="community", name="Community"
        )
        start = month_start(self.month - datetime.timedelta(days=400))
        for category, amount in ((self.members, "175"), (self.community, "250")):
            services.fee_schedule_create(
                coop=self.coop,
                by=self.by,
                centre=creche.centre,
                category=category,
                amount=Decimal(amount),
                effective_from=start,
                board_decision="Board 2025/07",
                sibling_discount_percent=50,
                prorate=True,
            )

    def enrol_family(self, n_children=2, *, pool=True, starts_on=None):
        """A new household with ``n_children`` toddlers enrolled from ``starts_on``."""
        from carecoop.care import services as care

        membership = MembershipFactory(
            coop=self.coop,
            member_class=self.world.member_class,
            household_centre=self.creche.centre,
        )
        children = []
        for i in range(n_children):
            child = make_child(
                membership.person,
                f"Kid{membership.pk}x{i}",
                self.today - datetime.timedelta(days=365 * 3 + i),
            )
            care.enrolment_create(
                child=child,
                room=self.creche.toddlers,
                pool=self.creche.members_pool if pool else None,
                starts_on=starts_on or self.month - datetime.timedelta(days=60),
                by=self.by,
            )
            children.append(child)
        return membership.person.household, children


@pytest.fixture
def billed(world, creche, today):
    with scope(coop=world.home.pk):
        yield Billed(world, creche, today)
