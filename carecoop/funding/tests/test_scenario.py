"""The what-if page starts from the cooperative's own figures where it has them."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from carecoop.core.permissions import Access
from carecoop.funding import selectors

pytestmark = pytest.mark.django_db


def _defaults(coop, user, today):
    access = Access(user=user, org=coop, roles=frozenset({"manager"}))
    return selectors.scenario_defaults(access=access, today=today)


def test_the_what_if_page_starts_from_the_fee_schedule_and_the_places_of_the_centre(billed):
    # No child billed and nothing spent yet: the centre's places, the full fee its schedule sets
    # today (members pay Rs 175, the community Rs 250), and the reference running cost.
    defaults = _defaults(billed.coop, billed.by, billed.today)
    assert defaults["places"] == 100
    assert defaults["fee"] == Decimal(250)
    assert defaults["occupancy"] == 100 and defaults["collection"] == 100
    assert defaults["wages"] == Decimal(18000) and defaults["other_costs"] == Decimal(4500)


def test_a_fee_no_longer_in_force_is_not_where_the_what_if_page_starts(billed):
    from carecoop.billing.models import FeeSchedule

    yesterday = billed.today - datetime.timedelta(days=1)
    FeeSchedule.objects.filter(coop_id=billed.coop.pk, amount_minor=25000).update(
        effective_until=yesterday
    )
    assert _defaults(billed.coop, billed.by, billed.today)["fee"] == Decimal(175)


def test_without_a_fee_schedule_the_what_if_page_starts_from_the_reference_fee(world, today):
    with scope(coop=world.home.pk):
        world.centre.licensed_capacity = 12
        world.centre.save()
        defaults = _defaults(world.home, world.users["manager"], today)
    assert defaults["places"] == 12
    assert defaults["fee"] == Decimal(175)
