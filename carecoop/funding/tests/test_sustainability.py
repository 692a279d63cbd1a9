"""The sustainability arithmetic, with cooperative A's figures."""

from carecoop.funding import sustainability as sus


def test_a_full_centre_of_cooperative_a_recovers_its_fees_share_of_the_cost():
    full = sus.outcome(
        sus.Scenario(places=30, occupancy=1.0, fee_minor=17500, running_cost_minor=2_250_000)
    )
    assert 0.21 <= full.recovery <= 0.26
    assert full.cost_per_child_minor == 75000
    assert full.break_even_fee_minor == 75000


def test_empty_places_waivers_and_unpaid_fees_explain_the_lower_figure():
    # 30 places, 24 children, 2 waived, a fifth of the rest unpaid, cost Rs 22,500.
    e = sus.explain(
        currency="INR",
        cost_minor=2_250_000,
        potential_minor=30 * 17500,
        full_fees_minor=24 * 17500,
        billed_minor=24 * 17500,
        waived_minor=2 * 17500,
        collected_minor=round(22 * 17500 * 0.8),
    )
    assert e.potential > e.observed
    text = " ".join(e.sentences)
    assert "empty places" in text and "waived" in text and "not (yet) paid" in text
    lost = sum(share for _why, share in e.steps)
    assert abs(e.potential - lost - e.observed) < 1e-9


def test_what_if_a_subsidy_per_child_closes_the_gap():
    base = sus.Scenario(places=30, occupancy=0.8, fee_minor=17500, running_cost_minor=2_250_000)
    subsidised = sus.Scenario(
        places=30,
        occupancy=0.8,
        fee_minor=17500,
        running_cost_minor=2_250_000,
        subsidy_per_child_minor=76_250,
    )
    assert sus.outcome(base).gap_minor > 0
    assert sus.outcome(subsidised).gap_minor <= 0


def test_a_new_centre_plan_pays_back_its_set_up():
    result = sus.plan(
        sus.Plan(
            places=30,
            fee_minor=90000,
            occupancy_start=0.4,
            occupancy_target=0.9,
            months_to_fill=6,
            setup_cost_minor=1_000_000,
            running_cost_minor=2_000_000,
            collection_rate=0.9,
        )
    )
    assert result.break_even_month is not None and result.payback_month is not None
    assert result.payback_month > result.break_even_month
    never = sus.plan(
        sus.Plan(
            places=30,
            fee_minor=17500,
            occupancy_start=0.5,
            occupancy_target=1,
            months_to_fill=3,
            setup_cost_minor=0,
            running_cost_minor=2_250_000,
        )
    )
    assert never.break_even_month is None


def test_the_what_if_chart_counts_only_the_fees_collected():
    # Cooperative A at every place filled, with a tenth of the fees waived and half the rest paid.
    s = sus.Scenario(
        places=30,
        occupancy=0.5,
        fee_minor=17500,
        running_cost_minor=2_250_000,
        collection_rate=0.5,
        waiver_share=0.1,
    )
    points = dict(sus.paid_by_fees_by_occupancy(s))
    assert list(points) == list(range(0, 101, 10)) and points[0] == 0.0
    assert round(points[100], 4) == round(30 * 17500 * 0.9 * 0.5 / 2_250_000, 4) == 0.105
