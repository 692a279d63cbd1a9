import datetime

import pytest
from django_scopes import scope

from carecoop.care import services
from carecoop.conftest import make_child
from carecoop.members.tests.factories import MembershipFactory


class Centre:
    """A creche of the home cooperative: 2 rooms, a members' pool and a community pool."""

    def __init__(self, world, today):
        self.world = world
        by = world.users["manager"]
        self.by = by
        centre = world.centre
        centre.licensed_capacity = 6
        centre.save()
        self.centre = centre
        self.babies = services.room_create(
            centre=centre, by=by, name="Babies", min_age_months=0, max_age_months=23, capacity=2
        )
        self.toddlers = services.room_create(
            centre=centre, by=by, name="Toddlers", min_age_months=24, max_age_months=72, capacity=4
        )
        self.members_pool = services.pool_create(
            centre=centre, by=by, name="Members", places=4, member_classes=[world.member_class]
        )
        self.community_pool = services.pool_create(centre=centre, by=by, name="Community", places=2)
        services.priority_set(
            centre=centre, by=by, points={"member": 10, "sibling": 5, "waiting_month": 1}
        )
        self.parent = world.person
        self.child = make_child(self.parent, "Diya", today - datetime.timedelta(days=365 * 3))
        self.baby = make_child(self.parent, "Om", today - datetime.timedelta(days=200))
        neighbour = MembershipFactory(
            coop=world.home, member_class=world.member_class, status="exited"
        )
        self.neighbour_child = make_child(
            neighbour.person, "Kavya", today - datetime.timedelta(days=365 * 4)
        )
        self.today = today

    def enrol(self, child=None, room=None):
        return services.enrolment_create(
            child=child or self.child,
            room=room or self.toddlers,
            pool=self.members_pool,
            starts_on=self.today - datetime.timedelta(days=30),
            by=self.by,
        )


@pytest.fixture
def creche(world, today):
    with scope(coop=world.home.pk):
        yield Centre(world, today)
