import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from carecoop.health import services

pytestmark = pytest.mark.django_db


def test_the_child_health_page_shows_growth_chart_and_vaccinations(world, creche):
    creche.enrol()
    with scope(coop=world.home.pk):
        services.measurement_record(
            child=creche.child,
            by=creche.by,
            measured_on=creche.today,
            weight_kg=Decimal("13.1"),
            length_cm=Decimal("94.0"),
            lying=False,
        )
    page = (
        world.client("facilitator")
        .get(f"/c/home-coop/health/children/{creche.child.pk}/")
        .content.decode()
    )
    assert "<svg" in page and "<polyline" in page and "<circle" in page
    assert "BCG" in page and "13.1" in page
    assert (
        world.client("member").get(f"/c/home-coop/health/children/{creche.child.pk}/").status_code
        == 200
    )
    assert (
        world.client("board").get(f"/c/home-coop/health/children/{creche.child.pk}/").status_code
        == 403
    )
    assert (
        world.client("member")
        .get(f"/c/home-coop/health/children/{creche.neighbour_child.pk}/")
        .status_code
        == 404
    )


def test_a_carer_records_a_measurement_and_sees_an_impossible_one_refused(world, creche):
    creche.enrol()
    client = world.client("facilitator")
    url = f"/c/home-coop/health/children/{creche.child.pk}/measurements/new/"
    response = client.post(
        url, {"measured_on": creche.today.isoformat(), "weight_kg": "80", "lying": "0"}
    )
    assert response.status_code == 200 and "look impossible" in response.content.decode()
    response = client.post(
        url,
        {
            "measured_on": creche.today.isoformat(),
            "weight_kg": "13.5",
            "length_cm": "95",
            "lying": "0",
        },
    )
    assert response.status_code == 302


def test_vaccinations_due_list_for_a_centre(world, creche):
    creche.enrol(child=creche.baby, room=creche.babies)
    page = (
        world.client("facilitator")
        .get(f"/c/home-coop/health/centres/{creche.centre.pk}/vaccinations/")
        .content.decode()
    )
    assert "Om" in page and "Pentavalent" in page and "Overdue" in page
    assert (
        world.client("facilitator")
        .get(f"/c/home-coop/health/centres/{world.centre2.pk}/vaccinations/")
        .status_code
        == 404
    )


def test_meals_are_ticked_and_counted(world, creche):
    creche.enrol()
    client = world.client("facilitator")
    url = f"/c/home-coop/health/centres/{creche.centre.pk}/meals/"
    response = client.post(
        f"{url}?date={creche.today.isoformat()}",
        {f"{creche.child.pk}-lunch": "1", f"{creche.child.pk}-snack": "1"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert page.count("checked") == 2


def test_children_to_watch(world, creche):
    creche.enrol()
    with scope(coop=world.home.pk):
        services.measurement_record(
            child=creche.child,
            by=creche.by,
            measured_on=creche.today - datetime.timedelta(days=1),
            weight_kg=Decimal("9.0"),
            length_cm=Decimal("84"),
            lying=False,
        )
    page = (
        world.client("manager")
        .get(f"/c/home-coop/health/centres/{creche.centre.pk}/growth/")
        .content.decode()
    )
    assert "Diya" in page and ("Severe" in page or "Moderate" in page)
