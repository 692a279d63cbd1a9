import csv
import datetime
import gzip
import io
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from python_calamine import CalamineWorkbook

from carecoop.care.models import Application, Attendance
from carecoop.testing import make_child

pytestmark = pytest.mark.django_db


def test_centre_page_shows_occupancy_per_room_and_pool(world, creche):
    creche.enrol()
    body = world.client("manager").get(f"/c/home-coop/centres/{creche.centre.pk}/").content.decode()
    assert "Toddlers" in body and "Members" in body and "Community" in body
    assert "1 / 6" in body


def test_parent_applies_for_her_child_and_sees_only_her_children(world, creche):
    client = world.client("member")
    page = client.get(f"/c/home-coop/centres/{creche.centre.pk}/apply/").content.decode()
    assert "Diya" in page and "Kavya" not in page
    response = client.post(
        f"/c/home-coop/centres/{creche.centre.pk}/apply/",
        {"child": creche.child.pk, "wanted_from": creche.today.isoformat()},
    )
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        assert Application.objects.filter(child=creche.child).exists()
    # Another family's child cannot be slipped into the form.
    response = client.post(
        f"/c/home-coop/centres/{creche.centre.pk}/apply/",
        {"child": creche.neighbour_child.pk, "wanted_from": creche.today.isoformat()},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_waitlist_positions_are_explained(world, creche):
    with scope(coop=world.home.pk):
        from carecoop.care import services

        services.application_submit(
            child=creche.child, centre=creche.centre, by=creche.by, wanted_from=creche.today
        )
    body = (
        world.client("board")
        .get(f"/c/home-coop/centres/{creche.centre.pk}/waitlist/")
        .content.decode()
    )
    assert "Diya" in body and "A guardian is an active member: 10 points" in body
    assert (
        world.client("board").post(f"/c/home-coop/centres/{creche.centre.pk}/allocate/").status_code
        == 403
    )
    assert (
        world.client("manager")
        .post(f"/c/home-coop/centres/{creche.centre.pk}/allocate/")
        .status_code
        == 302
    )
    with scope(coop=world.home.pk):
        assert Application.objects.get(child=creche.child).status == "offered"


def test_facilitator_records_only_in_her_centres(world, creche):
    creche.enrol()
    client = world.client("facilitator")
    assert client.get(f"/c/home-coop/centres/{creche.centre.pk}/attendance/").status_code == 200
    assert client.get(f"/c/home-coop/centres/{world.centre2.pk}/attendance/").status_code == 404
    op = {
        "op_id": str(uuid.uuid4()),
        "kind": "check_in",
        "child": creche.child.pk,
        "centre": world.centre2.pk,
        "date": creche.today.isoformat(),
        "time": "09:00",
    }
    response = client.post(
        "/api/v1/c/home-coop/attendance/sync",
        json.dumps({"operations": [op]}),
        content_type="application/json",
    )
    assert response.json()["results"][0]["status"] == "rejected"
    op = {**op, "op_id": str(uuid.uuid4()), "centre": creche.centre.pk}
    response = client.post(
        "/api/v1/c/home-coop/attendance/sync",
        json.dumps({"operations": [op]}),
        content_type="application/json",
    )
    assert response.json()["results"][0]["status"] == "applied"
    bad = client.post(
        "/api/v1/c/home-coop/attendance/sync", "not json", content_type="application/json"
    )
    assert bad.status_code == 400


def test_attendance_page_is_small_and_its_queries_do_not_grow(world, creche):
    client = world.client("manager")
    url = f"/c/home-coop/centres/{creche.centre.pk}/attendance/"
    creche.enrol()
    client.get(url)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers={"accept-encoding": "gzip"})
        return len(queries), response

    few, _response = measure()
    with scope(coop=world.home.pk):
        for i in range(3):
            creche.enrol(
                child=make_child(
                    creche.parent, f"Kid{i}", creche.today - datetime.timedelta(days=900 + i)
                )
            )
    many, response = measure()
    assert many == few
    html = gzip.decompress(response.content).decode()
    assert html.count('data-child="') == 4
    assert len(response.content) < 14 * 1024


def _present_today(world, creche):
    creche.enrol()
    with scope(coop=world.home.pk):
        Attendance.objects.create(
            coop=world.home,
            child=creche.child,
            centre=creche.centre,
            date=creche.today,
            checked_in_at=datetime.time(9),
        )


def test_the_register_prints_present_and_absent_days(world, creche):
    _present_today(world, creche)
    body = (
        world.client("manager")
        .get(f"/c/home-coop/centres/{creche.centre.pk}/register/?month={creche.today:%Y-%m}")
        .content.decode()
    )
    assert "Diya" in body and "<td>P</td>" in body
    # The letters are the reader's (REGISTER_MARKS), and the key under the table uses the same.
    assert "P: present. A: absent with a reason recorded." in body


def test_the_register_downloads_with_a_column_per_day(world, creche):
    _present_today(world, creche)
    url = f"/c/home-coop/centres/{creche.centre.pk}/register"
    client = world.client("manager")
    month = f"{creche.today:%Y-%m}"
    response = client.get(f"{url}.csv?month={month}")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, diya = rows[0], next(r for r in rows if r[0].startswith("Diya"))
    assert header[:2] == ["Child", "Room"] and header[-1] == "Days present"
    assert header[2] == "1" and diya[header.index(str(creche.today.day))] == "P"
    assert diya[-1] == "1"
    book = b"".join(client.get(f"{url}.xlsx?month={month}").streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_index(0).to_python()
    assert [str(v) for v in sheet[0]] == header and len(sheet) == len(rows)
    assert world.client("member").get(f"{url}.csv").status_code == 403


def test_child_health_is_for_managers_and_facilitators(world, creche):
    creche.enrol()
    with scope(coop=world.home.pk):
        from carecoop.care import services

        services.child_profile_save(child=creche.child, by=creche.by, allergies="Peanuts")
    url = f"/c/home-coop/centres/children/{creche.child.pk}/"
    assert "Peanuts" in world.client("manager").get(url).content.decode()
    assert "Peanuts" in world.client("facilitator").get(url).content.decode()
    member_view = world.client("member").get(url)
    assert member_view.status_code == 200 and "Peanuts" not in member_view.content.decode()
    assert world.client("board").get(url).status_code == 403


def test_service_worker_is_served_for_the_attendance_scope(world):
    response = world.client("facilitator").get("/c/home-coop/centres/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "/attendance/" in response.content.decode()


def test_children_who_outgrow_their_room_move_up(world, creche):
    with scope(coop=world.home.pk):
        from carecoop.care import services

        # Enrolled as a baby 500 days ago, Aryan is now two and has outgrown the babies' room.
        grown = make_child(creche.parent, "Aryan", creche.today - datetime.timedelta(days=760))
        services.enrolment_create(
            child=grown,
            room=creche.babies,
            pool=creche.members_pool,
            by=creche.by,
            starts_on=creche.today - datetime.timedelta(days=500),
        )
    client = world.client("manager")
    page = client.get(f"/c/home-coop/centres/{creche.centre.pk}/").content.decode()
    assert "Aryan" in page and "Move to Toddlers" in page
    with scope(coop=world.home.pk):
        from carecoop.care.models import Enrolment

        enrolment = Enrolment.objects.get(child=grown)
    response = client.post(f"/c/home-coop/centres/enrolments/{enrolment.pk}/move/")
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        rooms = list(
            Enrolment.objects.filter(child=grown)
            .order_by("starts_on")
            .values_list("room__name", "ends_on")
        )
    assert rooms[0] == ("Babies", creche.today - datetime.timedelta(days=1))
    assert rooms[1] == ("Toddlers", None)


def test_the_centre_list_counts_each_centres_households_and_their_children(world):
    from django_scopes import scope

    from carecoop.care.selectors import centre_list
    from carecoop.members.models import Household, Person
    from carecoop.tenancy.models import Centre
    from carecoop.tenancy.selectors import access_for

    access = access_for(user=world.users["manager"], slug="home-coop", cooperative=True)
    with scope(coop=world.home.pk):
        centre = Centre.objects.order_by("pk").first()
        Household.objects.filter(pk=world.person.household_id).update(centre=centre)
        make_child(world.person, "Nila", datetime.date(2024, 3, 1))
        listed = centre_list(access=access)
        assert listed
        for centre in listed:
            households = Household.objects.filter(centre=centre)
            children = Person.objects.filter(household__in=households, household_relation="child")
            assert centre.household_count == households.count()
            assert centre.child_count == children.count()
        assert sum(c.child_count for c in listed) > 0


@pytest.mark.parametrize("url", ["/c/home-coop/", "/c/home-coop/centres/"])
def test_the_centres_are_listed_a_page_at_a_time_with_each_pages_counts(world, settings, url):
    from carecoop.tenancy.models import Centre
    from carecoop.tenancy.tests.factories import CentreFactory

    settings.CARECOOP_PAGE_SIZE = 2
    client = world.client("manager")
    with scope(coop=world.home.pk):
        for i in range(3):
            CentreFactory(coop=world.home, name=f"Zz centre {i}")
        names = list(Centre.objects.order_by("name", "pk").values_list("name", flat=True))
    seen = []
    for number in range(1, (len(names) + 1) // 2 + 1):
        response = client.get(url, {"page": number})
        assert response.status_code == 200
        html = response.content.decode()
        on_page = [n for n in names if f">{n}</a>" in html]
        assert len(on_page) == min(2, len(names) - len(seen))
        seen += on_page
    assert seen == names
    # A page number that is not one shows a page, not an error.
    for page in ["x", "0", "99999", "-1"]:
        assert client.get(url, {"page": page}).status_code == 200


def test_the_children_enrolled_download_for_the_manager_and_each_facilitator_s_centres(
    world, creche
):
    creche.enrol()
    url = "/c/home-coop/centres/children"
    text = b"".join(world.client("manager").get(f"{url}.csv").streaming_content)
    header, *rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert header[:3] == ["given name", "family name", "date of birth"]
    diya = next(r for r in rows if r[0] == "Diya")
    assert diya[2] == creche.child.date_of_birth.isoformat()
    assert diya[header.index("centre")] == creche.centre.name
    facilitator = b"".join(world.client("facilitator").get(f"{url}.csv").streaming_content)
    names = {r[0] for r in csv.reader(io.StringIO(facilitator.decode("utf-8-sig")))}
    assert ("Diya" in names) == (creche.centre.pk == world.centre.pk)
    assert world.client("member").get(f"{url}.csv").status_code == 403
