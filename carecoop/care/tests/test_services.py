import datetime
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from carecoop.care import attendance, services
from carecoop.care.models import Application, Attendance, Enrolment, SyncOperation
from carecoop.core.lookups import OneOf
from carecoop.members.models import Person
from carecoop.testing import make_child

pytestmark = pytest.mark.django_db


def test_rooms_and_pools_never_exceed_the_licence(creche):
    with pytest.raises(ValidationError) as error:
        services.room_create(
            centre=creche.centre,
            by=creche.by,
            name="More",
            min_age_months=0,
            max_age_months=72,
            capacity=1,
        )
    assert "licensed for 6" in str(error.value)
    with pytest.raises(ValidationError):
        services.pool_create(centre=creche.centre, by=creche.by, name="Extra", places=1)


def test_a_child_older_than_the_room_is_refused(creche):
    with pytest.raises(ValidationError) as error:
        creche.enrol(child=creche.child, room=creche.babies)
    assert "Babies takes children from 0 to 23 months" in str(error.value)
    assert not Enrolment.objects.exists()


def test_a_full_room_refuses_the_next_child(creche):
    creche.enrol(child=creche.baby, room=creche.babies)
    other_baby = make_child(creche.parent, "Jiya", creche.today - datetime.timedelta(days=100))
    third = make_child(creche.parent, "Mahi", creche.today - datetime.timedelta(days=90))
    creche.enrol(child=other_baby, room=creche.babies)
    with pytest.raises(ValidationError) as error:
        creche.enrol(child=third, room=creche.babies)
    assert "Babies is full" in str(error.value)


def test_application_for_a_child_too_old_for_the_centre_is_refused(creche):
    old = make_child(creche.parent, "Yash", creche.today - datetime.timedelta(days=365 * 7))
    with pytest.raises(ValidationError) as error:
        services.application_submit(
            child=old, centre=creche.centre, by=creche.by, wanted_from=creche.today
        )
    assert "this centre takes children from 0 to 72 months" in str(error.value)


def test_waitlist_explains_and_allocation_offers_then_enrols(creche):
    services.application_submit(
        child=creche.neighbour_child,
        centre=creche.centre,
        by=creche.by,
        wanted_from=creche.today,
        applied_on=creche.today - datetime.timedelta(days=200),
    )
    services.application_submit(
        child=creche.child,
        centre=creche.centre,
        by=creche.by,
        wanted_from=creche.today,
        applied_on=creche.today - datetime.timedelta(days=10),
    )
    ranked = services.waitlist(creche.centre, creche.today)
    # The member's child leads despite applying later: 10 points against 6 months of waiting.
    assert ranked[0].candidate.id == Application.objects.get(child=creche.child).pk
    assert any("active member" in reason for reason in ranked[0].reasons)
    assert any("Waiting for 6 months" in reason for reason in ranked[1].reasons)

    result = services.places_allocate(centre=creche.centre, by=creche.by, on=creche.today)
    assert result.offered == 2
    mine = Application.objects.get(child=creche.child)
    theirs = Application.objects.get(child=creche.neighbour_child)
    assert mine.offered_pool == creche.members_pool and theirs.offered_pool == creche.community_pool
    # Allocating again offers nothing more: the places are held by the open offers.
    assert (
        services.places_allocate(centre=creche.centre, by=creche.by, on=creche.today).offered == 0
    )

    services.offer_answer(application=mine, by=creche.by, accept=True)
    enrolment = Enrolment.objects.get(child=creche.child)
    assert enrolment.room == creche.toddlers and enrolment.pool == creche.members_pool


def test_offers_expire_and_the_place_goes_back(creche):
    services.application_submit(
        child=creche.child, centre=creche.centre, by=creche.by, wanted_from=creche.today
    )
    services.places_allocate(centre=creche.centre, by=creche.by, on=creche.today, offer_days=3)
    later = creche.today + datetime.timedelta(days=10)
    result = services.places_allocate(centre=creche.centre, by=creche.by, on=later)
    assert result.expired == 1
    assert Application.objects.get(child=creche.child).status == "expired"
    # Expiring again changes nothing.
    assert services.offers_expire(centre=creche.centre, on=later) == 0


def test_booking_outside_opening_hours_or_on_a_closure_is_refused(creche):
    enrolment = creche.enrol()
    monday = creche.today + datetime.timedelta(days=7 - creche.today.weekday())
    with pytest.raises(ValidationError) as error:
        services.booking_set(
            enrolment=enrolment,
            by=creche.by,
            date=monday,
            starts_at=datetime.time(7),
            ends_at=datetime.time(12),
        )
    assert "open from 09:00 to 17:00" in str(error.value)
    services.closure_add(
        centre=creche.centre, by=creche.by, starts_on=monday, ends_on=monday, reason="Holiday"
    )
    with pytest.raises(ValidationError) as error:
        services.booking_set(enrolment=enrolment, by=creche.by, date=monday)
    assert "closed" in str(error.value)
    tuesday = monday + datetime.timedelta(days=1)
    booking = services.booking_set(enrolment=enrolment, by=creche.by, date=tuesday)
    assert not booking.time_known  # Shift not yet known: the day is booked, the hours later.
    booking = services.booking_set(
        enrolment=enrolment,
        by=creche.by,
        date=tuesday,
        starts_at=datetime.time(9),
        ends_at=datetime.time(16),
    )
    assert booking.time_known


def test_long_days_follow_the_centre_hours(creche):
    enrolment = creche.enrol()
    for weekday in range(1, 6):
        services.opening_hours_set(
            centre=creche.centre,
            by=creche.by,
            weekday=weekday,
            opens_at=datetime.time(7),
            closes_at=datetime.time(22),
        )
    monday = creche.today + datetime.timedelta(days=7 - creche.today.weekday())
    booking = services.booking_set(
        enrolment=enrolment,
        by=creche.by,
        date=monday,
        starts_at=datetime.time(14),
        ends_at=datetime.time(21, 30),
    )
    assert booking.ends_at == datetime.time(21, 30)
    saturday = monday + datetime.timedelta(days=5)
    with pytest.raises(ValidationError):
        services.booking_set(enrolment=enrolment, by=creche.by, date=saturday)


def test_pick_up_by_someone_not_authorised_is_refused_unless_overridden(creche):
    creche.enrol()
    day = creche.today
    attendance.attendance_check_in(
        child=creche.child, centre=creche.centre, by=creche.by, date=day, at=datetime.time(9)
    )
    with pytest.raises(ValidationError) as error:
        attendance.attendance_check_out(
            child=creche.child,
            centre=creche.centre,
            by=creche.by,
            date=day,
            at=datetime.time(16),
            collector="other",
            collector_name="Unknown man",
        )
    assert "not authorised" in str(error.value)
    assert Attendance.objects.get(child=creche.child).checked_out_at is None
    record = attendance.attendance_check_out(
        child=creche.child,
        centre=creche.centre,
        by=creche.by,
        date=day,
        at=datetime.time(16),
        collector="other",
        collector_name="Uncle Ramesh",
        override="Mother phoned the centre",
    )
    assert record.collection_override == "Mother phoned the centre"
    assert record.history.count() >= 2
    page = creche.world.client("manager").get(f"/c/home-coop/centres/{creche.centre.pk}/")
    assert (
        "Uncle Ramesh" in page.content.decode()
        and "Mother phoned the centre" in page.content.decode()
    )


def test_a_guardian_or_authorised_person_collects(creche):
    creche.enrol()
    collector = services.collector_add(
        child=creche.child, by=creche.by, name="Grandmother Lata", relation="grandmother"
    )
    allowed = attendance.authorised_collectors(creche.child, creche.today)
    assert f"g:{creche.parent.pk}" in allowed and f"c:{collector.pk}" in allowed
    attendance.attendance_check_in(
        child=creche.child,
        centre=creche.centre,
        by=creche.by,
        date=creche.today,
        at=datetime.time(9),
    )
    record = attendance.attendance_check_out(
        child=creche.child,
        centre=creche.centre,
        by=creche.by,
        date=creche.today,
        at=datetime.time(17),
        collector=f"c:{collector.pk}",
    )
    assert record.collected_by.startswith("Grandmother Lata") and not record.collection_override


def ops(creche, day):
    child, centre = creche.child.pk, creche.centre.pk
    return [
        {
            "op_id": str(uuid.uuid4()),
            "kind": "check_in",
            "child": child,
            "centre": centre,
            "date": day,
            "time": "09:05",
        },
        {
            "op_id": str(uuid.uuid4()),
            "kind": "check_out",
            "child": child,
            "centre": centre,
            "date": day,
            "time": "16:40",
            "collector": f"g:{creche.parent.pk}",
        },
    ]


def test_a_replayed_batch_is_applied_once(creche):
    creche.enrol()
    batch = ops(creche, creche.today.isoformat())
    first = attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=batch
    )
    second = attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=batch
    )
    assert [r.status for r in first] == ["applied", "applied"]
    assert [r.status for r in second] == ["duplicate", "duplicate"]
    assert Attendance.objects.count() == 1 and SyncOperation.objects.count() == 2
    record = Attendance.objects.get()
    assert (record.checked_in_at, record.checked_out_at) == (
        datetime.time(9, 5),
        datetime.time(16, 40),
    )


def test_a_batch_out_of_order_gives_the_same_day(creche):
    creche.enrol()
    batch = ops(creche, creche.today.isoformat())
    results = attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=batch[::-1]
    )
    assert [r.status for r in results] == ["applied", "applied"]
    record = Attendance.objects.get()
    assert (record.checked_in_at, record.checked_out_at) == (
        datetime.time(9, 5),
        datetime.time(16, 40),
    )


def test_a_tampered_or_foreign_batch_changes_nothing(creche):
    creche.enrol()
    batch = ops(creche, creche.today.isoformat())
    attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=batch[:1]
    )
    tampered = [{**batch[0], "time": "06:00"}]
    result = attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=tampered
    )
    assert result[0].status == "conflict"
    foreign = [{**batch[1], "op_id": str(uuid.uuid4()), "centre": creche.world.centre2.pk}]
    result = attendance.sync_apply(
        coop=creche.world.home,
        by=creche.by,
        centre_ids=frozenset({creche.world.centre2.pk + 999}),
        operations=foreign,
    )
    assert result[0].status == "rejected"
    malformed = [{"op_id": "not-a-uuid", "kind": "check_in"}, {"kind": "explode"}, "junk"]
    result = attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=malformed
    )
    assert [r.status for r in result] == ["rejected"] * 3
    record = Attendance.objects.get()
    assert record.checked_in_at == datetime.time(9, 5) and record.checked_out_at is None


def test_a_second_arrival_time_for_the_same_day_is_a_conflict(creche):
    creche.enrol()
    day = creche.today.isoformat()
    first = ops(creche, day)[:1]
    again = [{**first[0], "op_id": str(uuid.uuid4()), "time": "10:30"}]
    attendance.sync_apply(coop=creche.world.home, by=creche.by, centre_ids=None, operations=first)
    result = attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=again
    )
    assert result[0].status == "conflict" and "09:05" in result[0].message
    assert Attendance.objects.get().checked_in_at == datetime.time(9, 5)


def test_the_nightly_allocation_is_safe_to_run_twice(creche):
    from django.core.management import call_command

    services.application_submit(
        child=creche.child, centre=creche.centre, by=creche.by, wanted_from=creche.today
    )
    out = io.StringIO()
    call_command("care_allocate", stdout=out)
    call_command("care_allocate", stdout=out)
    assert "home-coop: 1 offered" in out.getvalue() and "home-coop: 0 offered" in out.getvalue()
    assert Application.objects.get(child=creche.child).status == "offered"
    assert Application.objects.filter(status="offered").count() == 1


def test_the_same_operation_twice_in_one_batch_counts_once(creche):
    creche.enrol()
    arrival = ops(creche, creche.today.isoformat())[0]
    changed = {**arrival, "time": "10:00"}
    results = attendance.sync_apply(
        coop=creche.world.home,
        by=creche.by,
        centre_ids=None,
        operations=[arrival, arrival, changed],
    )
    assert [r.status for r in results] == ["applied", "duplicate", "conflict"]
    assert "different content" in results[2].message
    assert SyncOperation.objects.count() == 1
    assert Attendance.objects.get().checked_in_at == datetime.time(9, 5)


def test_a_batch_mixing_valid_and_invalid_operations_applies_the_valid_ones(creche):
    creche.enrol()
    day = creche.today.isoformat()
    arrival, departure = ops(creche, day)
    future = {**arrival, "op_id": str(uuid.uuid4()), "date": "2999-01-01"}
    not_enrolled = {**arrival, "op_id": str(uuid.uuid4()), "child": creche.baby.pk}
    stranger = {**departure, "op_id": str(uuid.uuid4()), "collector": "nobody"}
    results = attendance.sync_apply(
        coop=creche.world.home,
        by=creche.by,
        centre_ids=None,
        operations=[arrival, future, not_enrolled, "junk", stranger, departure],
    )
    assert [r.status for r in results] == [
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "applied",
    ]
    assert "date" in results[1].message and "not come yet" in results[1].message
    assert "not enrolled here" in results[2].message
    assert "incomplete or malformed" in results[3].message
    assert "Say who collected the child" in results[4].message
    record = Attendance.objects.get()
    assert (record.checked_in_at, record.checked_out_at) == (
        datetime.time(9, 5),
        datetime.time(16, 40),
    )
    # An operation read and judged is logged once with its answer; one its fields refuse is not
    # (the phone may send it again, corrected). The history keeps the day.
    assert sorted(SyncOperation.objects.values_list("status", flat=True)) == [
        "applied",
        "applied",
        "rejected",
        "rejected",
    ]
    assert [h.history_type for h in record.history.order_by("history_id")] == ["+"]
    assert record.history.get().history_user == creche.by


def test_another_cooperatives_child_or_centre_is_not_recorded(creche):
    world = creche.world
    creche.enrol()
    arrival = ops(creche, creche.today.isoformat())[0]
    foreign_child = {**arrival, "op_id": str(uuid.uuid4()), "child": world.other_child.pk}
    foreign_centre = {**arrival, "op_id": str(uuid.uuid4()), "centre": world.other_centre.pk}
    results = attendance.sync_apply(
        coop=world.home, by=creche.by, centre_ids=None, operations=[foreign_child, foreign_centre]
    )
    assert [r.status for r in results] == ["rejected", "rejected"]
    assert all("not yours to record" in r.message for r in results)
    assert not Attendance.objects.exists()


def test_a_resent_batch_answers_what_it_answered_and_writes_nothing(creche):
    creche.enrol()
    arrival, departure = ops(creche, creche.today.isoformat())
    late = {**departure, "op_id": str(uuid.uuid4()), "time": "08:00"}
    batch = [arrival, late, departure]
    first = attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=batch
    )
    assert [r.status for r in first] == ["applied", "conflict", "applied"]
    rows = Attendance.history.count(), SyncOperation.objects.count()
    again = attendance.sync_apply(
        coop=creche.world.home, by=creche.by, centre_ids=None, operations=batch
    )
    assert [r.status for r in again] == ["duplicate"] * 3
    assert again[1].message == first[1].message
    assert (Attendance.history.count(), SyncOperation.objects.count()) == rows


def test_a_departure_synced_later_updates_the_day_and_its_history(creche):
    creche.enrol()
    arrival, departure = ops(creche, creche.today.isoformat())
    home = creche.world.home
    first = attendance.sync_apply(coop=home, by=creche.by, centre_ids=None, operations=[arrival])
    later = attendance.sync_apply(coop=home, by=creche.by, centre_ids=None, operations=[departure])
    assert [r.status for r in first + later] == ["applied", "applied"]
    record = Attendance.objects.get()
    assert (record.checked_in_at, record.checked_out_at) == (
        datetime.time(9, 5),
        datetime.time(16, 40),
    )
    assert record.collected_by == f"{creche.parent.given_name} {creche.parent.family_name}"
    history = list(record.history.order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert [h.history_user for h in history] == [creche.by, creche.by]
    assert (history[0].checked_out_at, history[1].checked_out_at) == (None, datetime.time(16, 40))
    assert history[1].collected_by == record.collected_by and history[1].coop_id == home.pk


def test_a_batch_reads_its_lists_each_as_one_parameter(creche):
    """However many children, days and operations a batch holds, each list goes to the database
    as one parameter; and the lookup finds what an ``__in`` filter finds."""

    def read_parameters(children: list) -> list[int]:
        counts: list[int] = []

        def count(execute, sql, params, many, context):
            if sql.startswith("SELECT"):
                counts.append(len(params or ()))
            return execute(sql, params, many, context)

        batch = [
            {**ops(creche, creche.today.isoformat())[0], "child": child.pk} for child in children
        ]
        with connection.execute_wrapper(count):
            attendance.sync_apply(
                coop=creche.world.home, by=creche.by, centre_ids=None, operations=batch
            )
        return counts

    creche.enrol()
    creche.enrol(child=creche.baby, room=creche.babies)
    one = read_parameters([creche.child])
    # A new day, the same day again, and a child not enrolled: the same reads, and a new day's
    # key taken from the sequence on PostgreSQL as before.
    three = read_parameters([creche.baby, creche.child, creche.neighbour_child])
    assert len(one) >= 5 and one == three
    children = [creche.child.pk, creche.baby.pk, creche.world.other_child.pk, 10**9]
    assert set(Person.objects.filter(OneOf("pk", children)).values_list("pk", flat=True)) == set(
        Person.objects.filter(pk__in=children).values_list("pk", flat=True)
    )
    logged = list(SyncOperation.objects.values_list("op_id", flat=True))
    assert list(
        SyncOperation.objects.filter(OneOf("op_id", [logged[0], uuid.uuid4()])).values_list(
            "op_id", flat=True
        )
    ) == [logged[0]]
    days = [creche.today, creche.today - datetime.timedelta(days=1)]
    assert Attendance.objects.filter(OneOf("date", days)).count() == 2
    assert not Attendance.objects.filter(OneOf("date", [])).exists()


def test_the_sync_reader_cleans_ids_and_numbers_as_the_form_fields_do():
    """The reader's shortcuts for an operation's id and its child give what the fields give, and
    leave every other value to the fields (which refuse what they refuse)."""
    from carecoop.care.forms import SyncOperationForm

    read = SyncOperationForm.reader()
    fields = SyncOperationForm.base_fields
    good = {"kind": "absent", "child": 7, "centre": 3, "date": "2026-12-01", "reason": "ill"}
    ids = [
        str(uuid.uuid4()),
        str(uuid.uuid4()).upper(),
        uuid.uuid4().hex,
        f" {uuid.uuid4()} ",
        "{" + str(uuid.uuid4()) + "}",
        "urn:uuid:" + str(uuid.uuid4()),
        "not-a-uuid",
        "",
        12,
    ]
    numbers = [1, 7, 2**63 - 1, 2**63, 0, -1, "5", " 5 ", "5.0", "x", "", None]
    for op_id in ids:
        for child in numbers:
            data = {**good, "op_id": op_id, "child": child}
            try:
                expected = (fields["op_id"].clean(op_id), fields["child"].clean(child))
            except ValidationError:
                expected = None
            cleaned = read(data)
            got = None if cleaned is None else (cleaned["op_id"], cleaned["child"])
            assert got == expected, (op_id, child)
            if got is not None:
                assert type(got[0]) is uuid.UUID and type(got[1]) is int
