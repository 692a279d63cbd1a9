"""The rounds of the care impact survey most survey tests answer."""

import datetime

import pytest
from django_scopes import scope

from carecoop.surveys.services import care_impact_ship, round_save
from carecoop.testing import make_member

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


def respondents(world, count):  # type: ignore[no-untyped-def]
    """The home cooperative's two members and ``count`` more at its first centre."""
    return [world.person, world.elsewhere.person] + [
        make_member(
            coop=world.home,
            by=world.users["manager"],
            member_class=world.member_class,
            centre=world.centre,
            given_name=f"Member {n}",
            family_name="Survey",
            phone="",
        ).person
        for n in range(count)
    ]
