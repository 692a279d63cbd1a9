import datetime

import pytest
from django_scopes import scope

from carecoop.care.models import OpeningHours, PriorityRule, SeatPool
from carecoop.tenancy.models import Centre

pytestmark = pytest.mark.django_db


def test_manager_opens_a_long_day_centre_with_rooms_pools_and_hours(world):
    client = world.client("manager")
    response = client.post(
        "/c/home-coop/centres/new/",
        {
            "code": "cmei",
            "name": "Centro dos Catadores",
            "city": "Belo Horizonte",
            "licensed_capacity": "80",
            "min_age_months": "0",
            "max_age_months": "71",
            "opens_at": "07:00",
            "closes_at": "22:00",
            "scheme": "public",
            "services": ["day_care", "health"],
        },
    )
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        centre = Centre.objects.get(code="cmei")
    base = f"/c/home-coop/centres/{centre.pk}"
    assert (
        client.post(
            f"{base}/rooms/new/",
            {"name": "Berçário", "min_age_months": 0, "max_age_months": 11, "capacity": 12},
        ).status_code
        == 302
    )
    too_big = client.post(
        f"{base}/rooms/new/",
        {"name": "Huge", "min_age_months": 12, "max_age_months": 71, "capacity": 70},
    )
    assert too_big.status_code == 200 and "licensed for 80" in too_big.content.decode()
    response = client.post(
        f"{base}/pools/new/",
        {
            "name": "Filhos de catadores",
            "places": 56,
            "member_classes": [world.member_class.pk],
            "release_on": "2027-02-01",
        },
    )
    assert response.status_code == 302
    foreign = client.post(
        f"{base}/pools/new/", {"name": "X", "places": 1, "member_classes": [world.other_class.pk]}
    )
    assert foreign.status_code == 200 and "Select a valid choice" in foreign.content.decode()
    hours = {f"opens_{d}": "07:00" for d in range(1, 6)} | {
        f"closes_{d}": "22:00" for d in range(1, 6)
    }
    hours |= {"opens_6": "07:00", "closes_6": "13:00"}
    assert client.post(f"{base}/hours/", hours).status_code == 302
    half = client.post(f"{base}/hours/", {"opens_7": "08:00"})
    assert half.status_code == 200 and "Give both times" in half.content.decode()
    assert (
        client.post(
            f"{base}/closures/new/",
            {"starts_on": "2027-02-15", "ends_on": "2027-02-17", "reason": "Carnaval"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base}/priorities/",
            {
                "member": 10,
                "sibling": 5,
                "single_parent": 5,
                "special_needs": 5,
                "waiting_month": 1,
            },
        ).status_code
        == 302
    )
    with scope(coop=world.home.pk):
        assert SeatPool.objects.get(centre=centre).release_on == datetime.date(2027, 2, 1)
        assert sorted(
            OpeningHours.objects.filter(centre=centre).values_list("weekday", flat=True)
        ) == [1, 2, 3, 4, 5, 6]
        assert PriorityRule.objects.get(centre=centre, criterion="member").points == 10
    page = client.get(f"{base}/").content.decode()
    assert (
        "07:00\u201322:00" in page
        and "Carnaval" in page
        and "Health and nutrition access point" in page
    )


def test_the_licence_cannot_shrink_below_the_children_enrolled(world, creche):
    creche.enrol()
    creche.enrol(child=creche.baby, room=creche.babies)
    client = world.client("manager")
    data = {
        "code": creche.centre.code,
        "name": creche.centre.name,
        "licensed_capacity": "1",
        "min_age_months": "0",
        "max_age_months": "72",
        "opens_at": "09:00",
        "closes_at": "17:00",
        "scheme": "private",
        "services": ["day_care"],
    }
    response = client.post(f"/c/home-coop/centres/{creche.centre.pk}/edit/", data)
    assert (
        response.status_code == 200 and "2 children are enrolled today" in response.content.decode()
    )


@pytest.mark.parametrize("role", ["board", "treasurer", "facilitator", "member", "auditor"])
def test_only_managers_change_centres(world, role):
    client = world.client(role)
    assert client.get("/c/home-coop/centres/new/").status_code == 403
    assert (
        client.post(f"/c/home-coop/centres/{world.centre.pk}/rooms/new/", {"name": "x"}).status_code
        == 403
    )
