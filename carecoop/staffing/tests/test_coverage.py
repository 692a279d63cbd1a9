import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carecoop.care import services as care
from carecoop.care.models import Attendance, Room
from carecoop.staffing import selectors, services

pytestmark = pytest.mark.django_db


def test_ten_infants_with_two_carers_is_a_legal_gap_from_nine_to_twelve(staffed):
    day = staffed.monday
    staffed.babies(10, day=day, start=datetime.time(9), end=datetime.time(12))
    for carer in (staffed.asha, staffed.bina):
        services.roster_entry_add(
            staff=carer,
            by=staffed.by,
            date=day,
            starts_at=datetime.time(9),
            ends_at=datetime.time(13),
            room=staffed.room,
        )
    result = selectors.coverage(centre=staffed.centre, days=[day])
    (today,) = result.days
    assert today.slots[0] == datetime.time(9) and today.slots[-1] == datetime.time(16, 30)
    room_row, centre_row = today.rows
    assert room_row.room == staffed.room and centre_row.room is None
    gaps = [c.starts_at for c in room_row.cells if c.status == "legal"]
    assert gaps == [datetime.time(h, m) for h in (9, 10, 11) for m in (0, 30)]
    nine = room_row.cells[0]
    assert (nine.expected, nine.required, nine.rostered) == (10, 4, 2)
    assert nine.over_group  # 10 infants: larger than the US group of 6.
    assert room_row.cells[6].status == "ok"  # 12:00: the babies have gone home.
    assert room_row.worst is not None and room_row.worst.starts_at == datetime.time(9)
    assert room_row.gaps == 6


def test_a_target_stricter_than_the_law_is_flagged_apart(staffed):
    day = staffed.monday
    services.centre_staffing_set(
        centre=staffed.centre,
        by=staffed.by,
        legal_rule_set=staffed.india,
        target_rule_set=staffed.us,
    )
    staffed.babies(5, day=day, start=datetime.time(9), end=datetime.time(10))
    services.roster_entry_add(
        staff=staffed.asha,
        by=staffed.by,
        date=day,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10),
        room=staffed.room,
    )
    cell = selectors.coverage(centre=staffed.centre, days=[day]).days[0].rows[0].cells[0]
    assert (cell.required, cell.required_target, cell.status) == (1, 2, "target")


def test_usual_days_bookings_without_times_and_attendance(staffed, world):
    day = staffed.monday
    # Booked with no time yet: expected all day.
    staffed.babies(1, day=day)
    # No booking: expected on the enrolment's usual days.
    (usual,) = staffed.babies(1, day=day - datetime.timedelta(days=7))
    usual.enrolments.update(days="12345")
    # Present though not expected: counted from check-in to check-out.
    (walk_in,) = staffed.babies(1, day=day - datetime.timedelta(days=14))
    Attendance.objects.create(
        coop=world.home,
        child=walk_in,
        centre=staffed.centre,
        date=day,
        checked_in_at=datetime.time(14),
        checked_out_at=datetime.time(15),
    )
    # A check-in with no room counts for the whole centre only.
    services.checkin_record(staff=staffed.asha, by=staffed.by, date=day, in_at=datetime.time(9))
    row, centre_row = selectors.coverage(centre=staffed.centre, days=[day]).days[0].rows
    assert [c.expected for c in row.cells[:2]] == [2, 2]
    fourteen = row.cells[10]
    assert fourteen.starts_at == datetime.time(14)
    assert (fourteen.expected, fourteen.present_children, fourteen.required) == (2, 1, 1)
    assert row.cells[0].present_staff == 0 and centre_row.cells[0].present_staff == 1


def test_hours_for_agrees_with_hours_on(staffed):
    centre = staffed.centre
    days = [staffed.monday + datetime.timedelta(days=i) for i in range(14)]
    assert selectors.hours_for(centre, days) == {d: care.hours_on(centre, d) for d in days}
    care.opening_week_set(
        centre=centre,
        by=staffed.by,
        days={
            1: (datetime.time(7), datetime.time(22)),
            6: (datetime.time(7), datetime.time(13)),
        },
    )
    care.closure_add(
        centre=centre, by=staffed.by, starts_on=days[7], ends_on=days[8], reason="Carnaval"
    )
    assert selectors.hours_for(centre, days) == {d: care.hours_on(centre, d) for d in days}
    week = selectors.coverage(centre=centre, days=days[:7]).days
    assert [bool(d.hours) for d in week] == [True, False, False, False, False, True, False]
    assert len(week[0].slots) == 30  # 7:00-22:00 in half-hours.


def _grow(staffed, rooms: int, children: int):
    day = staffed.monday
    staffed.centre.licensed_capacity = 1000
    staffed.centre.save()
    for r in range(rooms):
        room = Room.objects.create(
            coop=staffed.world.home,
            centre=staffed.centre,
            name=f"Room {r}-{Room.objects.count()}",
            min_age_months=0,
            max_age_months=72,
            capacity=50,
        )
        staffed.babies(children, day=day, start=datetime.time(9), end=datetime.time(15), room=room)
        carer = staffed.carer(f"Carer {room.pk}")
        services.roster_entry_add(
            staff=carer,
            by=staffed.by,
            date=day,
            starts_at=datetime.time(9),
            ends_at=datetime.time(15),
            room=room,
        )
        services.checkin_record(staff=carer, by=staffed.by, date=day, in_at=datetime.time(9))


def test_the_week_view_query_count_does_not_grow_with_rooms_or_children(staffed, world):
    client = world.client("manager")
    url = f"/c/home-coop/staff/centres/{staffed.centre.pk}/week/?week={staffed.monday.isoformat()}"
    _grow(staffed, 1, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(staffed, 3, 12)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large) == len(small) <= 20
    day_url = (
        f"/c/home-coop/staff/centres/{staffed.centre.pk}/day/?date={staffed.monday.isoformat()}"
    )
    with CaptureQueriesContext(connection) as day:
        assert client.get(day_url).status_code == 200
    assert len(day) <= 20
