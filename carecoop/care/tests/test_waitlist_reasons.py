"""The waitlist page says, in words, why a child ranked higher is not offered a place while one
ranked lower is, and why children wait while places are free; the words come from the rules
that make the offers."""

import datetime
import re

import pytest
from babel.dates import format_date
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carecoop.care import services
from carecoop.care.models import Application
from carecoop.testing import make_child

pytestmark = pytest.mark.django_db


def page_of(world, centre, role="manager", **params):
    response = world.client(role).get(f"/c/home-coop/centres/{centre.pk}/waitlist/", params)
    assert response.status_code == 200
    return response.content.decode()


def text(html):
    """The page's words, without tags and with single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _item(body, name):
    items = re.findall(r"<li><strong>(.*?)</strong>(.*?)</li>", body, flags=re.S)
    found = [text(rest) for who, rest in items if name in who]
    assert found, name
    return found[0]


def apply(creche, child, *, centre=None, days_ago=0):
    return services.application_submit(
        child=child,
        centre=centre or creche.centre,
        by=creche.by,
        wanted_from=creche.today,
        applied_on=creche.today - datetime.timedelta(days=days_ago),
    )


def test_a_child_skipped_for_a_pool_held_for_members_is_told_which_pool_and_until_when(
    world, creche
):
    release = creche.today + datetime.timedelta(days=120)
    services.pool_release_set(pool=creche.members_pool, by=creche.by, release_on=release)
    # The community pool is full: two children of the cooperative hold its places.
    for i in range(2):
        kid = make_child(creche.parent, f"Kid{i}", creche.today - datetime.timedelta(days=1000))
        services.enrolment_create(
            child=kid,
            room=creche.toddlers,
            pool=creche.community_pool,
            starts_on=creche.today - datetime.timedelta(days=30),
            by=creche.by,
        )
    # Kavya's family left the cooperative; she has waited two years and ranks first.
    apply(creche, creche.neighbour_child, days_ago=730)
    apply(creche, creche.child)

    body = page_of(world, creche.centre)
    kavya, diya = _item(body, "Kavya"), _item(body, "Diya")
    assert body.index("Kavya") < body.index("Diya")
    long_date = format_date(release, format="long", locale="en")
    assert (
        "Skipped: No place is free in a pool this family may use. Pool “Members” keeps 4 free "
        f"places for its member classes until {long_date}." in kavya
    )
    assert "A place is free for this child" in diya
    # Places are free while Kavya waits: the page says why, once, above the list.
    summary = text(body)
    assert "Why children wait while places are free" in summary
    assert "3 free places cannot be offered to the children waiting" in summary
    assert (
        f"Pool “Members” keeps 3 free places for its member classes until {long_date}." in summary
    )
    # The board reads the same reasons.
    assert "Skipped: No place is free" in text(page_of(world, creche.centre, role="board"))

    # The manager offers the places: Diya gets the members' place, Kavya is still told why.
    services.places_allocate(centre=creche.centre, by=creche.by, on=creche.today)
    assert Application.objects.get(child=creche.child).status == "offered"
    body = page_of(world, creche.centre)
    assert "Skipped: No place is free in a pool this family may use. Pool “Members” keeps 3" in (
        _item(body, "Kavya")
    )
    # Without a release date the page says so; in Spanish the date is written the Spanish way.
    client = world.client("manager")
    client.cookies["django_language"] = "es"
    spanish = text(
        client.get(f"/c/home-coop/centres/{creche.centre.pk}/waitlist/").content.decode()
    )
    assert format_date(release, format="long", locale="es") in spanish
    services.pool_release_set(pool=creche.members_pool, by=creche.by, release_on=None)
    assert "keeps 3 free places for its member classes; it has no release date." in _item(
        page_of(world, creche.centre), "Kavya"
    )


def test_a_child_skipped_because_the_room_for_her_age_is_full(world, creche):
    for i in range(2):
        baby = make_child(creche.parent, f"Baby{i}", creche.today - datetime.timedelta(days=100))
        creche.enrol(child=baby, room=creche.babies)
    apply(creche, creche.baby, days_ago=60)  # Om, a baby, applied first.
    apply(creche, creche.child)  # Diya, three years old, ranks second.
    body = page_of(world, creche.centre)
    assert "Skipped: No free place in the room for this age (Babies)." in _item(body, "Om")
    assert "A place is free for this child" in _item(body, "Diya")


def test_a_child_too_young_for_every_room_is_skipped_and_places_outside_pools_are_named(
    world, creche
):
    centre = world.centre2  # Licensed for 30; one room for two- to six-year-olds, one pool.
    services.room_create(
        centre=centre,
        by=creche.by,
        name="Big ones",
        min_age_months=24,
        max_age_months=72,
        capacity=10,
    )
    services.pool_create(centre=centre, by=creche.by, name="Everyone", places=10)
    apply(creche, creche.baby, centre=centre, days_ago=60)
    apply(creche, creche.child, centre=centre)
    body = page_of(world, centre)
    om = _item(body, "Om")
    assert "Skipped: Too young for the rooms: the child will be 6 months old;" in om
    assert "the youngest room takes children from 24 months." in om
    summary = text(body)
    assert "20 licensed places belong to no pool of places, so they cannot be offered." in summary
    assert "Places are free for 1 children waiting." not in summary  # One child: singular.
    assert "A place is free for 1 child waiting." in summary


def test_a_child_with_no_one_placed_below_is_not_called_skipped(world, creche):
    for i in range(2):
        baby = make_child(creche.parent, f"Baby{i}", creche.today - datetime.timedelta(days=100))
        creche.enrol(child=baby, room=creche.babies)
    apply(creche, creche.baby)
    body = page_of(world, creche.centre)
    om = _item(body, "Om")
    assert "Skipped" not in om
    assert "No place yet: No free place in the room for this age (Babies)." in om


def test_a_full_centre_says_so_once(world, creche):
    services.centre_update(centre=creche.centre, by=creche.by, licensed_capacity=0)
    apply(creche, creche.child)
    apply(creche, creche.neighbour_child)
    body = text(page_of(world, creche.centre))
    assert body.count("Every licensed place is taken or offered.") == 1
    assert "Skipped" not in body and "The centre is full" not in body


def test_the_waitlist_is_paged_and_its_queries_do_not_grow(world, creche, settings):
    settings.CARECOOP_PAGE_SIZE = 2
    apply(creche, creche.child)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            body = page_of(world, creche.centre)
        return len(queries), body

    few, _body = measure()
    for i in range(4):
        kid = make_child(creche.parent, f"Kid{i}", creche.today - datetime.timedelta(days=900 + i))
        apply(creche, kid, days_ago=i)
    many, body = measure()
    assert many == few
    assert body.count("<li><strong>") == 2 and "Page 1 of 3" in body
    third = page_of(world, creche.centre, page=3)
    assert third.count("<li><strong>") == 1 and 'start="5"' in third


def test_too_old_between_the_rooms_and_no_pool_are_each_said(world, creche):
    centre = world.centre2
    for name, low, high in [("Babies", 0, 11), ("Twos", 24, 30)]:
        services.room_create(
            centre=centre,
            by=creche.by,
            name=name,
            min_age_months=low,
            max_age_months=high,
            capacity=5,
        )
    middle = make_child(creche.parent, "Mira", creche.today - datetime.timedelta(days=550))
    apply(creche, creche.child, centre=centre, days_ago=90)  # Diya, three: older than every room.
    apply(creche, middle, centre=centre, days_ago=60)  # Mira, eighteen months: between the rooms.
    apply(creche, creche.baby, centre=centre)  # Om, six months: the babies' room, but no pool.
    body = page_of(world, centre)
    diya = _item(body, "Diya")
    assert "No place yet: Too old for the rooms: the child will be 3" in diya
    assert "months old; the oldest room takes children up to 30 months." in diya
    assert "No place yet: No room takes children of this age." in _item(body, "Mira")
    assert "No place yet: The centre has no pool of places to offer a place from." in _item(
        body, "Om"
    )
    # With a pool, Om can have a place, and the two ranked above him are skipped.
    services.pool_create(centre=centre, by=creche.by, name="Everyone", places=10)
    body = page_of(world, centre)
    assert "Skipped: Too old for the rooms" in _item(body, "Diya")
    assert "Skipped: No room takes children of this age." in _item(body, "Mira")
    assert "A place is free for this child" in _item(body, "Om")
