"""Check constraints validated together say what each says alone, in fewer queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from carecoop.staffing.tests.factories import StaffFactory

# A row is validated as a service validates it, in its cooperative's scope; here every scope at
# once, for the unique reference that Staff also has.
pytestmark = pytest.mark.usefixtures("_every_scope")


@pytest.fixture
def _every_scope():
    with scopes_disabled():
        yield


START = datetime.date(2025, 1, 1)
# Staff has three check constraints: dates in order, hours within 0-80, a wage with its currency
# (and a unique reference, left out where queries are counted).
DATES, HOURS, WAGE = "dates", "hours", "wage"
BEFORE = START - datetime.timedelta(days=1)
CASES = [
    ({}, set()),
    ({"ended_on": BEFORE}, {DATES}),
    ({"hours_per_week": 81}, {HOURS}),
    ({"wage_minor": 100_00, "wage_currency": ""}, {WAGE}),
    ({"hours_per_week": -1, "ended_on": BEFORE}, {DATES, HOURS}),
    ({"hours_per_week": 90, "wage_minor": 5, "wage_currency": ""}, {HOURS, WAGE}),
    ({"ended_on": None, "wage_minor": None, "hours_per_week": 0}, set()),
    ({"started_on": None, "ended_on": START}, set()),  # unknown, so it holds
    ({"started_on": None, "ended_on": START, "hours_per_week": 81}, {HOURS}),
]
MESSAGES = {
    DATES: "Someone cannot leave before they start.",
    HOURS: "Contracted hours must lie between 0 and 80 a week.",
    WAGE: "A wage needs its currency.",
}


def _errors(validate):
    try:
        validate()
    except ValidationError as error:
        return sorted(
            (key, [str(m) for m in messages]) for key, messages in error.message_dict.items()
        )
    return []


@pytest.mark.parametrize(("changes", "broken"), CASES)
def test_check_constraints_asked_together_give_the_errors_django_gives(db, changes, broken):
    staff = StaffFactory.build(centre=StaffFactory.create().centre, **changes)
    staff.coop = staff.centre.coop
    ours = _errors(staff.validate_constraints)
    assert ours == _errors(lambda: models.Model.validate_constraints(staff))
    in_order = [MESSAGES[name] for name in (DATES, HOURS, WAGE) if name in broken]
    assert ours == ([("__all__", in_order)] if broken else [])


@pytest.mark.parametrize("exclude", [None, {"hours_per_week"}, {"ended_on", "wage_currency"}])
def test_a_field_left_out_leaves_out_its_constraint_as_django_does(db, exclude):
    staff = StaffFactory.build(centre=StaffFactory.create().centre, hours_per_week=81)
    staff.coop = staff.centre.coop
    staff.ended_on = BEFORE
    assert _errors(lambda: staff.validate_constraints(exclude)) == _errors(
        lambda: models.Model.validate_constraints(staff, exclude)
    )


def test_a_row_that_holds_is_checked_in_one_query(db):
    staff = StaffFactory.build(centre=StaffFactory.create().centre)
    staff.coop = staff.centre.coop
    with CaptureQueriesContext(connection) as ours:
        staff.validate_constraints({"reference"})
    with CaptureQueriesContext(connection) as django:
        models.Model.validate_constraints(staff, {"reference"})
    checks = [q for q in ours.captured_queries if '"_check"' in q["sql"]]
    assert len(checks) == 1
    assert len([q for q in django.captured_queries if '"_check"' in q["sql"]]) == 3
    assert len(ours.captured_queries) < len(django.captured_queries)
