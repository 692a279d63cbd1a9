"""A new centre's priority points are offered from the cooperative's other centres, not zero."""

import pytest
from django_scopes import scope

from carecoop.care import selectors, services
from carecoop.care.models import PriorityRule
from carecoop.tenancy.models import Centre
from carecoop.testing import make_centre

pytestmark = pytest.mark.django_db

NEW_CENTRE = {
    "code": "new-one",
    "name": "Creche of the market",
    "licensed_capacity": "20",
    "min_age_months": "0",
    "max_age_months": "72",
    "opens_at": "07:00",
    "closes_at": "19:00",
    "scheme": "public",
    "services": ["day_care"],
}


def field_value(body, name):
    start = body.index(f'name="{name}"')
    tag = body[body.rindex("<input", 0, start) : body.index(">", start)]
    return tag.split('value="', 1)[1].split('"', 1)[0]


def test_a_new_centre_is_offered_the_points_the_cooperatives_centres_use(world, creche):
    # The creche gives member 10, sibling 5, waiting month 1; a second centre agrees on the member
    # points and differs on the sibling points.
    services.priority_set(
        centre=world.centre2, by=creche.by, points={"member": 10, "sibling": 3, "single_parent": 4}
    )
    client = world.client("manager")
    response = client.post("/c/home-coop/centres/new/", NEW_CENTRE)
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        centre = Centre.objects.get(code="new-one")
        assert not PriorityRule.objects.filter(centre=centre).exists()  # Offered, not imposed.
    priorities = f"/c/home-coop/centres/{centre.pk}/priorities/"
    assert response["Location"] == priorities
    body = client.get(priorities).content.decode()
    assert "filled in with those most of the cooperative" in body
    assert field_value(body, "member") == "10"  # Both centres.
    assert field_value(body, "sibling") == "3"  # A tie: the newer centre's.
    assert field_value(body, "single_parent") == "4"
    assert field_value(body, "waiting_month") == "1"
    assert field_value(body, "special_needs") == "0"  # No centre gives points for it.
    # Saved as offered, they are the centre's own.
    points = {"member": 10, "sibling": 3, "single_parent": 4, "special_needs": 0}
    assert client.post(priorities, {**points, "waiting_month": 1}).status_code == 302
    with scope(coop=world.home.pk):
        own = dict(PriorityRule.objects.filter(centre=centre).values_list("criterion", "points"))
    assert own == {**points, "waiting_month": 1}
    assert "filled in" not in client.get(priorities).content.decode()


def test_a_centres_own_points_win_and_other_cooperatives_do_not_count(world, creche):
    with scope(coop=world.other.pk):
        services.priority_set(
            centre=world.other_centre, by=world.users["outsider"], points={"special_needs": 50}
        )
    with scope(coop=world.home.pk):
        services.priority_set(centre=world.centre2, by=creche.by, points={"member": 2})
        offered = selectors.priority_points(world.centre2)
    assert offered.points["member"] == 2  # Its own.
    assert offered.points["sibling"] == 5 and offered.suggested == {"sibling", "waiting_month"}
    assert "special_needs" not in offered.points


def test_without_points_anywhere_nothing_is_suggested(world):
    with scope(coop=world.home.pk):
        centre = make_centre(coop=world.home, by=world.users["manager"], code="x", name="X")
        offered = selectors.priority_points(centre)
    assert offered.suggested == frozenset()
    body = world.client("manager").get(f"/c/home-coop/centres/{centre.pk}/priorities/")
    assert "filled in" not in body.content.decode()
