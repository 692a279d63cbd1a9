"""The member list in pages: by cursor, with the search, the filters and the count kept, and
nothing of another cooperative on any page."""

import html
import re

import pytest
from django_scopes import scope

from carecoop.members.models import Membership
from carecoop.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'<a href="\?([^"]*)" rel="next">')
PREVIOUS = re.compile(r'<a href="\?([^"]*)" rel="prev">')
# A row's name, written given name first (the cooperative's default order), sorted by family name.
NAME = re.compile(r"<bdi>([^<]*\bZz[^<]*)</bdi>")


@pytest.fixture
def many(world):
    """60 members named Zz…, half of them in the second centre; two of them share a name, and
    the other cooperative has Zz members too."""
    with scope(coop=world.home.pk):
        for i in range(60):
            MembershipFactory(
                coop=world.home,
                member_class=world.member_class,
                person__family_name=f"Zz{i // 2 if i < 4 else i:02d}",
                person__given_name="Same" if i < 4 else f"Given{i}",
                person__date_of_birth=f"19{70 + i % 25}-01-0{1 + i % 5}",
                household_centre=world.centre2 if i % 2 else world.centre,
                status="active",
            )
    with scope(coop=world.other.pk):
        for i in range(30):
            MembershipFactory(
                coop=world.other,
                member_class=world.other_class,
                person__family_name=f"Zz{i:02d}Other",
            )
    return world


def pages(client, query, direction=NEXT):
    """The pages of the list, following the link ``direction`` names from ``query``."""
    bodies = [client.get(f"/c/home-coop/members/?{query}").content.decode()]
    while link := direction.search(bodies[-1]):
        bodies.append(
            client.get(f"/c/home-coop/members/?{html.unescape(link[1])}").content.decode()
        )
    return bodies


def names(body):
    return NAME.findall(body)


def test_next_links_walk_every_member_once_in_name_order_and_previous_links_walk_back(many):
    from carecoop.members.selectors import MEMBER_LIST_KEYS

    client = many.client("manager")
    forward = pages(client, "q=zz")
    assert len(forward) == 3
    with scope(coop=many.home.pk):
        in_order = Membership.objects.filter(person__family_name__startswith="Zz").order_by(
            *MEMBER_LIST_KEYS
        )
        expected = [f"{m.person.given_name} {m.person.family_name}" for m in in_order]
    assert len(expected) == 60 and expected.count("Same Zz00") == 2
    assert [n for body in forward for n in names(body)] == expected
    # Every page says how many there are, not how many are left.
    assert all("60 members" in body for body in forward)
    # From the last page back to the first by the previous links, the same rows.
    last_query = html.unescape(NEXT.search(forward[-2])[1])
    backward = pages(client, last_query, PREVIOUS)
    assert [names(b) for b in reversed(backward)] == [names(b) for b in forward]
    assert 'rel="prev"' not in backward[-1]


def test_the_search_and_filters_are_kept_from_page_to_page(many):
    client = many.client("manager")
    query = f"q=zz&centre={many.centre2.pk}&status=active&class={many.member_class.pk}"
    bodies = pages(client, query)
    assert len(bodies) == 2
    assert all("30 members" in body for body in bodies)
    listed = [n for body in bodies for n in names(body)]
    with scope(coop=many.home.pk):
        in_centre2 = Membership.objects.filter(
            person__family_name__startswith="Zz", person__household__centre=many.centre2
        )
        expected = sorted(f"{m.person.given_name} {m.person.family_name}" for m in in_centre2)
    assert sorted(listed) == expected and len(listed) == 30
    link = html.unescape(NEXT.search(bodies[0])[1])
    assert {"q=zz", f"centre={many.centre2.pk}", "status=active"} <= set(link.split("&"))
    # htmx asks for the rows alone, by the same cursor.
    rows = client.get(f"/c/home-coop/members/?{link}", headers={"HX-Request": "true"})
    assert "<html" not in rows.content.decode()
    assert names(rows.content.decode()) == names(bodies[1])


def test_a_tampered_or_stale_cursor_opens_the_first_page_and_says_so(many):
    client = many.client("manager")
    first = client.get("/c/home-coop/members/?q=zz").content.decode()
    link = html.unescape(NEXT.search(first)[1])
    for bad in (link[:-4] + "AAAA", "q=zz&cursor=not-a-cursor", "q=zz&cursor=" + "A" * 500):
        response = client.get(f"/c/home-coop/members/?{bad}")
        assert response.status_code == 200
        body = response.content.decode()
        assert names(body) == names(first)
        assert "That page link is no longer valid" in body
    assert "no longer valid" not in first


def test_a_cursor_carried_to_another_cooperative_shows_only_its_own_members(many):
    """A cursor names a place in the order, not a cooperative: used in another cooperative's list
    it shows that cooperative's members after that place, and none of the first one's."""
    home = many.client("manager")
    link = html.unescape(NEXT.search(home.get("/c/home-coop/members/?q=zz").content.decode())[1])
    other = many.client("outsider")  # the other cooperative's manager
    body = other.get(f"/c/other-coop/members/?{link}").content.decode()
    assert names(body) and all("Other" in n for n in names(body))


def test_a_search_counts_up_to_the_cap_on_every_page(many, monkeypatch):
    from carecoop.members import selectors

    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 40)
    client = many.client("manager")
    bodies = pages(client, "q=zz")
    assert len(bodies) == 3
    assert all("More than 40 members" in body for body in bodies)
    # The list without a search counts every member.
    assert "More than" not in client.get("/c/home-coop/members/").content.decode()


def test_old_page_numbers_open_the_first_page(many):
    client = many.client("manager")
    body = client.get("/c/home-coop/members/?q=zz&page=2").content.decode()
    assert names(body) == names(client.get("/c/home-coop/members/?q=zz").content.decode())
    assert 'rel="prev"' not in body


@pytest.mark.postgres
def test_a_page_after_a_cursor_is_a_range_of_the_name_index(many):
    """Deep or not, the page after a cursor is read from the index ``person_name`` starting at
    the cursor, not from the start of the cooperative's register."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = many.client("manager")
    link = html.unescape(NEXT.search(client.get("/c/home-coop/members/").content.decode())[1])
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/c/home-coop/members/?{link}")
    (page_sql,) = [q["sql"] for q in queries.captured_queries if "LIMIT 26" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute("EXPLAIN " + page_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    index_range = (
        r"using person_name on members_person[^\n]*\n\s+Index Cond: \(\(coop_id = \d+\) AND \(ROW"
    )
    assert re.search(index_range, plan), plan
