import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from carecoop.staffing import services
from carecoop.staffing.models import CentreStaffing, CheckIn, RosterEntry, Staff

pytestmark = pytest.mark.django_db

READERS = ("manager", "board", "auditor", "facilitator")


def pages(staffed, staff_pk, session_pk):
    c = staffed.centre.pk
    return [
        "/c/home-coop/staff/",
        f"/c/home-coop/staff/{staff_pk}/",
        "/c/home-coop/staff/training/",
        "/c/home-coop/staff/training/due/",
        f"/c/home-coop/staff/centres/{c}/shifts/",
        f"/c/home-coop/staff/centres/{c}/roster/",
        f"/c/home-coop/staff/centres/{c}/day/",
        f"/c/home-coop/staff/centres/{c}/week/",
    ]


def manager_pages(staffed, staff_pk, session_pk):
    c = staffed.centre.pk
    return [
        "/c/home-coop/staff/new/",
        f"/c/home-coop/staff/{staff_pk}/edit/",
        f"/c/home-coop/staff/{staff_pk}/qualifications/new/",
        "/c/home-coop/staff/training/new/",
        "/c/home-coop/staff/training/topics/new/",
        f"/c/home-coop/staff/training/{session_pk}/attendance/",
        f"/c/home-coop/staff/centres/{c}/rules/",
    ]


@pytest.fixture
def session(staffed):
    topic = services.training_topic_create(coop=staffed.world.home, by=staffed.by, name="Safety")
    return services.training_session_create(
        coop=staffed.world.home, by=staffed.by, title="Fire drill", date=staffed.today, topic=topic
    )


def test_pages_render_for_the_right_roles(world, staffed, session):
    staff_pk = staffed.asha.pk
    for role in READERS:
        client = world.client(role)
        for url in pages(staffed, staff_pk, session.pk):
            assert client.get(url).status_code == 200, (role, url)
    for role in ("member", "treasurer"):
        client = world.client(role)
        for url in pages(staffed, staff_pk, session.pk):
            assert client.get(url).status_code == 403, (role, url)
    manager = world.client("manager")
    for url in manager_pages(staffed, staff_pk, session.pk):
        assert manager.get(url).status_code == 200, url
    for role in ("board", "auditor", "facilitator"):
        for url in manager_pages(staffed, staff_pk, session.pk):
            assert world.client(role).get(url).status_code == 403, (role, url)
    checkins = f"/c/home-coop/staff/centres/{staffed.centre.pk}/checkins/"
    assert manager.get(checkins).status_code == 200
    assert world.client("facilitator").get(checkins).status_code == 200
    assert world.client("board").get(checkins).status_code == 403
    assert world.client("outsider").get("/c/home-coop/staff/").status_code == 404


def test_facilitator_sees_only_her_centres(world, staffed):
    other = staffed.carer("Chetna", centre=world.centre2)
    client = world.client("facilitator")
    listing = client.get("/c/home-coop/staff/").content.decode()
    assert "Asha" in listing and "Chetna" not in listing
    assert client.get(f"/c/home-coop/staff/{other.pk}/").status_code == 404
    for page in ("day", "week", "roster", "shifts", "checkins"):
        url = f"/c/home-coop/staff/centres/{world.centre2.pk}/{page}/"
        assert client.get(url).status_code == 404, url
    assert world.client("manager").get(f"/c/home-coop/staff/{other.pk}/").status_code == 200


def test_wages_are_not_shown_to_facilitators(world, staffed):
    with scope(coop=world.home.pk):
        services.staff_update(
            staff=staffed.asha,
            by=staffed.by,
            wage=Decimal(9000),
            wage_currency="INR",
            wage_period="month",
        )
    url = f"/c/home-coop/staff/{staffed.asha.pk}/"
    assert "9,000" in world.client("manager").get(url).content.decode()
    assert "9,000" not in world.client("facilitator").get(url).content.decode()


def test_manager_adds_staff_and_board_cannot(world, staffed):
    data = {
        "given_name": "Deepa",
        "family_name": "Rathod",
        "centre": staffed.centre.pk,
        "role": "teacher",
        "employment": "employed",
        "hours_per_week": "30",
        "wage": "12000",
        "wage_currency": "INR",
        "wage_period": "month",
        "started_on": staffed.today.isoformat(),
    }
    assert world.client("board").post("/c/home-coop/staff/new/", data).status_code == 403
    response = world.client("manager").post("/c/home-coop/staff/new/", data)
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        deepa = Staff.objects.get(given_name="Deepa")
        assert deepa.wage_minor == 1200000
    # A centre of another cooperative cannot be slipped into the form.
    response = world.client("manager").post(
        "/c/home-coop/staff/new/", {**data, "centre": world.other_centre.pk}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_double_booking_from_the_roster_page_shows_the_reason(world, staffed):
    url = (
        f"/c/home-coop/staff/centres/{staffed.centre.pk}/roster/?week={staffed.monday.isoformat()}"
    )
    data = {"staff": staffed.asha.pk, "shift": staffed.morning.pk, "weekdays": ["1", "2"]}
    client = world.client("manager")
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "weekdays": ["2", "3"]})
    assert response.status_code == 200
    assert "is already on the roster from 09:00 to 13:00 that day." in response.content.decode()
    with scope(coop=world.home.pk):
        assert RosterEntry.objects.count() == 2
    assert world.client("board").post(url, data).status_code == 403
    page = world.client("board").get(url).content.decode()
    assert "Asha Solanki" in page and "09:00\u201313:00" in page


def test_facilitator_records_check_in_and_out(world, staffed):
    client = world.client("facilitator")
    url = f"/c/home-coop/staff/centres/{staffed.centre.pk}/checkins/"
    response = client.post(url, {"staff": staffed.asha.pk, "in_at": "00:00"})
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        checkin = CheckIn.objects.get()
    assert client.post(f"/c/home-coop/staff/checkins/{checkin.pk}/out/").status_code == 302
    with scope(coop=world.home.pk):
        assert CheckIn.objects.get().out_at is not None
    assert "Asha Solanki" in client.get(url).content.decode()


def test_manager_chooses_the_rule_sets(world, staffed):
    url = f"/c/home-coop/staff/centres/{staffed.centre.pk}/rules/"
    response = world.client("manager").post(
        url, {"legal_rule_set": staffed.india.pk, "target_rule_set": staffed.us.pk}
    )
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        settings = CentreStaffing.objects.get(centre=staffed.centre)
        assert (settings.legal_rule_set, settings.target_rule_set) == (staffed.india, staffed.us)


def test_day_view_marks_gaps_with_a_word(world, staffed):
    staffed.babies(10, day=staffed.monday, start=datetime.time(9), end=datetime.time(12))
    url = f"/c/home-coop/staff/centres/{staffed.centre.pk}/day/?date={staffed.monday.isoformat()}"
    body = world.client("board").get(url).content.decode()
    assert body.count('data-status="legal"') == 12  # The room and the whole centre, 9:00-12:00.
    assert "below legal" in body and "0/4" in body
    week = world.client("board").get(url.replace("day/?date", "week/?week")).content.decode()
    assert "6 gaps" in week and "Closed" in week


def test_training_pages(world, staffed, session):
    client = world.client("manager")
    url = f"/c/home-coop/staff/training/{session.pk}/attendance/"
    assert client.post(url, {"staff": [staffed.asha.pk]}).status_code == 302
    due = client.get("/c/home-coop/staff/training/due/").content.decode()
    assert "Bina Solanki" in due  # Never trained: overdue.
    detail = client.get(f"/c/home-coop/staff/{staffed.asha.pk}/").content.decode()
    assert "Fire drill" in detail


def test_manager_edits_staff_and_the_day_view_explains_the_numbers(world, staffed):
    url = f"/c/home-coop/staff/{staffed.asha.pk}/edit/"
    data = {
        "given_name": "Asha",
        "family_name": "Solanki",
        "centre": staffed.centre.pk,
        "role": "teacher",
        "employment": "employed",
        "hours_per_week": "35",
        "started_on": staffed.asha.started_on.isoformat(),
    }
    assert world.client("manager").post(url, data).status_code == 302
    with scope(coop=world.home.pk):
        asha = Staff.objects.get(pk=staffed.asha.pk)
        assert (asha.role, asha.hours_per_week) == ("teacher", 35)
        assert asha.history.count() == 2
    staffed.babies(4, day=staffed.monday, start=datetime.time(9), end=datetime.time(12))
    day = f"/c/home-coop/staff/centres/{staffed.centre.pk}/day/?date={staffed.monday.isoformat()}"
    body = world.client("manager").get(day).content.decode()
    assert "4 at 3 children per carer (0 to 11 months)" in body
