"""Who may vote: the members' standing comes a page at a time, and only the page is weighed."""

import re

import pytest
from django.conf import settings
from django_scopes import scope

from carecoop.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SIZE = settings.CARECOOP_PAGE_SIZE


def test_the_standing_of_every_member_a_page_at_a_time(world):
    with scope(coop=world.home.pk):
        made = [
            MembershipFactory(coop=world.home, member_class=world.member_class)
            for _ in range(SIZE + 5)
        ]
    numbers = {m.number for m in made} | {world.membership.number, world.elsewhere.number}
    client = world.client("board")
    url = f"/c/{world.home.slug}/governance/eligibility/"
    first = client.get(url)
    second = client.get(url, {"page": 2})
    row = re.compile(r"<tr><td><strong>(\d+) ")
    shown = [row.findall(page.content.decode()) for page in (first, second)]
    assert [len(rows) for rows in shown] == [SIZE, len(numbers) - SIZE]
    assert set(shown[0]) | set(shown[1]) == numbers
    assert not set(shown[0]) & set(shown[1])
    assert f"{len(numbers)} members" in first.content.decode()
    assert 'rel="next"' in first.content.decode()
    assert 'rel="prev"' in second.content.decode()


def test_the_page_queries_as_much_for_many_members_as_for_a_few(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("board")
    url = f"/c/{world.home.slug}/governance/eligibility/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with scope(coop=world.home.pk):
        for _ in range(2 * SIZE):
            MembershipFactory(coop=world.home, member_class=world.member_class)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) <= len(few)
    assert len(response.context["rows"]) == SIZE


def test_the_meeting_shows_its_attendance_register_a_page_at_a_time(world, assembly):
    meeting = assembly.meeting()
    with scope(coop=world.home.pk):
        many = [
            MembershipFactory(coop=world.home, member_class=assembly.parents_class)
            for _ in range(SIZE + 3)
        ]
        for membership in many:
            assembly.pay_up(membership)
        assembly.attend(meeting, many)
    client = world.client("manager")
    url = f"/c/{world.home.slug}/governance/meetings/{meeting.pk}/"
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    shown = [sum(m.person.full_name in page for m in many) for page in (first, second)]
    assert shown == [SIZE, 3]
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    assert f"<strong>{SIZE + 3}</strong>" in first
