import datetime
import random

from django_scopes import scope

from carecoop.care import selectors
from carecoop.care import services as care
from carecoop.demo.services import _enrol_children
from carecoop.members import services as members
from carecoop.testing import make_centre, make_child, make_member


def test_enrolling_the_demo_children_never_fills_a_room_pool_or_centre_beyond_its_places(
    world, today
):
    by = world.users["manager"]
    with scope(coop=world.home.pk):
        centre = make_centre(coop=world.home, by=by, code="demo-full", name="Full Creche")
        care.centre_update(centre=centre, by=by, licensed_capacity=5)
        centre.refresh_from_db()
        care.room_create(
            centre=centre, by=by, name="Babies", min_age_months=0, max_age_months=23, capacity=3
        )
        care.room_create(
            centre=centre, by=by, name="Older", min_age_months=24, max_age_months=72, capacity=2
        )
        care.pool_create(
            centre=centre, by=by, name="Members", places=2, member_classes=[world.member_class]
        )
        care.pool_create(centre=centre, by=by, name="Everyone", places=3)
        community = members.member_class_create(
            coop=world.home, by=by, code="community", name="Community", may_enrol_children=True
        )
        # The youngest are registered first: they start last, once they are two months old; the
        # families alternate between the members' pool and the pool for everyone.
        births = [today - datetime.timedelta(days=d) for d in (70, 80, 90, 100)]
        births += [today - datetime.timedelta(days=d) for d in (300, 320, 340, 900, 1000, 1100)]
        for number, born in enumerate(births):
            parent = make_member(
                coop=world.home,
                by=by,
                member_class=community if number % 2 else world.member_class,
                centre=centre,
                given_name=f"Parent{number}",
                family_name="Demo",
                phone=f"+91 98000001{number:02d}",
            ).person
            make_child(parent, f"Child{number}", born)

        _enrol_children(centre, by, random.Random(1), today)

        enrolled = 0
        for days_ago in range(91, -30, -1):
            use = selectors.occupancy(centre=centre, on=today - datetime.timedelta(days=days_ago))
            for part in [use.centre, *use.rooms, *use.pools]:
                assert part.taken <= part.capacity, (days_ago, part)
            enrolled = max(enrolled, use.centre.taken)
    assert enrolled == 5  # Full, but not beyond.
