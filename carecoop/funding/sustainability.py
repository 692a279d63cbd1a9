"""The arithmetic of sustainability as plain functions: what care costs, what fees recover, what
if the fee, occupancy, subsidy or wages change, and a plan for a new centre. Money is integer
minor units; ratios are floats between 0 and 1 (shown with the ``percent`` filter)."""

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecoop.core.money import babel_locale, format_money
from carecoop.core.numbers import percent_text


def ratio(part: int | float, whole: int | float) -> float | None:
    return float(part) / float(whole) if whole else None


@dataclass(frozen=True)
class Scenario:
    """One centre for one month."""

    places: int
    occupancy: float  # 0..1
    fee_minor: int
    running_cost_minor: int  # everything except wages
    wages_minor: int = 0
    subsidy_per_child_minor: int = 0
    collection_rate: float = 1.0  # share of billed fees that is paid
    waiver_share: float = 0.0  # share of billed fees waived by the solidarity fund


@dataclass(frozen=True)
class Outcome:
    children: float
    cost_minor: int
    billed_minor: int
    collected_minor: int
    waived_minor: int
    subsidy_minor: int
    recovery: float | None  # fees billed / cost
    collected_recovery: float | None  # fees collected / cost
    gap_minor: int  # cost - collected - waived(paid by the fund) - subsidy
    break_even_fee_minor: int | None  # fee per child that covers cost net of subsidy
    cost_per_child_minor: int | None


def outcome(s: Scenario) -> Outcome:
    children = s.places * max(0.0, min(s.occupancy, 1.0))
    cost = s.running_cost_minor + s.wages_minor
    billed = round(children * s.fee_minor)
    waived = round(billed * s.waiver_share)
    collected = round((billed - waived) * s.collection_rate)
    subsidy = round(children * s.subsidy_per_child_minor)
    net_cost = cost - subsidy
    return Outcome(
        children=children,
        cost_minor=cost,
        billed_minor=billed,
        collected_minor=collected,
        waived_minor=waived,
        subsidy_minor=subsidy,
        recovery=ratio(billed, cost),
        collected_recovery=ratio(collected, cost),
        gap_minor=cost - collected - waived - subsidy,
        break_even_fee_minor=round(max(net_cost, 0) / children) if children else None,
        cost_per_child_minor=round(cost / children) if children else None,
    )


@dataclass(frozen=True)
class WhatIf:
    rows: list[tuple[str, Outcome]]  # the scenario as entered, then each change of it
    paid_by_fees: list[tuple[int, float]]  # ``paid_by_fees_by_occupancy`` of the scenario


def what_if(s: Scenario) -> WhatIf:
    """The scenario's outcome beside the outcomes of the changes a board weighs: every place
    filled, the fee up by a quarter, wages up by a tenth, every family paying in full."""
    variants = [
        (_("As entered"), s),
        (_("Every place filled"), replace(s, occupancy=1.0)),
        (_("Fee up by a quarter"), replace(s, fee_minor=round(s.fee_minor * 1.25))),
        (_("Wages up by a tenth"), replace(s, wages_minor=round(s.wages_minor * 1.1))),
        (_("Everyone pays"), replace(s, collection_rate=1.0, waiver_share=0.0)),
    ]
    return WhatIf(
        rows=[(label, outcome(v)) for label, v in variants],
        paid_by_fees=paid_by_fees_by_occupancy(s),
    )


def paid_by_fees_by_occupancy(s: Scenario, step: int = 10) -> list[tuple[int, float]]:
    """For every share of places filled (0, 10, ... 100 %), the share of the cost the fees
    actually collected pay: after waivers and unpaid fees, as the scenario says."""
    return [
        (occ, outcome(replace(s, occupancy=occ / 100)).collected_recovery or 0.0)
        for occ in range(0, 101, step)
    ]


@dataclass
class Explanation:
    potential: float | None  # fees at full occupancy / cost
    observed: float | None  # fees collected / cost
    steps: list[tuple[str, float]] = field(default_factory=list)  # (why, share of cost lost)
    sentences: list[str] = field(default_factory=list)


def _share(value: float, pattern: str = "#,##0%") -> str:
    """A share of the cost as the reader's language writes a percentage."""
    return percent_text(value, babel_locale(), pattern)


def explain(
    *,
    currency: str,
    cost_minor: int,
    potential_minor: int,
    full_fees_minor: int,
    billed_minor: int,
    waived_minor: int,
    collected_minor: int,
    months: int = 1,
    per_month: str = "",
) -> Explanation:
    """Why the fees collected cover less of the cost than a full centre's fees would.

    ``potential`` is every place filled at the full fee; ``full_fees`` the full fee of the
    children actually billed; ``billed`` after part months, sibling discounts and absence
    credits; ``waived`` paid by the solidarity fund; ``collected`` paid by families. Amounts are
    totals over ``months`` months that have figures; the sentence about what fees would bring
    gives them a month on average, followed by ``per_month``, which says over which months
    (e.g. "a month on average over 6 months: March to August 2026")."""
    e = Explanation(
        potential=ratio(potential_minor, cost_minor), observed=ratio(collected_minor, cost_minor)
    )
    if not cost_minor or not months:
        e.sentences.append(_("No running cost has been recorded for this period yet."))
        return e
    unpaid = max(billed_minor - waived_minor - collected_minor, 0)
    e.steps = [
        (_("empty places"), (potential_minor - full_fees_minor) / cost_minor),
        (
            _("part months, sibling discounts and absences"),
            (full_fees_minor - billed_minor) / cost_minor,
        ),
        (_("fees waived by the solidarity fund"), waived_minor / cost_minor),
        (_("fees not (yet) paid"), unpaid / cost_minor),
    ]
    e.sentences.append(
        _(
            "With every place filled at the full fee, fees would bring %(potential)s against a "
            "running cost of %(cost)s, %(per_month)s: %(share)s of the cost."
        )
        % {
            "potential": format_money(round(potential_minor / months), currency),
            "cost": format_money(round(cost_minor / months), currency),
            "per_month": per_month or _("a month on average"),
            "share": _share(e.potential or 0),
        }
    )
    for why, lost in e.steps:
        if lost > 0.0005:
            e.sentences.append(
                _("%(share)s of the cost is not covered because of %(why)s.")
                % {"share": _share(lost, "#,##0.0%"), "why": why}
            )
    e.sentences.append(
        _(
            "Fees actually collected cover %(observed)s of the cost; the rest must come from "
            "grants, donations, public schemes and sales, or the centre runs down its reserves."
        )
        % {"observed": _share(e.observed or 0)}
    )
    return e


def runway_months(cash_minor: int, net_outflow_minor: int) -> float | None:
    """How many months the cash lasts when ``net_outflow_minor`` a month more goes out (running
    cost) than comes in (fees collected, grants, other income). None when nothing flows out on
    balance: the cash is not running down (shown as "no deficit"). Cash below zero lasts 0."""
    if net_outflow_minor <= 0:
        return None
    return max(cash_minor, 0) / net_outflow_minor


# The what-if page starts from these figures where a cooperative has none of its own yet. They
# are those WIEGO and the ILO published for the SEWA Sangini Child Care Workers' Cooperative,
# Ahmedabad (the brief "Cooperatives meeting informal economy workers' child care needs",
# section "SEWA Sangini Child Care Workers' Cooperative, Ahmedabad, India"): every centre takes
# at most 30 children, the fee is Rs. 175 a child a month, and running a centre costs
# Rs. 20,000 to 25,000 a month. They are starting values of a form, not a comparison: the brief
# itself says the fee covers "approximately 17 per cent" of the running cost in its text and
# "10-15 per cent" in its summary table, so no share of the cost is derived from them here.
REFERENCE_A = {
    "places": 30,
    "fee_minor": 17500,
    "cost_low_minor": 2_000_000,
    "cost_high_minor": 2_500_000,
}


# A new centre ---------------------------------------------------------------------------------

START_COOP_STEPS = [
    gettext_lazy("Agree on the need: who needs care, when, and what they can pay."),
    gettext_lazy("Check feasibility: places, rooms, staff ratios, set-up and running costs."),
    gettext_lazy("Find the money: fees, the solidarity fund, public schemes, donors, sales."),
    gettext_lazy("Decide together: the members' meeting approves the plan and the fees."),
    gettext_lazy("Register and license the centre; hire and train the carers."),
    gettext_lazy("Open, then review the figures every month against this plan."),
]


@dataclass(frozen=True)
class Plan:
    places: int
    fee_minor: int
    occupancy_start: float
    occupancy_target: float
    months_to_fill: int
    setup_cost_minor: int
    running_cost_minor: int  # a month, wages included
    setup_grant_minor: int = 0
    subsidy_per_child_minor: int = 0
    collection_rate: float = 0.9


@dataclass
class PlanMonth:
    month: int
    children: float
    income_minor: int
    cost_minor: int
    cumulative_minor: int


@dataclass
class PlanResult:
    months: list[PlanMonth]
    break_even_month: int | None  # first month whose income covers that month's cost
    payback_month: int | None  # first month the cumulative cash is back to zero or above
    full_recovery: float | None
    break_even_fee_minor: int | None
    opening_minor: int = 0  # cash right after set-up: the set-up grant less the set-up cost


def plan(p: Plan, horizon: int = 36) -> PlanResult:
    months = []
    cumulative = p.setup_grant_minor - p.setup_cost_minor
    break_even = payback = None
    for m in range(1, horizon + 1):
        if p.months_to_fill > 0 and m < p.months_to_fill:
            occ = (
                p.occupancy_start
                + (p.occupancy_target - p.occupancy_start) * (m - 1) / p.months_to_fill
            )
        else:
            occ = p.occupancy_target
        children = p.places * occ
        income = round(children * (p.fee_minor * p.collection_rate + p.subsidy_per_child_minor))
        cumulative += income - p.running_cost_minor
        months.append(PlanMonth(m, children, income, p.running_cost_minor, cumulative))
        if break_even is None and income >= p.running_cost_minor:
            break_even = m
        if payback is None and cumulative >= 0:
            payback = m
    full_children = p.places * p.occupancy_target
    return PlanResult(
        months=months,
        break_even_month=break_even,
        payback_month=payback,
        full_recovery=ratio(p.places * p.fee_minor, p.running_cost_minor),
        break_even_fee_minor=round(
            max(p.running_cost_minor - full_children * p.subsidy_per_child_minor, 0)
            / (full_children * p.collection_rate)
        )
        if full_children and p.collection_rate
        else None,
        opening_minor=p.setup_grant_minor - p.setup_cost_minor,
    )
