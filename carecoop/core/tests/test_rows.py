"""Many new rows written at once (``core.rows``): each field a row does not name takes its
default, and a default made by a function is made again for each row."""

import pytest
from django_scopes import scope

from carecoop.core.rows import new_ids, rows_insert
from carecoop.governance.models import BallotEntry
from carecoop.governance.tests.factories import QuestionFactory
from carecoop.members.models import Household

pytestmark = pytest.mark.django_db


def test_a_default_made_by_a_function_is_made_for_each_row(world):
    question = QuestionFactory(meeting__body__coop=world.home)
    columns = ["coop_id", "question_id", "member_class_id"]
    row = (world.home.pk, question.pk, world.member_class.pk)
    assert rows_insert(BallotEntry, columns, [row, row, row]) == 3
    with scope(coop=world.home.pk):
        entries = list(BallotEntry.objects.filter(question=question))
    assert len({e.pk for e in entries}) == 3 and len({e.ballot for e in entries}) == 3


def test_ids_drawn_first_are_the_rows_ids_and_no_one_else_s(world):
    ids = new_ids(Household, 2)
    assert ids == sorted(ids) and len(set(ids)) == 2
    rows_insert(Household, ["id", "coop_id", "name"], [(i, world.home.pk, f"H{i}") for i in ids])
    with scope(coop=world.home.pk):
        assert set(Household.objects.filter(pk__in=ids).values_list("name", flat=True)) == {
            f"H{i}" for i in ids
        }
        later = Household.objects.create(coop=world.home, name="After")
    assert later.pk > max(ids)
