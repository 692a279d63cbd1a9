"""The share of families with access, counted by the database, against an example worked by
hand; small counts hidden; the same number of queries however many families.

The example, in the home cooperative (two member households of its own), on 30 June 2025:
18 more households of members admitted in 2020, and one of a member admitted on 10 May 2025,
so 20 families until April and 21 from May.
- Seguro (health insurance): 11 families enrolled in January (one applied and was enrolled on
  the same day); one enrolled on 10 February left on 5 April; the newcomer enrolled on 20 May.
  So 11 of 20 on 31 January, 12 of 20 on 31 March, 11 of 20 on 30 April, 12 of 21 on 30 June.
- Mutual (health insurance): 2 of Seguro's families and one other: 3, hidden.
- Bono (public services): 3 other families: hidden.
- Any health insurance on 30 June: 12 + 1 = 13 families (2 are in both), not 15.
- Any scheme on 30 June: 13 + 3 = 16 of 21, 5 without: shown."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carecoop.core.estimates import proportion
from carecoop.protection import selectors
from carecoop.protection.selectors import Share, share
from carecoop.protection.tests.factories import member_households, scheme, steps
from carecoop.tenancy.selectors import access_for

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 6, 30)
d = datetime.date


@pytest.fixture
def example(home_scope):
    world = home_scope
    homes = [world.person.household, world.elsewhere.person.household]
    homes += member_households(world.home, world.member_class, 18)
    (newcomer,) = member_households(
        world.home, world.member_class, 1, admitted_on=d(2025, 5, 10), name="Newcomer"
    )
    seguro = scheme(world.home, "Seguro")
    mutual = scheme(world.home, "Mutual")
    bono = scheme(world.home, "Bono", kind="public")
    steps(homes[0], seguro, ("applied", d(2025, 1, 15)), ("enrolled", d(2025, 1, 15)))
    for home in homes[1:11]:
        steps(home, seguro, ("applied", d(2025, 1, 2)), ("enrolled", d(2025, 1, 20)))
    steps(homes[11], seguro, ("enrolled", d(2025, 2, 10)), ("left", d(2025, 4, 5)))
    steps(homes[12], seguro, ("applied", d(2025, 3, 1)))  # waiting
    steps(homes[13], seguro, ("applied", d(2025, 3, 1)), ("refused", d(2025, 4, 1)))
    steps(newcomer, seguro, ("enrolled", d(2025, 5, 20)))
    for home in [homes[1], homes[2], homes[14]]:
        steps(home, mutual, ("enrolled", d(2025, 2, 1)))
    for home in homes[15:18]:
        steps(home, bono, ("enrolled", d(2025, 2, 1)))
    return world, seguro, mutual, bono


def _indicators(world, role="manager", on=ON):
    access = access_for(user=world.users[role], slug=world.home.slug, cooperative=True)
    return selectors.indicators(access=access, on=on)


def _line(found, key):
    return next(line for line in found.lines if line.key == key)


def test_the_months_are_the_last_days_of_the_year_to_the_day_asked():
    days = selectors.month_ends(d(2025, 3, 12))
    assert len(days) == 12
    assert days[:2] == [d(2024, 4, 30), d(2024, 5, 31)]
    assert days[-3:] == [d(2025, 1, 31), d(2025, 2, 28), d(2025, 3, 12)]


def test_the_share_of_families_with_access_worked_by_hand(example):
    world, seguro, _mutual, _bono = example
    found = _indicators(world)
    assert found.days[-1] == ON and found.days[0] == d(2024, 7, 31)
    by_day = dict(zip(found.days, found.families, strict=True))
    assert [by_day[x] for x in (d(2024, 12, 31), d(2025, 4, 30), d(2025, 5, 31), ON)] == [
        20,
        20,
        21,
        21,
    ]
    line = _line(found, f"scheme:{seguro.pk}")
    shares = dict(zip(found.days, line.shares, strict=True))
    assert [shares[x].with_access for x in found.days[5:]] == [0, 11, 12, 12, 11, 12, 12]
    # 12 of 21: 57.14 %, Wilson 95 % interval worked by hand (z = 1.95996):
    # centre (p + z²/2n) / (1 + z²/n) = 0.56038, half-width 0.19492.
    now = line.now
    assert (now.with_access, now.families) == (12, 21)
    assert now.estimate.value == pytest.approx(12 / 21)
    assert now.estimate.low == pytest.approx(0.36547, abs=1e-4)
    assert now.estimate.high == pytest.approx(0.75530, abs=1e-4)
    assert shares[d(2024, 12, 31)] == Share(0, 20, proportion(0, 20))  # a zero is shown


def test_a_family_in_two_schemes_of_a_kind_counts_once(example):
    world, *_schemes = example
    found = _indicators(world)
    assert _line(found, "kind:health").now.with_access == 13
    assert _line(found, "any").now.with_access == 16
    assert [line.key for line in found.lines[:3]] == ["any", "kind:public", "kind:health"]


def test_small_counts_are_hidden(example):
    world, _seguro, mutual, bono = example
    found = _indicators(world)
    for hidden in (f"scheme:{mutual.pk}", f"scheme:{bono.pk}", "kind:public"):
        now = _line(found, hidden).now
        assert now.hidden and now.estimate is None and now.families == 21


@pytest.mark.parametrize(
    ("with_access", "families", "shown"),
    [(0, 100, True), (4, 100, False), (5, 100, True), (96, 100, False), (100, 100, True)],
)
def test_a_count_or_its_complement_under_five_is_hidden(with_access, families, shown):
    found = share(with_access, families)
    assert found.hidden != shown
    assert found.families == families
    if shown:
        assert found.estimate == proportion(with_access, families)


def test_too_few_families_show_nothing():
    assert share(2, 4) == Share(None, None, None)
    assert share(6, 8) == Share(None, 8, None)  # 2 without access: hidden
    # The fewest families with both counts shown are ten, as many as an estimate needs.
    assert share(5, 10).estimate == proportion(5, 10) and not proportion(5, 10).too_few


def test_nothing_is_counted_before_the_families_joined(home_scope):
    world = home_scope
    member_households(world.home, world.member_class, 1, admitted_on=d(2025, 5, 10), name="Late")
    found = _indicators(world, on=d(2025, 4, 30))
    assert found.families[-1] is None  # two families: too few to show


def test_the_queries_do_not_grow_with_the_families(example):
    world, seguro, *_rest = example
    with CaptureQueriesContext(connection) as before:
        _indicators(world)
    more = member_households(world.home, world.member_class, 15, name="More")
    for home in more:
        steps(home, seguro, ("applied", d(2025, 1, 2)), ("enrolled", d(2025, 1, 3)))
    with CaptureQueriesContext(connection) as after:
        found = _indicators(world)
    assert len(after) == len(before) <= 6
    assert _line(found, f"scheme:{seguro.pk}").now.with_access == 27


@pytest.mark.parametrize("role", ["board", "auditor"])
def test_the_board_and_the_auditors_read_the_same_counts(example, role):
    world, _seguro, *_rest = example
    assert _indicators(world, role) == _indicators(world)
