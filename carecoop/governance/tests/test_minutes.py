"""The minutes say what kind of meeting was held."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from carecoop.governance.models import Meeting

pytestmark = pytest.mark.django_db

BASE = "/c/home-coop/governance/"


def convene(client, assembly, kind: str) -> Meeting:
    starts = timezone.localtime() + datetime.timedelta(days=30)
    response = client.post(
        f"{BASE}meetings/new/",
        {
            "body": assembly.assembly.pk,
            "kind": kind,
            "title": "Change of the statutes",
            "first_call_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "notice_on": timezone.localdate().isoformat(),
            "place": "Hall",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Meeting.objects.get(title="Change of the statutes", kind=kind)


def convened_line(client, meeting: Meeting) -> str:
    page = client.get(f"{BASE}meetings/{meeting.pk}/minutes/").content.decode()
    start = page.index('<p id="convened">')
    return " ".join(page[start : page.index("</p>", start)].split())


@pytest.mark.parametrize(
    ("kind", "words"),
    [("extraordinary", "Extraordinary meeting of the"), ("ordinary", "Ordinary meeting of the")],
)
def test_minutes_name_the_kind_of_meeting_convened(assembly, world, kind, words):
    client = world.client("manager")
    with scope(coop=world.home.pk):
        meeting = convene(client, assembly, kind)
    line = convened_line(client, meeting)
    assert line.startswith(f'<p id="convened">{words} <bdi>General assembly</bdi>')
    page = client.get(f"{BASE}meetings/{meeting.pk}/").content.decode()
    assert f'<dd id="kind">{meeting.get_kind_display()}</dd>' in page
