"""Training due: the overdue list comes a page at a time, every overdue person on one page."""

import re

import pytest
from django.conf import settings
from django_scopes import scope

from carecoop.staffing.tests.factories import StaffFactory, TrainingTopicFactory

pytestmark = pytest.mark.django_db

SIZE = settings.CARECOOP_PAGE_SIZE


def test_the_overdue_list_pages_and_keeps_the_other_list_where_it_was(world):
    with scope(coop=world.home.pk):
        TrainingTopicFactory(coop=world.home, name="First aid")
        made = [StaffFactory(centre=world.centre) for _ in range(SIZE + 3)]  # Never trained.
    client = world.client("manager")
    url = "/c/home-coop/staff/training/due/"
    first = client.get(url, {"soon": "1"}).content.decode()
    second = client.get(url, {"soon": "1", "overdue": "2"}).content.decode()
    name = re.compile(r"/staff/\d+/\">([^<]+)</a>")
    shown = [name.findall(page) for page in (first, second)]
    assert [len(rows) for rows in shown] == [SIZE, 3]
    assert sorted(shown[0] + shown[1]) == sorted(s.full_name for s in made)
    assert "soon=1&amp;overdue=2" in first and 'rel="next"' in first
    assert 'rel="prev"' in second
