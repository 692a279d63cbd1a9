"""Writes a database sharded by cooperative (Citus) can route: a row is updated where its
cooperative and its id say, and its cooperative is never written again."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from carecoop.members.models import Person
from carecoop.staffing.tests.factories import StaffFactory


def _updates(captured, table):
    return [q["sql"] for q in captured if q["sql"].startswith(f'UPDATE "{table}"')]


def test_saving_a_row_updates_it_by_cooperative_and_id_and_never_sets_its_cooperative(db):
    staff = StaffFactory.create(hours_per_week=20)
    staff.hours_per_week = 30
    with CaptureQueriesContext(connection) as captured:
        staff.save()
    (sql,) = _updates(captured, "staffing_staff")
    assert '"coop_id"' not in sql.split(" WHERE ")[0]
    where = sql.split(" WHERE ")[1]
    assert '"staffing_staff"."coop_id" = ' in where and '"staffing_staff"."id" = ' in where
    staff.refresh_from_db()
    assert staff.hours_per_week == 30


def test_only_the_fields_named_are_written_and_the_cooperative_alone_writes_nothing(db):
    staff = StaffFactory.create(hours_per_week=20)
    with CaptureQueriesContext(connection) as captured:
        staff.save(update_fields=["hours_per_week"])
        staff.save(update_fields=["coop"])
    assert len(_updates(captured, "staffing_staff")) == 1


def test_a_row_set_to_another_cooperative_is_refused_not_moved(world):
    person = Person._base_manager.get(pk=world.person.pk)
    person.coop = world.other
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()
    assert Person._base_manager.get(pk=person.pk).coop_id == world.home.pk
