import datetime

import pytest
from django.core.management import call_command
from django_scopes import scope

from carecoop.federation.models import CoopFigures
from carecoop.federation.services import figures_refresh
from carecoop.members.tests.factories import MembershipFactory
from carecoop.tenancy.services import affiliation_create
from carecoop.testing import make_child

pytestmark = pytest.mark.django_db


def _affiliate(world, **dates):
    affiliation_create(
        member=world.home,
        parent=world.federation,
        started_on=dates.get("started_on", datetime.date(2020, 1, 1)),
        ended_on=dates.get("ended_on"),
    )


def test_analyst_sees_counts_of_affiliated_cooperatives_only(world):
    _affiliate(world)
    with scope(coop=world.home.pk):
        for _ in range(6):
            MembershipFactory(coop=world.home, member_class=world.member_class)
    figures_refresh()
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert "Home Cooperative" in body
    assert "Other Cooperative" not in body  # Not affiliated.
    assert "<td>8</td>" in body  # 2 + 6 active members.
    for name in ("Hansa", "Parmar", "Kokila", "Vaghela"):
        assert name not in body


def test_small_counts_are_suppressed(world):
    _affiliate(world)
    figures_refresh()
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert "fewer than 5" in body  # Two active members only.


def test_the_page_counts_nobody_itself_and_says_when_the_counts_were_taken(world):
    _affiliate(world)
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert "have not been counted yet" in body
    assert "<td>—</td>" in body
    call_command("federation_count", stdout=open("/dev/null", "w"))  # noqa: SIM115
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert "have not been counted yet" not in body
    assert "as counted on" in body
    assert "<td>—</td>" not in body


def test_a_count_follows_joining_leaving_and_children(world):
    """Each count is taken afresh from the register: members who join, leave and children
    added change the counts at the next count."""
    _affiliate(world)
    figures_refresh()
    before = CoopFigures.objects.get(coop=world.home)
    with scope(coop=world.home.pk):
        joined = [
            MembershipFactory(coop=world.home, member_class=world.member_class) for _ in range(5)
        ]
        MembershipFactory(coop=world.home, member_class=world.member_class, status="applicant")
        joined[0].status = "exited"
        joined[0].exited_on = joined[0].admitted_on
        joined[0].save()
        make_child(world.person, "Nila", datetime.date(2024, 3, 1))
    figures_refresh(coop_ids=[world.home.pk])
    after = CoopFigures.objects.get(coop=world.home)
    assert after.active_members == before.active_members + 4
    assert after.applicants == before.applicants + 1
    assert after.children == before.children + 1
    assert after.counted_at > before.counted_at
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert f"<td>{after.active_members}</td>" in body


def test_ended_affiliations_are_not_shown(world):
    _affiliate(world, ended_on=datetime.date(2021, 1, 1))
    figures_refresh()
    body = world.client("analyst").get("/f/the-network/").content.decode()
    assert "Home Cooperative" not in body


def test_cooperative_roles_do_not_open_federation_pages(world):
    for role in ("manager", "board", "member"):
        assert world.client(role).get("/f/the-network/").status_code == 404
    # And the analyst cannot open the cooperatives' own pages.
    assert world.client("analyst").get("/c/home-coop/members/").status_code == 404


def test_the_cooperatives_are_listed_a_page_at_a_time(world, settings):
    from carecoop.tenancy.tests.factories import OrganisationFactory

    settings.CARECOOP_PAGE_SIZE = 2
    _affiliate(world)
    names = ["Home Cooperative"]
    for i in range(3):
        coop = OrganisationFactory(name=f"Weavers {i}")
        affiliation_create(
            member=coop, parent=world.federation, started_on=datetime.date(2020, 1, 1)
        )
        names.append(coop.name)
    figures_refresh()
    client = world.client("analyst")
    seen = []
    for page in (1, 2):
        body = client.get("/f/the-network/", {"page": page}).content.decode()
        assert "4 cooperatives are affiliated." in body
        seen += [n for n in names if f"<td>{n}</td>" in body]
    assert sorted(seen) == sorted(names) and len(seen) == 4
    for page in ("x", "0", "999"):
        assert client.get("/f/the-network/", {"page": page}).status_code == 200
