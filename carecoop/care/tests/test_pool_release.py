"""A pool's release date: shown on the centre's page, changed by the manager only, audited."""

import datetime

import pytest
from django_scopes import scope

from carecoop.care.models import SeatPool

pytestmark = pytest.mark.django_db


def url(pool):
    return f"/c/home-coop/centres/pools/{pool.pk}/"


def test_the_manager_changes_a_pools_release_date_and_the_change_is_recorded(world, creche):
    client = world.client("manager")
    page = client.get(url(creche.members_pool)).content.decode()
    assert 'name="release_on"' in page and "No release date: the places are kept." in page
    day = creche.today + datetime.timedelta(days=90)
    response = client.post(url(creche.members_pool), {"release_on": day.isoformat()})
    assert response.status_code == 302
    assert response["Location"] == f"/c/home-coop/centres/{creche.centre.pk}/"
    with scope(coop=world.home.pk):
        pool = SeatPool.objects.get(pk=creche.members_pool.pk)
        last = pool.history.order_by("-history_date", "-history_id").first()
    assert pool.release_on == day
    assert last.release_on == day and last.history_user == world.users["manager"]
    assert last.coop_id == world.home.pk
    # The centre's page shows the date, with a link to change it, to the manager only.
    centre_page = client.get(f"/c/home-coop/centres/{creche.centre.pk}/").content.decode()
    assert str(day.year) in centre_page and url(creche.members_pool) in centre_page
    assert "Open to everyone" in centre_page  # The community pool has nothing to release.
    # An empty date keeps the places for the pool's families.
    assert client.post(url(creche.members_pool), {"release_on": ""}).status_code == 302
    with scope(coop=world.home.pk):
        assert SeatPool.objects.get(pk=creche.members_pool.pk).release_on is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12 Mar", "This is not a date. Give a day, for example 2027-03-12."),
        ("2027-02-30", "This is not a date. Give a day, for example 2027-03-12."),
        ("2001-01-01", "its places cannot be released before."),
    ],
)
def test_a_release_date_that_is_not_a_date_or_before_the_pool_was_made_is_refused(
    world, creche, value, message
):
    response = world.client("manager").post(url(creche.members_pool), {"release_on": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    with scope(coop=world.home.pk):
        assert SeatPool.objects.get(pk=creche.members_pool.pk).release_on is None


@pytest.mark.parametrize("role", ["board", "treasurer", "facilitator", "member", "auditor"])
def test_other_roles_see_the_date_but_cannot_change_it(world, creche, role):
    day = creche.today + datetime.timedelta(days=30)
    with scope(coop=world.home.pk):
        from carecoop.care import services

        services.pool_release_set(pool=creche.members_pool, by=creche.by, release_on=day)
    client = world.client(role)
    page = client.get(url(creche.members_pool))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="release_on"' not in body and str(day.year) in body
    response = client.post(url(creche.members_pool), {"release_on": "2030-01-01"})
    assert response.status_code == 403
    with scope(coop=world.home.pk):
        assert SeatPool.objects.get(pk=creche.members_pool.pk).release_on == day
    centre_page = client.get(f"/c/home-coop/centres/{creche.centre.pk}/").content.decode()
    assert ">Change</a>" not in centre_page


def test_another_cooperatives_pool_is_not_found(world, creche):
    client = world.client("manager")
    theirs = world.other_pool
    assert client.get(url(theirs)).status_code == 404
    assert client.post(url(theirs), {"release_on": "2030-01-01"}).status_code == 404
    assert client.get(f"/c/other-coop/centres/pools/{theirs.pk}/").status_code == 404
    with scope(coop=world.other.pk):
        assert SeatPool.objects.get(pk=theirs.pk).release_on is None
