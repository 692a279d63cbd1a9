"""Two carecoop installations on loopback: the live server of this test publishes its
cooperative's centres in its HSDS feed; a second installation, in processes of its own with its
own SQLite database, harvests that feed with ``manage.py directory_harvest`` as its operator
would schedule it, and shows the first's centres on its map and list. The first then unpublishes
a centre; after the second's next harvest, it is gone from the second's map."""

import json
from typing import Any

import pytest
from django_scopes import scope

from carecoop.directory import services
from carecoop.harvest.tests.servers import installation

# The first installation publishes on the suite's database and the second runs on a SQLite file of
# its own: once, in the SQLite pass (the feed itself is tested on PostgreSQL by test_public).
pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]


def _points(site: Any) -> list[dict[str, Any]]:
    features = json.loads(site.get("/directory/map.geojson"))["features"]
    return sorted((f["properties"] for f in features), key=lambda p: p["name"])


def test_a_second_installation_harvests_the_first_s_centres_and_loses_one_unpublished(
    published, live_server, tmp_path
):
    feed = f"{live_server.url}/hsds"
    with installation(tmp_path, CARECOOP_HARVEST_FEEDS=feed) as second:
        # Nothing harvested yet: the second's map is empty.
        assert _points(second) == []

        done = second.manage("directory_harvest")
        assert done.stdout.startswith("1 feeds harvested, 0 refused")
        points = _points(second)
        assert [(p["name"], p["coop"], p["source"]) for p in points] == [
            ("Home Centre One", "Home Cooperative", feed),
            ("Home Centre Two", "Home Cooperative", feed),
        ]
        assert points[0]["url"] == f"{live_server.url}/d/home-coop/home-one/"
        assert all(p["last_seen"] for p in points)
        page = second.get("/directory/").decode()
        assert "2 centres listed by other installations" in page
        assert "Home Centre One" in page and "Home Centre Two" in page
        assert page.count(f"<dd>{feed}</dd>") == 2
        # The same filters narrow them: hours and ages as the first published them.
        assert _names(second, "?open_at=10:00") == ["Home Centre One", "Home Centre Two"]
        assert _names(second, "?country=ke") == []

        # Harvesting again changes nothing but when they were last seen.
        second.manage("directory_harvest")
        again = _points(second)
        assert [p["name"] for p in again] == ["Home Centre One", "Home Centre Two"]
        assert again[0]["last_seen"] > points[0]["last_seen"]

        world = published.world
        with scope(coop=world.home.pk):
            services.centre_listing_save(centre=world.centre2, by=published.by, published=False)
        # Until the next harvest the second still shows it, as last seen.
        assert [p["name"] for p in _points(second)] == ["Home Centre One", "Home Centre Two"]
        second.manage("directory_harvest")
        assert [p["name"] for p in _points(second)] == ["Home Centre One"]
        page = second.get("/directory/").decode()
        assert "1 centre listed by another installation" in page
        assert "Home Centre Two" not in page


def _names(site: Any, query: str) -> list[str]:
    features = json.loads(site.get(f"/directory/map.geojson{query}"))["features"]
    return sorted(f["properties"]["name"] for f in features)
