"""Search pickers (core.pickers): no form lists every person, member, household, child or staff
member; the search is scoped to the cooperative and to what the role may see; without JavaScript
the "Find" button is a search step that saves nothing."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from carecoop.capital.models import Transfer
from carecoop.governance import services as governance
from carecoop.governance.models import Attendee
from carecoop.members import services as members
from carecoop.staffing import services as staffing
from carecoop.testing import make_child, make_member

pytestmark = pytest.mark.django_db

CHOICES = re.compile(r"<option\b|type=\"radio\"|type=\"checkbox\"")


def choices(response: Any) -> int:
    assert response.status_code == 200
    return len(CHOICES.findall(response.content.decode()))


def grow(world: Any, n: int, *, start: int = 0) -> None:
    """``n`` more members (each heading a household) and staff in the other cooperative."""
    by = world.users["outsider"]
    with scope(coop=world.other.pk):
        for i in range(start, start + n):
            make_member(
                coop=world.other,
                by=by,
                member_class=world.other_class,
                centre=world.other_centre,
                given_name=f"Grown{i}",
                family_name="Many",
                phone=f"+55 31 90000 {i:04d}",
            )
            staffing.staff_create(
                coop=world.other,
                by=by,
                centre=world.other_centre,
                given_name=f"Grown{i}",
                family_name="Staff",
                role="care_worker",
                started_on=datetime.date(2025, 1, 1),
            )


def pages(world: Any) -> dict[str, str]:
    """Every page with a converted form, in the other cooperative (seen by its own manager)."""
    with scope(coop=world.other.pk):
        election = governance.election_create(
            meeting=world.other_meeting,
            by=world.users["outsider"],
            body=world.other_body,
            title="Board election",
            seats={None: 1},
        )
    c = f"/c/{world.other.slug}"
    return {
        "subscription": f"{c}/capital/subscriptions/new/",
        "transfer": f"{c}/capital/transfers/new/",
        "redemption": f"{c}/capital/redemptions/new/",
        "term": f"{c}/governance/bodies/{world.other_body.pk}/terms/new/",
        "meeting attendance": f"{c}/governance/meetings/{world.other_meeting.pk}/",
        "candidate": f"{c}/governance/questions/{election.pk}/",
        "new staff": f"{c}/staff/new/",
        "staff edit": f"{c}/staff/{world.other_staff.pk}/edit/",
        "training attendance": f"{c}/staff/training/{world.other_session.pk}/attendance/",
        "roster": f"{c}/staff/centres/{world.other_centre.pk}/roster/",
        "check-in": f"{c}/staff/centres/{world.other_centre.pk}/checkins/",
        "waiver": f"{c}/billing/waivers/new/",
        "application": f"{c}/centres/{world.other_centre.pk}/apply/",
    }


# Pages that also list rows (the roster: a row per staff member); their lists are not forms.
LISTS = {"roster"}


def test_no_form_page_grows_with_the_members(world: Any) -> None:
    """Each converted form's page, with 5 and with 50 members and staff: the same number of
    options, radios and checkboxes, and the same size but for the page's own lists."""
    urls = pages(world)
    client = world.client("outsider")
    grow(world, 4)  # 5 members and 5 staff
    small = {name: client.get(url) for name, url in urls.items()}
    grow(world, 45, start=4)  # 50 of each
    for name, url in urls.items():
        large = client.get(url)
        assert choices(small[name]) == choices(large), name
        assert 'class="picker"' in large.content.decode(), name
        if name not in LISTS:
            assert len(large.content) - len(small[name].content) < 100, name


def test_find_without_javascript_shows_results_and_saves_nothing(world: Any) -> None:
    url = pages(world)["transfer"]
    client = world.client("outsider")
    response = client.post(
        url, {"_pick": "to_membership", "to_membership-q": "zenobia", "shares": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'name="to_membership" value="{world.other_membership.pk}"' in body
    assert "Secretname" in body
    assert 'value="1"' in body  # what was typed stays
    assert 'role="alert"' not in body  # a search step shows no errors
    with scopes_disabled():
        assert not Transfer.objects.exists()


def test_find_on_a_form_posted_from_another_page_comes_back_to_it(world: Any) -> None:
    client = world.client("outsider")
    meeting = f"/c/{world.other.slug}/governance/meetings/{world.other_meeting.pk}/"
    response = client.post(
        meeting + "attendance/",
        {"_pick": "membership", "membership-q": "secretname", "presence": "present"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(meeting + "?")
    page = client.get(response["Location"]).content.decode()
    assert f'name="membership" value="{world.other_membership.pk}"' in page
    with scopes_disabled():
        assert not Attendee.objects.filter(meeting=world.other_meeting).exists()


def test_a_key_beyond_64_bits_is_no_choice(world: Any) -> None:
    """A picker sent a number no row can have shows the form again, as for any wrong key."""
    client = world.client("outsider")
    c = f"/c/{world.other.slug}"
    huge = "9" * 27
    for url, data in (
        (f"{c}/staff/new/", {"person": huge, "_pick": "person", "person-q": "zenobia"}),
        (f"{c}/staff/new/", {"person": huge, "given_name": "Ana", "role": "care_worker"}),
        (f"{c}/staff/training/{world.other_session.pk}/attendance/", {"staff": [huge]}),
    ):
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert f'value="{huge}"' not in response.content.decode(), url


def test_a_picked_member_is_still_sent_by_its_key(world: Any) -> None:
    client = world.client("outsider")
    meeting = f"/c/{world.other.slug}/governance/meetings/{world.other_meeting.pk}/"
    data = {"membership": world.other_membership.pk, "presence": "present", "membership-q": ""}
    client.post(meeting + "attendance/", data)
    with scopes_disabled():
        assert Attendee.objects.filter(
            meeting=world.other_meeting, membership=world.other_membership
        ).exists()


def test_another_cooperatives_member_is_never_found_nor_accepted(world: Any) -> None:
    client = world.client("manager")
    home = f"/c/{world.home.slug}"
    for kind in ("members", "memberships", "people", "children", "households"):
        for q in ("zenobia", "secretname", "99999", "zefirino", world.other_membership.number):
            found = client.get(f"{home}/members/pick/{kind}/", {"field": "x", "q": q})
            assert found.status_code == 200
            assert "Zenobia" not in found.content.decode() and "Zefirino" not in (
                found.content.decode()
            )
    staff = client.get(f"{home}/staff/pick/", {"field": "x", "q": "zenobia"})
    assert "Zenobia" not in staff.content.decode()
    staff = client.get(
        f"{home}/staff/pick/", {"field": "x", "q": "zenobia", "centre": world.other_centre.pk}
    )
    assert "Zenobia" not in staff.content.decode()
    find = client.post(
        f"{home}/capital/transfers/new/", {"_pick": "to_membership", "to_membership-q": "zenobia"}
    )
    assert "Zenobia" not in find.content.decode()
    posted = client.post(
        f"{home}/capital/transfers/new/",
        {"from_membership": world.membership.pk, "to_membership": world.other_membership.pk},
    )
    assert posted.status_code == 200
    assert "Select a valid choice" in posted.content.decode()


def test_the_other_cooperatives_search_endpoints_are_not_reachable(world: Any) -> None:
    client = world.client("manager")
    other = f"/c/{world.other.slug}"
    assert client.get(f"{other}/members/pick/people/", {"q": "zenobia"}).status_code == 404
    assert client.get(f"{other}/staff/pick/", {"q": "zenobia"}).status_code == 404


def test_the_search_finds_by_name_phone_and_number_within_ten_rows(world: Any) -> None:
    client = world.client("manager")
    url = f"/c/{world.home.slug}/members/pick/members/"
    by_name = client.get(url, {"field": "membership", "q": "kokila"}).content.decode()
    assert f'name="membership" value="{world.elsewhere.pk}"' in by_name
    by_phone = client.get(url, {"field": "membership", "q": "9800000002"}).content.decode()
    assert f'value="{world.elsewhere.pk}"' in by_phone
    by_number = client.get(url, {"field": "membership", "q": world.elsewhere.number})
    assert f'value="{world.elsewhere.pk}"' in by_number.content.decode()
    with scope(coop=world.home.pk):
        for i in range(12):
            members.member_register(
                coop=world.home,
                by=world.users["manager"],
                member_class=world.member_class,
                applied_on=datetime.date(2020, 1, 1),
                admitted_on=datetime.date(2020, 2, 1),
                centre=world.centre,
                given_name="Amina",
                family_name="Banda",
                date_of_birth=datetime.date(1990, 1, 1 + i),
                phone=f"+265 99 000 {i:04d}",
            )
    with CaptureQueriesContext(connection) as queries:
        many = client.get(url, {"field": "membership", "q": "amina banda"}).content.decode()
    assert many.count('type="radio"') == 10
    assert "type more to narrow the search" in many
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    labels = re.findall(r"<bdi>(.*?)</bdi>", many)
    assert len(set(labels)) == 10, "two people of the same name are told apart"


def test_a_role_without_contact_details_does_not_search_by_phone(world: Any) -> None:
    url = f"/c/{world.home.slug}/members/pick/people/"
    member = world.client("member")
    assert "Parmar" in member.get(url, {"field": "p", "q": "hansa"}).content.decode()
    assert "Parmar" not in member.get(url, {"field": "p", "q": "9800000001"}).content.decode()


def test_a_facilitator_finds_only_her_centres_people_and_staff(world: Any) -> None:
    with scope(coop=world.home.pk):
        make_child(world.elsewhere.person, "Wambui", datetime.date(2023, 3, 1))
        for centre, name in ((world.centre, "Esther"), (world.centre2, "Eunice")):
            staffing.staff_create(
                coop=world.home,
                by=world.users["manager"],
                centre=centre,
                given_name=name,
                role="care_worker",
                started_on=datetime.date(2025, 1, 1),
            )
    home = f"/c/{world.home.slug}"
    facilitator, manager = world.client("facilitator"), world.client("manager")
    people = f"{home}/members/pick/members/"
    assert "Parmar" in facilitator.get(people, {"field": "m", "q": "hansa"}).content.decode()
    assert "Vaghela" not in facilitator.get(people, {"field": "m", "q": "kokila"}).content.decode()
    assert "Vaghela" in manager.get(people, {"field": "m", "q": "kokila"}).content.decode()
    children = f"{home}/members/pick/children/"
    assert "Wambui" not in facilitator.get(children, {"field": "c", "q": "wambui"}).content.decode()
    assert "Wambui" in manager.get(children, {"field": "c", "q": "wambui"}).content.decode()
    staff = f"{home}/staff/pick/"
    assert "Esther" in facilitator.get(staff, {"field": "s", "q": "e"}).content.decode()
    assert "Eunice" not in facilitator.get(staff, {"field": "s", "q": "e"}).content.decode()
    assert "Eunice" in manager.get(staff, {"field": "s", "q": "e"}).content.decode()


def test_the_search_box_fetches_results_with_htmx(world: Any) -> None:
    page = world.client("outsider").get(pages(world)["transfer"]).content.decode()
    assert 'hx-trigger="input changed delay:300ms, search"' in page
    assert f"/c/{world.other.slug}/members/pick/memberships/?field=to_membership" in page
    assert 'name="_pick" value="to_membership"' in page
