"""The rounds of the care impact survey most survey tests answer."""

import datetime

import pytest
from django_scopes import scope

from carecoop.surveys.services import care_impact_ship, round_save

OPENED = datetime.date(2026, 1, 5)


@pytest.fixture
def rounds(world):
    by = world.users["manager"]
    with scope(coop=world.home.pk):
        world.home.currency = "INR"
        version = care_impact_ship(coop=world.home, by=by)
        baseline = round_save(
            coop=world.home, by=by, version=version, name="Baseline", opens_on=OPENED
        )
        follow_up = round_save(
            coop=world.home,
            by=by,
            version=version,
            name="Six months",
            opens_on=OPENED + datetime.timedelta(days=182),
            baseline=baseline,
        )
        yield baseline, follow_up
