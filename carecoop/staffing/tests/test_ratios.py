"""The ratio rules: the issue's hand-worked examples, one per rule set, and properties."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoop.staffing.loader import rule_set_files
from carecoop.staffing.ratios import ChildLoad, band_for, required_staff

RULES = {data["code"]: data["rules"] for data in rule_set_files()}
US, INDIA, BRAZIL, FINLAND = (
    RULES["us-cfoc-4"],
    RULES["in-national-creche-2017"],
    RULES["br-mec-2006"],
    RULES["fi-weights-2018"],
)


def kids(*groups: tuple[int, int], special: bool = False) -> list[ChildLoad]:
    return [ChildLoad(age, special) for count, age in groups for _ in range(count)]


# The centre: 30 children, 6 infants, 8 toddlers and 16 aged 3 to 6.
INFANTS, TODDLERS = (6, 6), (8, 24)


def test_every_shipped_rule_set_is_complete():
    assert set(RULES) >= {"us-cfoc-4", "in-national-creche-2017", "br-mec-2006", "fi-weights-2018"}
    for rules in RULES.values():
        assert rules["special_needs_weight"] == 2.0
        assert rules["bands"] and json.dumps(rules)


def test_us_centre_of_thirty_needs_about_six_carers():
    # Grouped by age: 6/3 + 8/4 + 16/8 = exactly 6.
    centre = kids(INFANTS, TODDLERS, (16, 54))
    assert required_staff(US, centre, one_group=False).carers == 6
    # With some three-year-olds (7:1) among the 16, it is still about 6: 2 + 2 + 5/7 + 11/8.
    mixed = kids(INFANTS, TODDLERS, (5, 40), (11, 60))
    assert required_staff(US, mixed, one_group=False).carers == 7


def test_india_centre_of_thirty_needs_two_workers_and_two_helpers():
    result = required_staff(INDIA, kids(INFANTS, TODDLERS, (16, 54)))
    assert result.carers == 2
    assert result.helpers == 2
    assert result.group_max == 25 and result.exceeds_group  # 30 is more than one creche of 25.
    assert not required_staff(INDIA, kids((25, 30))).exceeds_group
    assert required_staff(INDIA, kids((25, 30))).carers == 1


def test_us_mixed_group_uses_the_youngest_childs_ratio():
    # One infant among four-year-olds: the whole group counts at 3:1 and the ceiling is 6.
    group = kids((1, 6), (8, 50))
    result = required_staff(US, group)
    assert result.carers == 3
    assert result.group_max == 6 and result.exceeds_group
    assert "youngest" in result.explanation
    # Grouped by age instead, they need 1/3 + 8/8, rounded up: 2.
    assert required_staff(US, group, one_group=False).carers == 2


def test_us_infant_room_hand_worked():
    assert required_staff(US, kids((6, 6))).carers == 2
    assert required_staff(US, kids((7, 6))).carers == 3
    assert required_staff(US, kids((10, 6))).carers == 4


def test_brazil_hand_worked():
    # 14 children 0-2 at 7 (the middle of MEC's 6-8), 15 three-year-olds at 15, 20 at 20: 4 carers.
    assert required_staff(BRAZIL, kids((14, 20), (15, 40), (20, 55))).carers == 4
    # 10 babies and 10 three-year-olds: 10/7 + 10/15 = 2.1, rounded up: 3.
    assert required_staff(BRAZIL, kids((10, 20), (10, 40))).carers == 3
    assert required_staff(BRAZIL, kids((10, 20))).group_max is None


def test_finland_hand_worked():
    # 4 children under 3 and 7 over 3: 4 x 1.75 + 7 = 14 points, 7 points a carer: 2 carers.
    result = required_staff(FINLAND, kids((4, 24), (7, 48)))
    assert result.carers == 2
    assert "14 points" in result.explanation
    # One of the older children has special needs and weighs 2: 15 points, 3 carers.
    group = [*kids((4, 24), (6, 48)), ChildLoad(48, special_needs=True)]
    assert required_staff(FINLAND, group).carers == 3


def test_special_needs_weight_counts_twice():
    assert required_staff(US, kids((3, 6))).carers == 1
    assert required_staff(US, [*kids((2, 6)), ChildLoad(6, True)]).carers == 2


def test_no_children_no_carers():
    assert required_staff(US, []).carers == 0


def test_bands_cover_every_age():
    assert band_for(US, 0)["children_per_carer"] == 3
    assert band_for(US, 200)["children_per_carer"] == 8


children = st.lists(
    st.builds(ChildLoad, age_months=st.integers(0, 84), special_needs=st.booleans()), max_size=40
)
rule_sets = st.sampled_from(sorted(RULES))
one_child = st.builds(ChildLoad, age_months=st.integers(0, 84), special_needs=st.booleans())


@given(rule_sets, children, one_child, st.booleans())
def test_adding_a_child_never_lowers_the_requirement(code, group, child, one_group):
    rules = RULES[code]
    before = required_staff(rules, group, one_group=one_group).carers
    after = required_staff(rules, [*group, child], one_group=one_group).carers
    assert after >= before >= 0


@given(rule_sets, children, st.booleans())
def test_never_negative_and_enough_for_everyone(code, group, one_group):
    result = required_staff(RULES[code], group, one_group=one_group)
    assert result.carers >= 0
    assert (result.carers > 0) == bool(group)


@given(rule_sets, children, st.integers(0, 84), st.booleans())
def test_special_needs_never_lowers_the_requirement(code, group, age, one_group):
    rules = RULES[code]
    plain = required_staff(rules, [*group, ChildLoad(age, False)], one_group=one_group).carers
    special = required_staff(rules, [*group, ChildLoad(age, True)], one_group=one_group).carers
    assert special >= plain


@pytest.mark.parametrize("code", sorted(RULES))
def test_explanations_are_words(code):
    assert "carers" in required_staff(RULES[code], kids((3, 30))).explanation
