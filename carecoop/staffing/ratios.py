"""How many carers a group of children needs under a rule set: a pure function, no database.

A rule set is data (see ``rulesets/*.json``)::

    {"method": "ratio" | "weights",
     "mixed_groups": "youngest" | "each_child",
     "special_needs_weight": 2.0,
     "points_per_carer": 7,                       # "weights" only
     "bands": [{"min_months": 0, "max_months": 11,
                "children_per_carer": 3,          # "ratio"
                "weight": 1.75,                   # "weights"
                "group_max": 6}],                 # optional
     "helpers": {"children_per_helper": 25}}      # optional, reported apart

Rounding: each child adds a fraction of a carer (its weight over its band's ratio, or its points
over the points a carer covers); the fractions are added over the whole group and rounded up once.
So 6 infants at 3:1 and 8 toddlers at 4:1 need exactly 4 carers, and a band that is not full
shares a carer with the next band instead of adding one of its own.

With ``mixed_groups = "youngest"`` (Caring for Our Children) every child of a group counts at the
ratio of the youngest child, and the group ceiling is the youngest child's. ``one_group=False``
says the children are not one group but are grouped by age (a centre's total): each child then
counts at their own band, and no group ceiling applies.
"""

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ChildLoad:
    age_months: int
    special_needs: bool = False


@dataclass(frozen=True)
class Requirement:
    carers: int
    load: Fraction = Fraction(0)
    helpers: int = 0
    children: int = 0
    group_max: int | None = None
    exceeds_group: bool = False
    explanation: str = ""
    parts: list[str] = field(default_factory=list)


def _bands(rules: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(rules.get("bands", []), key=lambda b: int(b["min_months"]))


def band_for(rules: dict[str, Any], age_months: int) -> dict[str, Any]:
    """The band of a child's age: the last band starting at or below it (the first band for a
    child younger than every band, the last for a child older)."""
    bands = _bands(rules)
    if not bands:
        raise ValueError("A rule set needs at least one band.")
    chosen = bands[0]
    for band in bands:
        if int(band["min_months"]) <= age_months:
            chosen = band
    return chosen


def _weight(rules: dict[str, Any], child: ChildLoad) -> Fraction:
    if child.special_needs:
        return max(Fraction(1), Fraction(str(rules.get("special_needs_weight", 1))))
    return Fraction(1)


def _share(rules: dict[str, Any], band: dict[str, Any]) -> Fraction:
    """The fraction of a carer one (ordinary) child of this band takes."""
    if rules.get("method") == "weights":
        return Fraction(str(band["weight"])) / Fraction(str(rules["points_per_carer"]))
    return Fraction(1) / Fraction(str(band["children_per_carer"]))


def _ceil(value: Fraction) -> int:
    return math.ceil(value)


def required_staff(
    rule_set_rules: dict[str, Any], children: list[ChildLoad], *, one_group: bool = True
) -> Requirement:
    """The carers ``children`` need under ``rule_set_rules``, with the group ceiling and why."""
    rules = rule_set_rules
    if not children:
        return Requirement(carers=0, explanation=_("No children: no carers required."))
    youngest_rule = one_group and rules.get("mixed_groups") == "youngest"
    youngest = band_for(rules, min(c.age_months for c in children))
    load = Fraction(0)
    per_band: dict[int, list[Any]] = {}
    for child in children:
        band = youngest if youngest_rule else band_for(rules, child.age_months)
        weight = _weight(rules, child)
        load += weight * _share(rules, band)
        entry = per_band.setdefault(int(band["min_months"]), [band, 0, 0])
        entry[1] += 1
        entry[2] += 1 if child.special_needs else 0
    carers = _ceil(load)
    parts = []
    weights = rules.get("method") == "weights"
    for _start, (band, count, special) in sorted(per_band.items()):
        values = {
            "n": count,
            "min": band["min_months"],
            "max": band["max_months"],
            "ratio": band.get("children_per_carer", ""),
            "weight": band.get("weight", ""),
        }
        if weights:
            part = _("%(n)s aged %(min)s to %(max)s months weigh %(weight)s each") % values
        else:
            part = _("%(n)s at %(ratio)s children per carer (%(min)s to %(max)s months)") % values
        if special:
            part += " " + _("(%(s)s with special needs count %(w)s times)") % {
                "s": special,
                "w": rules.get("special_needs_weight", 1),
            }
        parts.append(part)
    if weights:
        summary = _("%(points)s points at %(per)s points per carer: %(carers)s carers.") % {
            "points": _number(load * Fraction(str(rules["points_per_carer"]))),
            "per": rules["points_per_carer"],
            "carers": carers,
        }
    else:
        summary = _("%(load)s carers' worth, rounded up: %(carers)s carers.") % {
            "load": _number(load),
            "carers": carers,
        }
    explanation = "; ".join(parts) + ". " + summary
    if (
        youngest_rule
        and len(per_band) == 1
        and len({band_for(rules, c.age_months)["min_months"] for c in children}) > 1
    ):
        explanation = _("Mixed ages: the youngest child's ratio applies.") + " " + explanation
    group_max: int | None = None
    if one_group:
        limits = [
            int(band["group_max"])
            for band, _n, _s in per_band.values()
            if band.get("group_max") is not None
        ]
        if youngest_rule and youngest.get("group_max") is not None:
            limits = [int(youngest["group_max"])]
        group_max = min(limits) if limits else None
    exceeds = group_max is not None and len(children) > group_max
    if exceeds:
        explanation += " " + _("The group of %(n)s is larger than the ceiling of %(max)s.") % {
            "n": len(children),
            "max": group_max,
        }
    helpers = 0
    per_helper = (rules.get("helpers") or {}).get("children_per_helper")
    if per_helper:
        helpers = _ceil(Fraction(len(children), int(per_helper)))
    return Requirement(
        carers=carers,
        load=load,
        helpers=helpers,
        children=len(children),
        group_max=group_max,
        exceeds_group=exceeds,
        explanation=explanation,
        parts=parts,
    )


def _number(value: Fraction) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")
