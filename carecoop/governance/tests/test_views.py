"""The pages: who may open what, a meeting run from the pages, and the public voting page."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from carecoop.governance import services
from carecoop.governance.models import BallotEntry, Meeting, Question

pytestmark = pytest.mark.django_db

BASE = "/c/home-coop/governance/"


def test_pages_open_for_insiders_and_management_for_managers(assembly, world):
    with scope(coop=world.home.pk):
        meeting = assembly.meeting()
        motion = services.motion_create(meeting=meeting, by=assembly.by, title="M", method="open")
    pages = [
        BASE,
        f"{BASE}eligibility/",
        f"{BASE}decisions/",
        f"{BASE}bodies/{assembly.board.pk}/",
        f"{BASE}meetings/{meeting.pk}/",
        f"{BASE}meetings/{meeting.pk}/minutes/",
        f"{BASE}questions/{motion.pk}/",
    ]
    for role in ("manager", "board", "member", "facilitator"):
        client = world.client(role)
        for url in pages:
            assert client.get(url).status_code == 200, (role, url)
    assert world.client("member").get(f"{BASE}meetings/new/").status_code == 403
    assert world.client("board").get(f"{BASE}meetings/new/").status_code == 200
    assert world.client("analyst").get(BASE).status_code == 404


def test_convene_register_and_open_from_the_pages(assembly, world):
    client = world.client("manager")
    starts = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        f"{BASE}meetings/new/",
        {
            "body": assembly.assembly.pk,
            "title": "Too soon",
            "first_call_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "notice_on": timezone.localdate().isoformat(),
            "place": "Hall",
        },
    )
    assert response.status_code == 200 and "14 days&#x27; notice" in response.content.decode()
    with scope(coop=world.home.pk):
        assert not Meeting.objects.exists()
        meeting = assembly.meeting()
    url = f"{BASE}meetings/{meeting.pk}/"
    response = client.post(
        url + "attendance/",
        {"membership": assembly.supporter.pk, "presence": "present"},
        follow=True,
    )
    assert "cannot take part in this meeting" in response.content.decode()
    response = client.post(url + "open/", follow=True)
    assert "Quorum not met" in response.content.decode()
    for member in assembly.voters:
        client.post(url + "attendance/", {"membership": member.pk, "presence": "present"})
    response = client.post(url + "open/", follow=True)
    assert "The meeting is in session." in response.content.decode()


def test_public_vote_page_votes_once(assembly, world):
    from django.test import Client

    with scope(coop=world.home.pk):
        meeting = assembly.open_meeting()
        motion = services.motion_create(
            meeting=meeting, by=assembly.by, title="Buy a van", method="secret"
        )
        services.question_open(
            question=motion, by=assembly.by, closes_at=timezone.now() + datetime.timedelta(hours=1)
        )
        code = services.codes_issue(question=motion, by=assembly.by)[0].code
        yes = motion.choices.get(code="for").pk
    phone = Client(enforce_csrf_checks=False)
    page = phone.get(f"{BASE}vote/")
    assert page.status_code == 200 and "Your voting code" in page.content.decode()
    ballot = phone.post(f"{BASE}vote/", {"code": code})
    assert "Buy a van" in ballot.content.decode()
    done = phone.post(f"{BASE}vote/", {"code": code, "cast": "1", "choice": str(yes)})
    assert "is recorded" in done.content.decode()
    again = phone.post(f"{BASE}vote/", {"code": code, "cast": "1", "choice": str(yes)})
    assert again.status_code == 400 and "already been used" in again.content.decode()
    wrong = phone.post(f"{BASE}vote/", {"code": "ZZZZZ-ZZZZZ"})
    assert wrong.status_code == 400
    # The other cooperative's page does not know this code.
    other = phone.post("/c/other-coop/governance/vote/", {"code": code})
    assert "not valid" in other.content.decode()
    with scope(coop=world.home.pk):
        assert BallotEntry.objects.count() == 1
        services.question_close(question=motion, by=assembly.by)
        assert Question.objects.get(pk=motion.pk).carried
    minutes = world.client("member").get(f"{BASE}meetings/{meeting.pk}/minutes/").content.decode()
    assert "Buy a van" in minutes and "Carried" in minutes and "quorum met with 10 of 10" in minutes


def test_the_vote_page_does_not_name_a_cooperative_that_is_not_public(assembly, world):
    from django.test import Client

    with scope(coop=world.home.pk):
        meeting = assembly.open_meeting()
        motion = services.motion_create(
            meeting=meeting, by=assembly.by, title="Buy a van", method="secret"
        )
        services.question_open(
            question=motion, by=assembly.by, closes_at=timezone.now() + datetime.timedelta(hours=1)
        )
        issued = services.codes_issue(question=motion, by=assembly.by)
        code, late = issued[0].code, issued[1].code
        yes = motion.choices.get(code="for").pk
    assert not world.home.is_public
    phone = Client()
    pages = [
        phone.get(f"{BASE}vote/"),
        phone.post(f"{BASE}vote/", {"code": "ZZZZZ-ZZZZZ"}),
        phone.post(f"{BASE}vote/", {"code": code}),
        phone.post(f"{BASE}vote/", {"code": code, "cast": "1", "choice": str(yes)}),
        phone.post(f"{BASE}vote/", {"code": code}),
    ]
    for page in pages:
        assert world.home.name not in page.content.decode()
    # A member with a code sees the meeting and the question, and votes.
    ballot = pages[2].content.decode()
    assert "Annual general assembly" in ballot and "Buy a van" in ballot
    assert "is recorded" in pages[3].content.decode()
    with scope(coop=world.home.pk):
        services.question_close(question=motion, by=assembly.by)
    closed = phone.post(f"{BASE}vote/", {"code": late})
    assert closed.status_code == 400
    assert "Voting on “<bdi>Buy a van</bdi>” is closed." in closed.content.decode()
    assert world.home.name not in closed.content.decode()
    # A cooperative listed publicly is named.
    world.home.is_public = True
    world.home.save()
    assert world.home.name in phone.get(f"{BASE}vote/").content.decode()


def test_members_see_the_attendance_register_names_only_where_the_statutes_say_so(assembly, world):
    with scope(coop=world.home.pk):
        meeting = assembly.open_meeting()
    other = world.elsewhere.person.full_name
    meeting_url = f"{BASE}meetings/{meeting.pk}/"
    minutes_url = f"{meeting_url}minutes/"
    for role in ("member", "facilitator", "treasurer", "auditor"):
        client = world.client(role)
        page = client.get(meeting_url).content.decode()
        assert other not in page, role
        assert "names-kept" in page and "<strong>10</strong> present" in page
        minutes = client.get(minutes_url).content.decode()
        assert other not in minutes and "10 members present" in minutes
    for role in ("manager", "board"):
        assert other in world.client(role).get(meeting_url).content.decode()
    # The manager changes the body's rules: from now on every member sees the names.
    body_url = f"{BASE}bodies/{assembly.assembly.pk}/"
    assert world.client("member").get(f"{body_url}edit/").status_code == 403
    form = world.client("manager").get(f"{body_url}edit/").context["form"]
    data = {
        name: value
        for name, value in ((f, form[f].value()) for f in form.fields)
        if value is not None and value is not False
    }
    response = world.client("manager").post(
        f"{body_url}edit/", data | {"members_see_names": "on"}, follow=True
    )
    assert "Every member sees the names." in response.content.decode()
    with scope(coop=world.home.pk):
        assembly.assembly.refresh_from_db()
        assert assembly.assembly.members_see_names
        assert assembly.assembly.notice_days == 14 and assembly.assembly.proxy_limit == 1
    assert other in world.client("member").get(meeting_url).content.decode()
