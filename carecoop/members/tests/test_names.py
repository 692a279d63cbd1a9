"""People who share a name are told apart in every choice, and every page writes names in the
order the cooperative chose (given name first unless it says otherwise)."""

import datetime
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from carecoop.core.names import NameOrder, person_name
from carecoop.members import services as members
from carecoop.staffing import services as staffing
from carecoop.testing import make_child

pytestmark = pytest.mark.django_db

ISOLATES = str.maketrans("", "", "\u2068\u2069")


def options(body: str, field: str) -> dict[str, str]:
    """Each radio or checkbox of the picker ``field``: its key and its label as read."""
    found = re.findall(
        rf'<input type="(?:radio|checkbox)" name="{field}" value="(\d+)"(?: checked)?> '
        r"<bdi>(.*?)</bdi>",
        body,
    )
    return {key: html.unescape(label).translate(ISOLATES) for key, label in found}


@pytest.fixture
def namesakes(world: Any) -> dict[str, Any]:
    """Two members named Ana López, each heading a household named after her (so the two
    households share the name too), an Allison López in each household born a year apart,
    and two staff members named Ana López in the two centres."""
    by = world.users["manager"]
    rows: dict[str, Any] = {}
    with scope(coop=world.home.pk):
        for i, centre in enumerate((world.centre, world.centre2)):
            membership = members.member_register(
                coop=world.home,
                by=by,
                member_class=world.member_class,
                applied_on=datetime.date(2020, 1, 1),
                admitted_on=datetime.date(2020, 2, 1),
                centre=centre,
                given_name="Ana",
                family_name="López",
                date_of_birth=datetime.date(1990 + i, 5, 1),
                phone=f"+52 55 1000 000{i}",
            )
            rows[f"ana{i}"] = membership
            rows[f"allison{i}"] = make_child(
                membership.person, "Allison", datetime.date(2022 + i, 3, 1)
            )
            rows[f"staff{i}"] = staffing.staff_create(
                coop=world.home,
                by=by,
                centre=centre,
                given_name="Ana",
                family_name="López",
                role="care_worker",
                started_on=datetime.date(2025, 1, 1),
            )
    return rows


def test_people_of_the_same_name_are_told_apart_in_every_picker(
    world: Any, namesakes: dict[str, Any]
) -> None:
    client = world.client("manager")
    home = f"/c/{world.home.slug}"
    ana0, ana1 = namesakes["ana0"], namesakes["ana1"]
    allison0, allison1 = namesakes["allison0"], namesakes["allison1"]

    # Applying for a place (no JavaScript: the "Find" button is a search step).
    body = client.post(
        f"{home}/centres/{world.centre.pk}/apply/", {"_pick": "child", "child-q": "allison lópez"}
    ).content.decode()
    children = options(body, "child")
    assert set(children) == {str(allison0.pk), str(allison1.pk)}
    assert len(set(children.values())) == 2
    assert children[str(allison0.pk)] == (f"Allison López · born 2022 · Ana López · {ana0.number}")
    assert children[str(allison1.pk)] == (f"Allison López · born 2023 · Ana López · {ana1.number}")
    # The same labels while typing (the box's htmx search).
    typed = client.get(f"{home}/members/pick/children/", {"field": "child", "q": "allison"})
    assert options(typed.content.decode(), "child") == children
    # Both apply; the waitlist tells them apart too.
    for child in (allison0, allison1):
        applied = client.post(
            f"{home}/centres/{world.centre.pk}/apply/",
            {"child": child.pk, "wanted_from": "2026-01-05", "child-q": ""},
        )
        assert applied.status_code == 302
    waitlist = client.get(f"{home}/centres/{world.centre.pk}/waitlist/").content.decode()
    waiting = re.findall(r"<strong>Allison López</strong>\s*<small>\s*born (\d{4})", waitlist)
    assert sorted(waiting) == ["2022", "2023"]

    # The waiver form chooses a household: both are named Ana López.
    body = client.post(
        f"{home}/billing/waivers/new/", {"_pick": "household", "household-q": "ana lópez"}
    ).content.decode()
    households = options(body, "household")
    assert set(households) == {str(ana0.person.household_id), str(ana1.person.household_id)}
    assert households[str(ana0.person.household_id)] == (
        f"Ana López · {ana0.number} · {world.centre.name}"
    )
    assert households[str(ana1.person.household_id)] == (
        f"Ana López · {ana1.number} · {world.centre2.name}"
    )

    # A member (a share subscription) and a person (a staff member's record).
    body = client.post(
        f"{home}/capital/subscriptions/new/", {"_pick": "membership", "membership-q": "ana"}
    ).content.decode()
    assert options(body, "membership") == {
        str(ana0.pk): f"{ana0.number} · Ana López",
        str(ana1.pk): f"{ana1.number} · Ana López",
    }
    body = client.post(
        f"{home}/staff/new/", {"_pick": "person", "person-q": "ana lópez"}
    ).content.decode()
    assert options(body, "person") == {
        str(ana0.person_id): f"Ana López · {ana0.number}",
        str(ana1.person_id): f"Ana López · {ana1.number}",
    }

    # Staff: by role and centre.
    typed = client.get(f"{home}/staff/pick/", {"field": "staff", "q": "ana lópez"})
    staff = options(typed.content.decode(), "staff")
    assert staff == {
        str(namesakes["staff0"].pk): f"Ana López · Care worker · {world.centre.name}",
        str(namesakes["staff1"].pk): f"Ana López · Care worker · {world.centre2.name}",
    }


def test_naming_the_results_reads_no_row_more(world: Any, namesakes: dict[str, Any]) -> None:
    """Each search endpoint answers in the same number of queries for one result and for many."""
    client = world.client("manager")
    home = f"/c/{world.home.slug}"
    for kind, few, many in (
        ("children", "allison lópez 2022", "allison"),
        ("households", str(namesakes["ana0"].number), "ana lópez"),
        ("people", str(namesakes["ana0"].number), "ana lópez"),
    ):
        counts = []
        for query in (few, many):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{home}/members/pick/{kind}/", {"field": "x", "q": query})
            assert response.status_code == 200
            counts.append(len(queries.captured_queries))
        assert counts[0] == counts[1], kind


def test_the_cooperatives_order_of_names_is_the_one_every_page_writes(
    world: Any, namesakes: dict[str, Any]
) -> None:
    manager = world.client("manager")
    home = f"/c/{world.home.slug}"
    ana = namesakes["ana0"]
    allison = namesakes["allison0"]
    pages = {
        "member list": f"{home}/members/?q=ana",
        "member": f"{home}/members/{ana.person_id}/",
        "child": f"{home}/centres/children/{allison.pk}/",
        "staff": f"{home}/staff/",
        "staff member": f"{home}/staff/{namesakes['staff0'].pk}/",
        "picker": f"{home}/members/pick/members/?field=m&q=ana",
    }

    def shown() -> dict[str, str]:
        return {name: manager.get(url).content.decode() for name, url in pages.items()}

    def queries_of_the_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            manager.get(pages["member list"])
        return len(queries.captured_queries)

    before = shown()
    for name, body in before.items():
        assert "Ana López" in body or "Allison López" in body, name
        assert "López Ana" not in body and "López Allison" not in body, name
    counted = queries_of_the_list()

    # Only the manager chooses the order.
    assert (
        world.client("member").post(f"{home}/names/", {"name_order": "family"}).status_code == 403
    )
    page = manager.get(f"{home}/names/")
    assert page.status_code == 200 and 'name="name_order"' in page.content.decode()
    response = manager.post(f"{home}/names/", {"name_order": NameOrder.FAMILY_FIRST})
    assert response.status_code == 302
    world.home.refresh_from_db()
    assert world.home.name_order == NameOrder.FAMILY_FIRST

    after = shown()
    for name, body in after.items():
        assert "López Ana" in body or "López Allison" in body, name
        if name not in ("member", "child"):  # they also show the household, named "Ana López"
            assert "Ana López" not in body, name
    assert "López Allison" in after["child"]
    # Two namesakes in the list, still one row each, sorted by family name, read as before.
    assert after["member list"].count("López Ana") == 2
    assert queries_of_the_list() == counted

    # The other cooperative keeps its own order.
    other = world.client("outsider").get(f"/c/{world.other.slug}/members/").content.decode()
    with scope(coop=world.other.pk):
        person = world.other_person
        assert person_name(person.given_name, person.family_name, NameOrder.GIVEN_FIRST) in other


def test_person_name_writes_either_order_without_stray_spaces() -> None:
    assert person_name("Jyoti", "Chavda", NameOrder.GIVEN_FIRST) == "Jyoti Chavda"
    assert person_name("Jyoti", "Chavda", NameOrder.FAMILY_FIRST) == "Chavda Jyoti"
    assert person_name("Jyoti", "", NameOrder.FAMILY_FIRST) == "Jyoti"
    assert person_name("", "Chavda", NameOrder.GIVEN_FIRST) == "Chavda"
