"""The public pages and feeds: only what the cooperative chose, never a person."""

import datetime
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7, DRAFT202012

from carecoop.core.permissions import policy_of
from carecoop.directory import selectors, services
from carecoop.directory.models import LocationShown
from carecoop.tenancy import services as tenancy
from carecoop.testing import all_patterns

pytestmark = pytest.mark.django_db

SCHEMAS = Path(settings.BASE_DIR) / "carecoop" / "harvest" / "schemas"
# The names and phones of the people of the world and the creche: none may be on a public page.
PEOPLE = ("Hansa", "Parmar", "Kokila", "Vaghela", "Diya", "Om ", "Anjali", "Trivedi", "Kavya")
PHONES = re.compile(r"9800000|99999")


def _public_urls(world: Any) -> list[str]:
    """Every public page and feed of the published cooperative, found by following the links of
    the directory and the feeds' ids."""
    client = Client()
    urls = [
        "/",
        "/directory/",
        "/directory/?service=day_care&age=30&open_at=10:00&country=in",
        "/directory/map.geojson",
        "/directory/map.svg",
        "/d/home-coop/",
        "/d/home-coop/home-one/",
        "/d/home-coop/home-two/",
        "/hsds/",
        "/hsds/profile.json",
        "/hsds/services",
        "/hsds/organizations",
        "/hsds/datapackage.zip",
        "/murmurations/home-coop.json",
    ]
    for s in client.get("/hsds/services").json()["contents"]:
        urls.append(f"/hsds/services/{s['id']}")
    for o in client.get("/hsds/organizations").json()["contents"]:
        urls.append(f"/hsds/organizations/{o['id']}")
    return urls


def _text(response: Any) -> str:
    if response["Content-Type"] == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        return "".join(archive.read(n).decode() for n in archive.namelist())
    return response.content.decode()


def test_every_public_url_shows_no_person_phone_or_child(published: Any) -> None:
    routes = {r for r, _ns, view in all_patterns() if policy_of(view).kind == "public"}
    urls = _public_urls(published.world)
    walked = set()
    client = Client()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _text(response)
        for name in PEOPLE:
            assert name not in body, (url, name)
        assert not PHONES.search(body), url
        walked.add(response.resolver_match.route)
    # Every public route of the directory is walked (the others are sign-in and voting pages).
    ours = {r for r in routes if r.startswith(("directory", "d/", "hsds", "murmurations"))}
    assert ours <= walked, ours - walked


def test_an_unpublished_cooperative_or_centre_is_not_found(published: Any) -> None:
    world = published.world
    client = Client()
    assert client.get("/d/other-coop/").status_code == 404
    assert client.get("/murmurations/other-coop.json").status_code == 404
    with scope(coop=world.home.pk):
        services.centre_listing_save(centre=world.centre2, by=published.by, published=False)
    assert client.get("/d/home-coop/home-two/").status_code == 404
    assert "Home Centre Two" not in client.get("/directory/").content.decode()
    world.home.is_public = False
    world.home.save()
    assert client.get("/d/home-coop/").status_code == 404
    assert client.get("/hsds/services").json()["total_items"] == 0


def test_places_are_a_range_and_the_neighbourhood_is_rounded(published: Any) -> None:
    centre = selectors.public_centre(coop_slug="home-coop", code="home-one")
    assert centre is not None
    assert centre.places == "1-5"  # 6 places, 2 taken: 4 free, shown as 1 to 5.
    assert str(centre.latitude) == "23.01" and str(centre.longitude) == "72.57"
    assert centre.address == ""
    exact = selectors.public_centre(coop_slug="home-coop", code="home-two")
    assert exact is not None and exact.address == "4 Station Road"
    assert [selectors.place_range(n) for n in (0, -2, 1, 5, 6, 20, 21)] == [
        "waitlist",
        "waitlist",
        "1-5",
        "1-5",
        "6-20",
        "6-20",
        "21+",
    ]


def test_filters_narrow_the_list_and_the_map(published: Any) -> None:
    client = Client()
    everything = client.get("/directory/map.geojson").json()["features"]
    assert len(everything) == 2
    # Hours: only the creche opens on Saturday at 10; the other centre has its daily hours.
    late = client.get("/directory/map.geojson?open_at=18:00").json()["features"]
    assert late == []
    young = client.get("/directory/map.geojson?age=100").json()["features"]
    assert young == []
    body = client.get("/directory/?country=BR").content.decode()
    assert "Home Centre One" not in body
    hostile = client.get("/directory/?age=abc&open_at=99:99&country=%3Cb%3E&page=zz")
    assert hostile.status_code == 200
    assert "Home Centre One" in hostile.content.decode()


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / "hsds" / name).read_text())
    return Draft202012Validator(schema)


def _capacity_validator() -> Draft202012Validator:
    """HSDS 3.1's service capacity, with the objects it refers to."""
    folder = SCHEMAS / "hsds" / "3.1"
    registry = Registry().with_resources(
        (p.name, DRAFT202012.create_resource(json.loads(p.read_text())))
        for p in folder.glob("*.json")
    )
    schema = json.loads((folder / "service_capacity.json").read_text())
    return Draft202012Validator(schema, registry=registry)


def test_the_hsds_feed_is_valid_hsds_3_0(published: Any) -> None:
    client = Client()
    root = client.get("/hsds/").json()
    assert root["version"] == "3.0" and root["profile"].endswith("/hsds/profile.json")
    page = client.get("/hsds/services?per_page=1").json()
    assert page["total_items"] == 2 and page["total_pages"] == 2 and page["size"] == 1
    assert page["first_page"] and not page["last_page"] and not page["empty"]
    # Each page is its own: the second is the other centre, and a page past the end the last.
    second = client.get("/hsds/services?per_page=1&page=2").json()
    beyond = client.get("/hsds/services?per_page=1&page=99").json()
    assert second["page_number"] == beyond["page_number"] == 2 and second["last_page"]
    assert second["contents"] == beyond["contents"]
    assert second["contents"][0]["id"] != page["contents"][0]["id"]
    service = _validator("service.json")
    capacity = _capacity_validator()
    services_found = client.get("/hsds/services").json()["contents"]
    for item in services_found:
        errors = [e.message for e in service.iter_errors(item)]
        assert errors == []
        assert item["organization"]["name"] == "Home Cooperative"
        for c in item.get("capacities", []):
            assert [e.message for e in capacity.iter_errors(c)] == []
    one = next(s for s in services_found if s["name"] == "Home Centre One")
    assert one["minimum_age"] == 0 and one["maximum_age"] == 72
    assert [s["byday"] for s in one["schedules"]] == ["MO", "TU", "WE", "TH", "FR", "SA"]
    assert one["cost_options"][0]["amount"] == 175 and one["cost_options"][0]["currency"] == "INR"
    assert one["capacities"][0]["available"] == 1
    assert one["service_at_locations"][0]["location"]["latitude"] == 23.01
    # Stable ids: the same on the next request, and the service is found by its id.
    again = client.get("/hsds/services").json()["contents"]
    assert [s["id"] for s in again] == [s["id"] for s in services_found]
    assert client.get(f"/hsds/services/{one['id']}").json()["name"] == "Home Centre One"
    organizations = client.get("/hsds/organizations").json()["contents"]
    org_validator = _validator("organization.json")
    for org in organizations:
        assert [e.message for e in org_validator.iter_errors(org)] == []
    assert organizations[0]["year_incorporated"] == 1986
    assert client.get(f"/hsds/services/{organizations[0]['id']}").status_code == 404


def test_the_tabular_package_holds_the_hsds_tables(published: Any) -> None:
    response = Client().get("/hsds/datapackage.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"datapackage.json", "services.csv", "organizations.csv", "schedules.csv"} <= names
    package = json.loads(archive.read("datapackage.json"))
    assert {r["name"] for r in package["resources"]} >= {"service", "location", "cost_option"}
    services_csv = archive.read("services.csv").decode().splitlines()
    assert len(services_csv) == 3 and services_csv[0].startswith("id,organization_id")
    # Each CSV's columns are those its resource describes.
    for resource in package["resources"]:
        header = archive.read(resource["path"]).decode().splitlines()[0].split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]], resource["name"]


def test_the_murmurations_profile_is_valid(published: Any) -> None:
    folder = SCHEMAS / "murmurations"
    schema = json.loads((folder / "schemas" / "organizations_schema-v1.0.0.json").read_text())
    registry = Registry().with_resources(
        (
            f"https://test-library.murmurations.network/v2/fields/{p.name}",
            DRAFT7.create_resource(json.loads(p.read_text())),
        )
        for p in (folder / "fields").glob("*.json")
    )
    profile = Client().get("/murmurations/home-coop.json").json()
    validator = Draft7Validator(schema, registry=registry)
    assert [e.message for e in validator.iter_errors(profile)] == []
    assert profile["linked_schemas"] == ["organizations_schema-v1.0.0"]
    assert profile["country_iso_3166"] == "IN" and profile["geolocation"]["lat"] == 23.01


class _LD(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data: str) -> None:
        if self._in:
            self.blocks.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = False


def _ld(url: str) -> list[dict[str, Any]]:
    parser = _LD()
    parser.feed(Client().get(url).content.decode())
    assert len(parser.blocks) == 1
    data = json.loads(parser.blocks[0])
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def test_the_pages_carry_schema_org_json_ld(published: Any) -> None:
    graph = _ld("/d/home-coop/home-one/")
    centre, org = graph
    assert centre["@type"] == "ChildCare" and centre["name"] == "Home Centre One"
    assert centre["geo"] == {"@type": "GeoCoordinates", "latitude": 23.01, "longitude": 72.57}
    assert "streetAddress" not in centre["address"]
    days = [h["dayOfWeek"] for h in centre["openingHoursSpecification"]]
    assert days[0] == "https://schema.org/Monday" and len(days) == 6
    assert centre["openingHoursSpecification"][0]["opens"] == "09:00"
    offer = centre["makesOffer"][0]
    assert offer["priceSpecification"]["price"] == "175.00"
    assert offer["priceSpecification"]["priceCurrency"] == "INR"
    assert org["@type"] == "Organization" and org["memberOf"] == [
        {"@type": "Organization", "name": "The Network"}
    ]
    graph = _ld("/d/home-coop/")
    assert [g["@type"] for g in graph] == ["Organization", "ChildCare", "ChildCare"]


def test_a_cooperative_hides_what_it_chose_to_hide(published: Any) -> None:
    world = published.world
    with scope(coop=world.home.pk):
        services.listing_save(
            coop=world.home, by=published.by, show_founded=False, show_federations=False
        )
        services.centre_listing_save(
            centre=world.centre,
            by=published.by,
            published=True,
            location=LocationShown.HIDDEN,
            show_fees=False,
            show_places=False,
        )
    graph = _ld("/d/home-coop/home-one/")
    assert "geo" not in graph[0] and "makesOffer" not in graph[0]
    assert "memberOf" not in graph[1] and "foundingDate" not in graph[1]
    points = Client().get("/directory/map.geojson").json()["features"]
    assert [p["properties"]["name"] for p in points] == ["Home Centre Two"]
    one = [
        s
        for s in Client().get("/hsds/services").json()["contents"]
        if s["name"] == "Home Centre One"
    ]
    assert "capacities" not in one[0] and one[0]["cost_options"] == []


def test_a_page_of_organisations_reads_as_much_for_two_as_for_one(published: Any) -> None:
    """The feed's profiles are read together: a second cooperative in a federation adds rows,
    not queries."""
    world = published.world

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert Client().get("/hsds/organizations").status_code == 200
        return len(seen)

    one = queries()
    world.other.is_public = True
    world.other.save()
    tenancy.affiliation_create(
        member=world.other, parent=world.federation, started_on=datetime.date(2021, 1, 1)
    )
    two = queries()
    assert Client().get("/hsds/organizations").json()["total_items"] == 2
    assert two == one
    assert [p.federations for p in selectors.public_profiles()] == [[world.federation.name]] * 2


def test_the_manager_chooses_and_previews_what_is_published(published: Any) -> None:
    world = published.world
    world.home.is_public = False
    world.home.save()
    manager = world.client("manager")
    url = reverse("publish:choices", kwargs={"coop": "home-coop"})
    body = manager.get(url).content.decode()
    assert "The cooperative is not public yet" in body
    assert "Home Centre One" in body and "Creches of the union" in body
    response = manager.post(url, {"description": "New words", "show_type": "on"})
    assert response.status_code == 302
    assert "New words" in manager.get(url).content.decode()
    centre_url = reverse(
        "publish:centre_choices", kwargs={"coop": "home-coop", "pk": world.centre.pk}
    )
    response = manager.post(centre_url, {"location": "exact", "show_hours": "on"})
    assert response.status_code == 302
    _listing, chosen = selectors.choices_of(world.home)
    assert (
        chosen[world.centre.pk].published is False and chosen[world.centre.pk].location == "exact"
    )
    assert world.client("board").post(url, {"description": "x"}).status_code == 403
    assert world.client("member").get(url).status_code == 403


def test_the_directory_page_fits_one_round_trip(published: Any) -> None:
    import gzip

    body = Client().get("/directory/").content
    assert len(gzip.compress(body)) <= 14 * 1024
