import datetime

import pytest

from carecoop.demo import data


@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (2024, datetime.date(2024, 3, 31)),
        (2025, datetime.date(2025, 4, 20)),
        (2026, datetime.date(2026, 4, 5)),
        (2027, datetime.date(2027, 3, 28)),
        (2038, datetime.date(2038, 4, 25)),
        (2285, datetime.date(2285, 3, 22)),
    ],
)
def test_easter_falls_on_its_known_sunday(year, sunday):
    assert data.easter(year) == sunday
    assert sunday.isoweekday() == 7


def test_semana_santa_is_the_week_before_easter():
    first, last, reason = data.closure_dates("centro-infantil", datetime.date(2026, 12, 6))
    assert (first, last, reason) == (
        datetime.date(2027, 3, 22),
        datetime.date(2027, 3, 26),
        "Semana Santa",
    )
    assert first.isoweekday() == 1 and last.isoweekday() == 5


def test_carnaval_is_the_monday_and_tuesday_before_ash_wednesday():
    first, last, reason = data.closure_dates("cmei-catadores", datetime.date(2026, 12, 6))
    assert (first, last, reason) == (
        datetime.date(2027, 2, 8),
        datetime.date(2027, 2, 9),
        "Carnaval",
    )
    assert last + datetime.timedelta(days=1) == datetime.date(2027, 2, 10)  # Ash Wednesday


def test_a_holiday_not_yet_over_this_year_is_this_years():
    first, last, _reason = data.closure_dates("escuela", datetime.date(2026, 1, 10))
    assert (first, last) == (datetime.date(2026, 3, 30), datetime.date(2026, 4, 3))
    first, last, _reason = data.closure_dates("cmei-catadores", datetime.date(2026, 2, 17))
    assert (first, last) == (datetime.date(2026, 2, 16), datetime.date(2026, 2, 17))


@pytest.mark.parametrize("key", sorted(data.ROOMS))
def test_every_centre_has_a_closure_not_in_the_past(key):
    today = datetime.date(2026, 12, 6)
    first, last, reason = data.closure_dates(key, today)
    assert today <= last and first <= last and reason


def test_every_cooperative_role_can_sign_in_to_every_demo_cooperative():
    """The README names every role in every demo cooperative: the sign-ins must be there."""
    from carecoop.tenancy.models import COOP_ROLES

    for coop in data.COOPERATIVES:
        held = {role for _user, slug, role, _extra in data.USERS if slug == coop["slug"]}
        assert held == {str(r) for r in COOP_ROLES}, coop["slug"]
    assert any(role == "analyst" for _user, _slug, role, _extra in data.USERS)
