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
        "Holy Week",
    )
    assert first.isoweekday() == 1 and last.isoweekday() == 5


def test_carnaval_is_the_monday_and_tuesday_before_ash_wednesday():
    first, last, reason = data.closure_dates("cmei-catadores", datetime.date(2026, 12, 6))
    assert (first, last, reason) == (
        datetime.date(2027, 2, 8),
        datetime.date(2027, 2, 9),
        "Carnival",
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


@pytest.mark.parametrize(
    ("year", "lakshmi_puja"),
    [
        (2023, datetime.date(2023, 11, 12)),
        (2024, datetime.date(2024, 10, 31)),
        (2025, datetime.date(2025, 10, 20)),
        (2026, datetime.date(2026, 11, 8)),
        (2027, datetime.date(2027, 10, 29)),
        (2030, datetime.date(2030, 10, 26)),
    ],
)
def test_diwali_falls_on_its_known_day(year, lakshmi_puja):
    assert data.diwali(year) == lakshmi_puja


def test_diwali_is_always_in_october_or_november_on_a_new_moon():
    # The new moon comes every 29.53 days, so Diwali moves back 11 days a year, or forward 19 in
    # a year with a leap month: a wrong entry in the table would break the step.
    years = sorted(data.DIWALI)
    assert years == list(range(years[0], years[-1] + 1))
    for year in years:
        assert datetime.date(year, 10, 17) <= data.diwali(year) <= datetime.date(year, 11, 15)
    for year in years[1:]:
        step = (data.diwali(year) - data.diwali(year - 1)).days
        assert step in (354, 355, 383, 384, 385), (year, step)
    # And each is the day of a new moon, or within the two days before the mean new moon
    # (the amavasya begins before it; the true new moon wanders about 14 hours from the mean).
    first_new_moon = datetime.datetime(2000, 1, 6, 18, 14)  # mean new moon, UTC
    synodic = 29.530588853
    for year in years:
        noon = datetime.datetime.combine(data.diwali(year), datetime.time(12))
        moons = (noon - first_new_moon).total_seconds() / 86400 / synodic
        assert -2 <= (moons - round(moons)) * synodic <= 0.5, year


def test_diwali_closure_runs_from_dhanteras_and_is_the_next_one():
    first, last, reason = data.closure_dates("ahd", datetime.date(2026, 12, 6))
    assert (first, last, reason) == (
        datetime.date(2027, 10, 27),
        datetime.date(2027, 10, 31),
        "Diwali",
    )
    # Not over yet on Diwali itself: this year's.
    first, last, _reason = data.closure_dates("ahd", datetime.date(2026, 11, 8))
    assert (first, last) == (datetime.date(2026, 11, 6), datetime.date(2026, 11, 10))


def test_a_year_without_a_known_diwali_says_so():
    with pytest.raises(LookupError, match="2099"):
        data.diwali(2099)
