import datetime

import pytest
from django_scopes import scope

from carecoop.members.tests.factories import MembershipFactory
from carecoop.tenancy.services import affiliation_create

pytestmark = pytest.mark.django_db


def test_analyst_sees_counts_of_affiliated_cooperatives_only(world):
    affiliation_create(
        member=world.home, parent=world.federation, started_on=datetime.date(2020, 1, 1)
    )
    with scope(coop=world.home.pk):
        for _ in range(6):
            MembershipFactory(coop=world.home, member_class=world.member_class)
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert "Home Cooperative" in body
    assert "Other Cooperative" not in body  # Not affiliated.
    assert "<td>8</td>" in body  # 2 + 6 active members.
    for name in ("Hansa", "Parmar", "Kokila", "Vaghela"):
        assert name not in body


def test_small_counts_are_suppressed(world):
    affiliation_create(
        member=world.home, parent=world.federation, started_on=datetime.date(2020, 1, 1)
    )
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert "fewer than 5" in body  # Two active members only.


def test_ended_affiliations_are_not_shown(world):
    affiliation_create(
        member=world.home,
        parent=world.federation,
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2021, 1, 1),
    )
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert "Home Cooperative" not in body


def test_cooperative_roles_do_not_open_federation_pages(world):
    for role in ("manager", "board", "member"):
        assert world.client(role).get("/f/the-network/").status_code == 404
    # And the analyst cannot open the cooperatives' own pages.
    assert world.client("analyst").get("/c/home-coop/members/").status_code == 404
