"""Recording many members present at once: ticked in a search, or typed by member number from
the signed register. All or nothing, by member number, each member once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from carecoop.governance import forms, selectors, services
from carecoop.governance.models import Attendee, Presence
from carecoop.members.models import Membership

pytestmark = pytest.mark.django_db

BASE = "/c/home-coop/governance/"


def present(meeting) -> set[int]:
    return set(
        Attendee.objects.filter(meeting=meeting, presence=Presence.PRESENT).values_list(
            "membership_id", flat=True
        )
    )


def test_numbers_typed_are_recorded_present_once(assembly):
    meeting = assembly.meeting()
    first, second, third = assembly.parents[:3]
    result = services.attendance_record_present(
        meeting=meeting, by=assembly.by, numbers=[first.number, second.number]
    )
    assert [a.membership_id for a in result.recorded] == [first.pk, second.pk]
    assert result.already == []
    # Sent again with one more: the two are left as they were, the third is recorded.
    again = services.attendance_record_present(
        meeting=meeting, by=assembly.by, numbers=[second.number, first.number, third.number]
    )
    assert [a.membership_id for a in again.recorded] == [third.pk]
    assert again.already == [first.number, second.number]
    assert Attendee.objects.filter(meeting=meeting).count() == 3
    assert present(meeting) == {first.pk, second.pk, third.pk}
    # Each new line has its history row, written by the clerk.
    history = Attendee.history.filter(meeting_id=meeting.pk)
    assert history.count() == 3 and {h.history_user for h in history} == {assembly.by}


def test_one_refused_line_records_nothing_and_every_refusal_is_named(assembly, world):
    meeting = assembly.meeting()
    ok = assembly.parents[0]
    excused = assembly.parents[1]
    services.attendance_record(
        meeting=meeting, by=assembly.by, membership=excused, presence="excused"
    )
    with scopes_disabled():
        Membership.objects.filter(coop_id=world.other.pk, pk=world.other_membership.pk).update(
            number="77077"
        )
    with pytest.raises(ValidationError) as refused:
        services.attendance_record_present(
            meeting=meeting,
            by=assembly.by,
            numbers=[ok.number, "1234", assembly.supporter.number, excused.number, "77077"],
        )
    messages = refused.value.messages
    assert "Number 1234: no such member." in messages
    # Another cooperative's member number is no member here.
    assert "Number 77077: no such member." in messages
    assert any(
        m.startswith(f"Number {assembly.supporter.number}, ")
        and "cannot take part in this meeting" in m
        for m in messages
    )
    assert any(
        m.startswith(f"Number {excused.number}, ") and "already recorded as excused" in m
        for m in messages
    )
    assert len(messages) == 4
    assert present(meeting) == set()
    assert Attendee.objects.filter(meeting=meeting).count() == 1


def test_a_member_of_another_cooperative_cannot_be_ticked(assembly, world):
    meeting = assembly.meeting()
    with pytest.raises(ValidationError, match="another cooperative"):
        services.attendance_record_present(
            meeting=meeting, by=assembly.by, memberships=[world.other_membership]
        )
    assert not Attendee.objects.filter(meeting=meeting).exists()


def test_a_board_meeting_takes_only_its_office_holders(assembly):
    holder, other = assembly.parents[:2]
    services.term_create(
        body=assembly.board,
        by=assembly.by,
        membership=holder,
        starts_on=assembly.today,
        seat_class=assembly.parents_class,
    )
    meeting = assembly.meeting(body=assembly.board)
    with pytest.raises(ValidationError, match="hold no seat on Board"):
        services.attendance_record_present(
            meeting=meeting, by=assembly.by, memberships=[holder, other]
        )
    services.attendance_record_present(meeting=meeting, by=assembly.by, memberships=[holder])
    assert present(meeting) == {holder.pk}


def test_a_closed_meeting_takes_nobody(assembly):
    meeting = assembly.open_meeting()
    services.meeting_close(meeting=meeting, by=assembly.by)
    with pytest.raises(ValidationError, match="over"):
        services.attendance_record_present(
            meeting=meeting, by=assembly.by, numbers=[assembly.supporter.number]
        )


def test_the_queries_do_not_grow_with_the_members_recorded(assembly):
    def queries(members: list[Membership]) -> int:
        meeting = assembly.meeting()
        with CaptureQueriesContext(connection) as captured:
            services.attendance_record_present(
                meeting=meeting, by=assembly.by, numbers=[m.number for m in members]
            )
        assert present(meeting) == {m.pk for m in members}
        return len(captured)

    assert queries(assembly.voters[:2]) == queries(assembly.voters)


def test_numbers_are_read_whatever_separates_them():
    form = forms.MemberNumbersForm({"numbers": " 12, 7\n7;  101\r\n12 3 "})
    assert form.is_valid()
    assert form.cleaned_data["numbers"] == ["12", "7", "101", "3"]
    assert not forms.MemberNumbersForm({"numbers": " ,, \n"}).is_valid()


def test_search_ticks_and_records_from_the_meeting_page(assembly, world):
    client = world.client("manager")
    with scope(coop=world.home.pk):
        meeting = assembly.meeting()
        recorded, one, two = assembly.parents[:3]
        services.attendance_record(
            meeting=meeting, by=assembly.by, membership=recorded, presence="present"
        )
    url = f"{BASE}meetings/{meeting.pk}/"
    page = client.get(url, {"find-q": recorded.person.family_name}).content.decode()
    assert f'name="members" value="{recorded.pk}"' not in page
    found = client.get(url, {"find-q": one.number}).content.decode()
    assert f'name="members" value="{one.pk}"' in found
    response = client.post(
        url + "attendance/present/",
        {"members": [one.pk, two.pk], "find-q": one.number},
        follow=True,
    )
    text = response.content.decode()
    assert "2 members recorded present." in text
    assert response.redirect_chain[-1][0].endswith(f"?find-q={one.number}#present-many")
    with scope(coop=world.home.pk):
        assert present(meeting) == {recorded.pk, one.pk, two.pk}
    again = client.post(url + "attendance/present/", {"members": [one.pk]}, follow=True)
    assert (
        f"Number {one.number} was already recorded present." in again.content.decode()
        and "0 members" not in again.content.decode()
    )
    nothing = client.post(url + "attendance/present/", {}, follow=True)
    assert "Tick at least one member." in nothing.content.decode()
    # A member of another cooperative is not a choice.
    client.post(url + "attendance/present/", {"members": [world.other_membership.pk]})
    with scopes_disabled():
        assert not Attendee.objects.filter(membership=world.other_membership).exists()
    assert world.client("member").post(url + "attendance/present/", {}).status_code == 403


def test_the_printed_register_lists_the_entitled_a_page_at_a_time(assembly, world, monkeypatch):
    monkeypatch.setattr(selectors, "REGISTER_PRINT_PAGE", 4)
    client = world.client("manager")
    with scope(coop=world.home.pk):
        meeting = assembly.meeting()
    url = f"{BASE}meetings/{meeting.pk}/register/"
    first = client.get(url).content.decode()
    assert "10 members entitled to attend." in first and "Page 1 of 3" in first
    with scope(coop=world.home.pk):
        numbers = sorted((m.number for m in assembly.voters), key=lambda n: (len(n), n))
    for number in numbers[:4]:
        assert f"<td><bdi>{number}</bdi></td>" in first
    assert f"<td><bdi>{numbers[4]}</bdi></td>" not in first
    last = client.get(url, {"page": 3}).content.decode()
    assert f"<td><bdi>{numbers[-1]}</bdi></td>" in last
    # The supporter may not vote and is not on the register.
    assert assembly.supporter.person.family_name not in first + last
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"page": 1})
    monkeypatch.setattr(selectors, "REGISTER_PRINT_PAGE", 8)
    with CaptureQueriesContext(connection) as large:
        client.get(url, {"page": 1})
    assert len(small) == len(large)
    assert world.client("member").get(url).status_code == 403


def test_numbers_typed_on_the_register_page(assembly, world):
    client = world.client("manager")
    with scope(coop=world.home.pk):
        meeting = assembly.meeting()
        a, b = assembly.parents[:2]
    url = f"{BASE}meetings/{meeting.pk}/register/"
    refused = client.post(url, {"numbers": f"{a.number}, 9999\n{b.number}"})
    assert refused.status_code == 200
    assert "Number 9999: no such member." in refused.content.decode()
    with scope(coop=world.home.pk):
        assert present(meeting) == set()
    done = client.post(url, {"numbers": f"{a.number}, {b.number}"}, follow=True)
    assert "2 members recorded present." in done.content.decode()
    with scope(coop=world.home.pk):
        assert present(meeting) == {a.pk, b.pk}
