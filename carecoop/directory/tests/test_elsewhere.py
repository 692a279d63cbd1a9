"""The map and its list show the centres other installations publish, harvested from their HSDS
feeds, each marked with its feed and when it was last seen; the filters narrow them too. Here the
installation harvests its own feed, served by the live server."""

import datetime
from typing import Any

import pytest
from django.test import Client, override_settings
from django_scopes import scope

from carecoop.directory import services
from carecoop.harvest.models import HarvestedCentre, Source
from carecoop.harvest.services import harvest
from carecoop.harvest.tests.feeds import feed_server, service

pytestmark = pytest.mark.django_db(transaction=True)


def _elsewhere(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((f["properties"] for f in features if "source" in f["properties"]), key=str)


@override_settings(CARECOOP_HARVEST_DEADLINE=20.0)
def test_this_installation_s_feed_harvested_shows_on_its_map_and_list(published, live_server):
    feed = f"{live_server.url}/hsds"
    assert harvest(urls=[feed]).harvested == [feed]
    source = Source.objects.get()
    rows = {r.name: r for r in HarvestedCentre.objects.all()}
    assert sorted(rows) == ["Home Centre One", "Home Centre Two"]
    one = rows["Home Centre One"]
    # Ages in months, as the feed's own profile says; the week's hours summed up.
    world = published.world
    assert (one.min_age_months, one.max_age_months) == (
        world.centre.min_age_months,
        world.centre.max_age_months,
    )
    assert one.hours == "MO,TU,WE,TH,FR,SA 09:00\u201317:00"
    assert (one.latitude, one.longitude) == (23.01, 72.57)  # the neighbourhood only
    assert rows["Home Centre Two"].latitude == 23.1
    assert one.url == f"{live_server.url}/d/home-coop/home-one/"

    client = Client()
    points = _elsewhere(client.get("/directory/map.geojson").json()["features"])
    seen = source.last_success.isoformat(timespec="seconds")
    assert points == [
        {
            "name": "Home Centre One",
            "coop": "Home Cooperative",
            "url": f"{live_server.url}/d/home-coop/home-one/",
            "source": feed,
            "last_seen": seen,
        },
        {
            "name": "Home Centre Two",
            "coop": "Home Cooperative",
            "url": f"{live_server.url}/d/home-coop/home-two/",
            "source": feed,
            "last_seen": seen,
        },
    ]
    # The filters narrow them as they narrow this installation's own.
    late = client.get("/directory/map.geojson?open_at=18:00").json()["features"]
    assert _elsewhere(late) == []
    elsewhere = client.get("/directory/map.geojson?country=ke").json()["features"]
    assert elsewhere == []
    # Drawn by the server too, in their own colour.
    svg = client.get("/directory/map.svg").content.decode()
    assert svg.count("<circle") == 4 and svg.count('fill="#36c"') == 2

    page = client.get("/directory/").content.decode()
    assert "2 centres listed by other installations" in page
    assert page.count(f"<dd>{feed}</dd>") == 2
    assert 'rel="external nofollow noopener"' in page
    assert "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday 09:00\u201317:00" in page
    assert f'datetime="{source.last_success.isoformat()}"' in page

    # Unpublished here and harvested again: gone from the map.
    with scope(coop=world.home.pk):
        services.centre_listing_save(centre=world.centre2, by=published.by, published=False)
    harvest(urls=[feed])
    points = _elsewhere(client.get("/directory/map.geojson").json()["features"])
    assert [p["name"] for p in points] == ["Home Centre One"]


@override_settings(CARECOOP_HARVEST_DEADLINE=2.0)
def test_a_hostile_feed_never_breaks_the_map(published):
    with feed_server() as feed:
        feed.publish([service("Good creche"), service("Other good creche", country="KE")])
        harvest(urls=[feed.url])
        feed.publish([service("<script>alert(1)</script>\u202e")])
        harvest(urls=[feed.url])
        assert Source.objects.get().last_error.startswith("a service's name holds markup")
    client = Client()
    for path in ("/directory/", "/directory/?country=ke&age=12", "/directory/map.svg"):
        response = client.get(path)
        assert response.status_code == 200
        assert b"<script>alert" not in response.content
    names = [
        f["properties"]["name"] for f in client.get("/directory/map.geojson").json()["features"]
    ]
    assert "Good creche" in names and "Other good creche" in names
    kenya = client.get("/directory/?country=ke").content.decode()
    assert "Other good creche" in kenya and "Good creche<" not in kenya
    when = HarvestedCentre.objects.first().last_seen
    assert when < datetime.datetime.now(tz=datetime.UTC)
