"""The z-scores match values produced by WHO's own tool, to 2 decimal places."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from carecoop.health import growth

REFERENCE = json.loads((Path(__file__).parent / "who_reference.json").read_text())["cases"]


@pytest.mark.parametrize("case", REFERENCE, ids=lambda c: f"sex{c['sex']}-{c['age_days']}d")
def test_z_scores_match_who_anthro(case):
    lying = case["measure"] == "l" if case["measure"] else case["age_days"] < 731
    z = growth.z_scores(
        sex="male" if case["sex"] == 1 else "female",
        age_days=case["age_days"],
        weight_kg=Decimal(str(case["weight"])) if case["weight"] is not None else None,
        length_cm=Decimal(str(case["lenhei"])) if case["lenhei"] is not None else None,
        lying=lying,
    )
    assert z.lhfa == case["zlen"]
    assert z.wfa == case["zwei"]
    assert z.wflh == case["zwfl"]


def test_grades_follow_who_cut_offs():
    assert [growth.grade_z(z) for z in (-3.01, -3.0, -2.01, -2.0, 1.5, None)] == [
        "severe",
        "moderate",
        "moderate",
        "normal",
        "normal",
        "",
    ]
    months_18 = 548
    assert growth.grade_muac(Decimal("11.4"), months_18) == "severe"
    assert growth.grade_muac(Decimal("12.0"), months_18) == "moderate"
    assert growth.grade_muac(Decimal("13.5"), months_18) == "normal"
    assert growth.grade_muac(Decimal("10.0"), 100) == ""  # MUAC is graded from 6 months.


def test_reference_curves_are_the_who_medians_and_sds():
    median = dict(
        growth.reference_curve(sex="male", indicator="wfa", sd=0, months=range(0, 61, 12))
    )
    minus2 = dict(
        growth.reference_curve(sex="female", indicator="wfa", sd=-2, months=range(0, 13, 12))
    )
    # WHO weight-for-age tables: boys' median 3.3 kg at birth and 9.6 kg at 12 months; girls' -2 SD
    # 2.4 kg at birth and 7.0 kg at 12 months.
    assert round(median[0], 1) == 3.3 and round(median[12], 1) == 9.6
    assert round(minus2[0], 1) == 2.4 and round(minus2[12], 1) == 7.0
    with pytest.raises(ValueError):
        growth.reference_curve(sex="male", indicator="wfa", sd=4, months=range(2))


def test_implausible_values_are_recognised():
    z = growth.z_scores(
        sex="female", age_days=400, weight_kg=Decimal("30"), length_cm=Decimal("75"), lying=True
    )
    assert "wfa" in z.implausible() and "wflh" in z.implausible()
    older = growth.z_scores(
        sex="female",
        age_days=(datetime.date(2026, 1, 1) - datetime.date(2020, 1, 1)).days,
        weight_kg=Decimal("20"),
        length_cm=None,
        lying=False,
    )
    assert older.wfa is None  # Beyond five years the standards do not apply.
