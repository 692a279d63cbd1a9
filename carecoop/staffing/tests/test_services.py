import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from carecoop.care import services as care
from carecoop.core.dates import add_months
from carecoop.staffing import selectors, services
from carecoop.staffing.models import CheckIn, RatioRuleSet, RosterEntry, Staff

pytestmark = pytest.mark.django_db


def test_rule_sets_are_loaded_by_the_migration_and_the_loader_is_idempotent(db):
    from carecoop.staffing.loader import rule_sets_load

    services.rule_sets_refresh()
    codes = set(RatioRuleSet.objects.values_list("code", flat=True))
    assert {"us-cfoc-4", "in-national-creche-2017", "br-mec-2006", "fi-weights-2018"} <= codes
    rule_sets_load(RatioRuleSet)
    assert RatioRuleSet.objects.count() == len(codes)


def test_staff_wage_is_kept_in_minor_units(staffed):
    staff = services.staff_create(
        coop=staffed.world.home,
        by=staffed.by,
        centre=staffed.centre,
        given_name="Meena",
        role="cook",
        employment="employed",
        started_on=staffed.today,
        hours_per_week=Decimal("22.5"),
        wage=Decimal("9500.50"),
        wage_currency="inr",
        wage_period="month",
    )
    assert staff.wage_minor == 950050 and staff.wage_currency == "INR"
    with pytest.raises(ValidationError):
        services.staff_update(
            staff=staff,
            by=staffed.by,
            wage=Decimal("1.234"),
            wage_currency="INR",
            wage_period="month",
        )
    with pytest.raises(ValidationError):
        services.staff_update(
            staff=staff, by=staffed.by, wage=Decimal(1), wage_currency="XYZ", wage_period="month"
        )
    assert Staff.objects.get(pk=staff.pk).history.count() == 1


def test_a_volunteer_need_not_be_a_member_nor_paid(staffed):
    staff = services.staff_create(
        coop=staffed.world.home,
        by=staffed.by,
        centre=staffed.centre,
        given_name="Ravi",
        role="helper",
        employment="volunteer",
        started_on=staffed.today,
    )
    assert staff.person is None and staff.wage_minor is None


def test_another_cooperatives_centre_is_refused(world, staffed):
    with pytest.raises(ValidationError):
        services.staff_create(
            coop=world.home,
            by=staffed.by,
            centre=world.other_centre,
            given_name="Zed",
            role="cook",
            started_on=staffed.today,
        )


def test_double_booking_is_refused_and_nothing_saved(staffed):
    monday = staffed.monday
    services.roster_entry_add(
        staff=staffed.asha,
        by=staffed.by,
        date=monday + datetime.timedelta(days=2),
        starts_at=datetime.time(11),
        ends_at=datetime.time(15),
    )
    with pytest.raises(ValidationError) as error:
        # Monday to Friday mornings: Wednesday 9-13 overlaps 11-15.
        services.roster_week_assign(
            staff=staffed.asha,
            by=staffed.by,
            shift=staffed.morning,
            week_start=monday,
            weekdays=[1, 2, 3, 4, 5],
        )
    assert error.value.messages == [
        "Asha Solanki is already on the roster from 11:00 to 15:00 that day."
    ]
    assert RosterEntry.objects.filter(staff=staffed.asha).count() == 1
    # Back to back is not an overlap.
    services.roster_entry_add(
        staff=staffed.asha,
        by=staffed.by,
        date=monday + datetime.timedelta(days=2),
        starts_at=datetime.time(9),
        ends_at=datetime.time(11),
    )
    assert RosterEntry.objects.filter(staff=staffed.asha).count() == 2


def test_roster_outside_opening_hours_is_refused(staffed):
    with pytest.raises(ValidationError) as error:
        services.roster_entry_add(
            staff=staffed.asha,
            by=staffed.by,
            date=staffed.monday,
            starts_at=datetime.time(8),
            ends_at=datetime.time(12),
        )
    assert "open from 09:00 to 17:00" in error.value.messages[0]
    saturday = staffed.monday + datetime.timedelta(days=5)
    with pytest.raises(ValidationError):
        services.roster_entry_add(
            staff=staffed.asha,
            by=staffed.by,
            date=saturday,
            starts_at=datetime.time(9),
            ends_at=datetime.time(12),
        )
    care.closure_add(
        centre=staffed.centre,
        by=staffed.by,
        starts_on=staffed.monday,
        ends_on=staffed.monday,
        reason="Holiday",
    )
    with pytest.raises(ValidationError):
        services.roster_entry_add(
            staff=staffed.asha,
            by=staffed.by,
            date=staffed.monday,
            starts_at=datetime.time(9),
            ends_at=datetime.time(12),
        )
    assert not RosterEntry.objects.exists()


def test_a_week_of_shifts_for_a_centre_open_from_seven_to_ten(staffed):
    centre = staffed.centre
    care.opening_week_set(
        centre=centre,
        by=staffed.by,
        days={d: (datetime.time(7), datetime.time(22)) for d in range(1, 6)},
    )
    shifts = [
        services.shift_template_create(
            centre=centre, by=staffed.by, name=name, starts_at=start, ends_at=end
        )
        for name, start, end in [
            ("Early", datetime.time(7), datetime.time(11)),
            ("Midday", datetime.time(11), datetime.time(15)),
            ("Afternoon", datetime.time(15), datetime.time(19)),
            ("Evening", datetime.time(19), datetime.time(22)),
        ]
    ]
    for shift in shifts:
        services.roster_week_assign(
            staff=staffed.carer(f"Carer {shift.name}"),
            by=staffed.by,
            shift=shift,
            week_start=staffed.monday,
            weekdays=[1, 2, 3, 4, 5],
        )
    assert RosterEntry.objects.filter(centre=centre).count() == 20


def test_training_due_every_three_months_and_overdue(staffed):
    today = staffed.today
    topic = services.training_topic_create(coop=staffed.world.home, by=staffed.by, name="First aid")
    assert topic.interval_months == 3
    recent = services.training_session_create(
        coop=staffed.world.home,
        by=staffed.by,
        title="First aid refresher",
        date=today - datetime.timedelta(days=30),
        topic=topic,
        centre=staffed.centre,
    )
    services.training_attendance_record(session=recent, by=staffed.by, staff=[staffed.asha])
    # Recording twice adds nobody.
    assert (
        services.training_attendance_record(session=recent, by=staffed.by, staff=[staffed.asha])
        == 0
    )
    access = _access(staffed)
    due = {d.staff.pk: d for d in selectors.training_due(access=access, on=today)}
    assert due[staffed.asha.pk].last == today - datetime.timedelta(days=30)
    assert due[staffed.asha.pk].due_on == add_months(today - datetime.timedelta(days=30), 3)
    assert not due[staffed.asha.pk].overdue
    # Bina never attended: due since she started, so overdue.
    assert due[staffed.bina.pk].last is None and due[staffed.bina.pk].overdue
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


def test_attendance_of_someone_from_another_centre_is_refused(world, staffed):
    topic = services.training_topic_create(coop=world.home, by=staffed.by, name="Nutrition")
    session = services.training_session_create(
        coop=world.home,
        by=staffed.by,
        title="Meals",
        date=staffed.today,
        topic=topic,
        centre=staffed.centre,
    )
    elsewhere = staffed.carer("Chetna", centre=world.centre2)
    with pytest.raises(ValidationError):
        services.training_attendance_record(session=session, by=staffed.by, staff=[elsewhere])


def test_check_in_and_out(staffed):
    checkin = services.checkin_record(
        staff=staffed.asha, by=staffed.by, date=staffed.today, in_at=datetime.time(8, 55)
    )
    with pytest.raises(ValidationError):
        services.checkin_record(
            staff=staffed.asha, by=staffed.by, date=staffed.today, in_at=datetime.time(9, 30)
        )
    services.checkout_record(checkin=checkin, by=staffed.by, out_at=datetime.time(13, 5))
    with pytest.raises(ValidationError):
        services.checkout_record(checkin=checkin, by=staffed.by, out_at=datetime.time(14))
    assert CheckIn.objects.get().out_at == datetime.time(13, 5)
    assert CheckIn.objects.get().history.count() == 2


def _access(staffed):
    from carecoop.core.permissions import Access

    return Access(user=staffed.by, org=staffed.world.home, roles=frozenset({"manager"}))


def test_scoped_queries_need_a_cooperative(world):
    from django_scopes.exceptions import ScopeError

    with pytest.raises(ScopeError):
        list(Staff.objects.all())
    with scope(coop=world.home.pk):
        assert list(Staff.objects.all()) == []
