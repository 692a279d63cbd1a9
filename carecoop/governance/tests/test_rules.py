"""Properties of the arithmetic of member control (no database)."""

import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from carecoop.governance import rules

counts = st.integers(min_value=0, max_value=500)
majorities = st.sampled_from([rules.SIMPLE, rules.TWO_THIRDS, rules.THREE_QUARTERS])
bases = st.sampled_from([rules.CAST, rules.PRESENT])


@st.composite
def class_votes(draw):
    """Votes of a few classes, each class's presence at least its votes."""
    table, present = {}, {}
    for c in range(draw(st.integers(min_value=1, max_value=4))):
        row = {rules.FOR: draw(counts), rules.AGAINST: draw(counts), rules.ABSTAIN: draw(counts)}
        table[c] = row
        present[c] = sum(row.values()) + draw(st.integers(min_value=0, max_value=50))
    return table, present


# Quorum ---------------------------------------------------------------------------------------


@given(members=st.integers(0, 10_000), percent=st.integers(0, 100))
def test_quorum_is_the_smallest_count_reaching_the_percentage(members, percent):
    needed = rules.quorum_needed(members, percent)
    assert needed >= 1
    assert needed * 100 >= members * percent
    if needed > 1:
        assert (needed - 1) * 100 < members * percent


@given(members=st.integers(1, 10_000), percent=st.integers(0, 100), present=st.integers(0, 10_000))
def test_quorum_is_monotone_in_presence_and_percentage(members, percent, present):
    if rules.quorum_met(members=members, present=present, percent=percent):
        assert rules.quorum_met(members=members, present=present + 1, percent=percent)
        assert rules.quorum_met(members=members, present=present, percent=max(0, percent - 1))


def test_first_and_second_call():
    first = datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)
    second = first + datetime.timedelta(minutes=30)
    assert rules.call_at(first, first, second) == 1
    assert rules.call_at(second, first, second) == 2
    assert rules.call_at(second, first, None) == 1
    # 100 members, 50 % at first call, 20 % at second: 30 present opens only at second call.
    assert not rules.quorum_met(members=100, present=30, percent=50)
    assert rules.quorum_met(members=100, present=30, percent=20)


# Majorities -----------------------------------------------------------------------------------


@given(f=counts, a=counts)
def test_simple_majority_of_votes_cast_is_more_for_than_against(f, a):
    assert rules.majority_reached(rules.SIMPLE, Fraction(f), Fraction(f + a)) == (f > a)


@given(f=counts, base=st.integers(1, 1000))
def test_stronger_majorities_imply_weaker_ones(f, base):
    f = min(f, base)
    three = rules.majority_reached(rules.THREE_QUARTERS, Fraction(f), Fraction(base))
    two = rules.majority_reached(rules.TWO_THIRDS, Fraction(f), Fraction(base))
    simple = rules.majority_reached(rules.SIMPLE, Fraction(f), Fraction(base))
    assert not three or two
    assert not two or simple
    assert two == (3 * f >= 2 * base)
    assert three == (4 * f >= 3 * base)


def test_exact_thresholds():
    assert rules.majority_reached(rules.TWO_THIRDS, Fraction(2), Fraction(3))
    assert not rules.majority_reached(rules.TWO_THIRDS, Fraction(199), Fraction(300))
    assert rules.majority_reached(rules.THREE_QUARTERS, Fraction(3), Fraction(4))
    assert not rules.majority_reached(rules.SIMPLE, Fraction(5), Fraction(10))
    assert not rules.majority_reached(rules.SIMPLE, Fraction(0), Fraction(0))


@given(votes=class_votes(), majority=majorities, base=bases)
def test_one_member_one_vote_counts_heads(votes, majority, base):
    table, present = votes
    tally = rules.tally_motion(
        counts=table,
        present=present,
        weights={c: None for c in table},
        majority=majority,
        base=base,
    )
    f = sum(r[rules.FOR] for r in table.values())
    a = sum(r[rules.AGAINST] for r in table.values())
    assert not tally.weighted
    assert tally.in_favour == f and tally.against == a
    assert tally.base == (f + a if base == rules.CAST else sum(present.values()))


@given(votes=class_votes(), majority=majorities, base=bases)
def test_against_when_for_and_against_swap(votes, majority, base):
    """Swapping for and against in every class swaps the weighted totals."""
    table, present = votes
    weights = {c: 100 // len(table) for c in table}
    swapped = {
        c: {
            rules.FOR: r[rules.AGAINST],
            rules.AGAINST: r[rules.FOR],
            rules.ABSTAIN: r[rules.ABSTAIN],
        }
        for c, r in table.items()
    }
    one = rules.tally_motion(
        counts=table, present=present, weights=weights, majority=majority, base=base
    )
    two = rules.tally_motion(
        counts=swapped, present=present, weights=weights, majority=majority, base=base
    )
    assert one.in_favour == two.against and one.against == two.in_favour
    assert not (one.carried and two.carried)


@given(
    workers=st.tuples(counts, counts),
    parents=st.tuples(counts, counts),
    scale=st.integers(1, 20),
    majority=majorities,
)
def test_class_weight_does_not_depend_on_head_count(workers, parents, scale, majority):
    """50 % / 50 %: multiplying one class's head count (same proportions) changes nothing."""

    def tally(k):
        table = {
            "w": {rules.FOR: workers[0] * k, rules.AGAINST: workers[1] * k},
            "p": {rules.FOR: parents[0], rules.AGAINST: parents[1]},
        }
        present = {"w": sum(workers) * k, "p": sum(parents)}
        return rules.tally_motion(
            counts=table,
            present=present,
            weights={"w": 50, "p": 50},
            majority=majority,
            base=rules.CAST,
        )

    small, large = tally(1), tally(scale)
    assert (small.in_favour, small.against, small.base, small.carried) == (
        large.in_favour,
        large.against,
        large.base,
        large.carried,
    )


@given(votes=class_votes(), majority=majorities, base=bases)
def test_weighted_totals_never_exceed_the_weights(votes, majority, base):
    table, present = votes
    weights = {c: 100 // len(table) for c in table}
    tally = rules.tally_motion(
        counts=table, present=present, weights=weights, majority=majority, base=base
    )
    assert tally.weighted
    assert 0 <= tally.in_favour <= tally.base <= 100
    if base == rules.CAST:
        assert tally.in_favour + tally.against == tally.base


def test_a_small_class_weighs_as_much_as_a_large_one():
    # 2 care workers all for, 40 parents 30 against 10 for: 50 % + 50 % x 1/4 = 62.5 % for.
    tally = rules.tally_motion(
        counts={"w": {"for": 2}, "p": {"for": 10, "against": 30}},
        present={"w": 2, "p": 40},
        weights={"w": 50, "p": 50},
        majority=rules.SIMPLE,
        base=rules.CAST,
    )
    assert tally.in_favour == Fraction(125, 2) and tally.base == 100 and tally.carried
    heads = rules.tally_motion(
        counts={"w": {"for": 2}, "p": {"for": 10, "against": 30}},
        present={"w": 2, "p": 40},
        weights={"w": None, "p": None},
        majority=rules.SIMPLE,
        base=rules.CAST,
    )
    assert not heads.carried


def test_classes_without_a_share_split_the_rest():
    assert rules.class_weights({1: 60, 2: None, 3: None}) == {1: 60, 2: 20, 3: 20}
    assert rules.class_weights({1: None}) is None


# Elections ------------------------------------------------------------------------------------


@given(
    marks=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 30), min_size=1),
    seats=st.integers(1, 4),
    seed=st.text(min_size=1, max_size=8),
)
def test_election_fills_at_most_the_seats_with_the_best_placed(marks, seats, seed):
    votes = rules.tally_election(counts={"x": marks}, ballots={"x": 30}, weights={"x": None})
    outcome = rules.elect(
        candidates=list(marks), votes=votes, seats=seats, tie_rule="lots", seniority={}, seed=seed
    )
    assert len(outcome.elected) <= seats
    assert all(votes.get(c, 0) > 0 for c in outcome.elected)
    losers = [c for c in marks if c not in outcome.elected]
    for winner in outcome.elected:
        assert all(votes.get(winner, 0) >= votes.get(loser, 0) for loser in losers)
    again = rules.elect(
        candidates=list(reversed(list(marks))),
        votes=votes,
        seats=seats,
        tie_rule="lots",
        seniority={},
        seed=seed,
    )
    assert again.elected == outcome.elected  # The same seed draws the same lots.


def test_tie_by_seniority_then_lots():
    votes = {"a": Fraction(5), "b": Fraction(5), "c": Fraction(9)}
    seniority = {"a": datetime.date(2015, 1, 1), "b": datetime.date(2010, 1, 1)}
    outcome = rules.elect(
        candidates=["a", "b", "c"],
        votes=votes,
        seats=2,
        tie_rule="seniority",
        seniority=seniority,
        seed="x",
    )
    assert outcome.elected == ["c", "b"] and set(outcome.tie_broken) == {"a", "b"}


@given(
    workers=st.integers(1, 50),
    parents=st.integers(1, 50),
)
def test_weighted_election_votes_sum_to_the_weights_of_classes_that_voted(workers, parents):
    # Every ballot marks exactly one candidate: the weighted votes add up to 100.
    votes = rules.tally_election(
        counts={"w": {"x": workers}, "p": {"y": parents}},
        ballots={"w": workers, "p": parents},
        weights={"w": 50, "p": 50},
    )
    assert votes == {"x": 50, "y": 50}


@given(votes=class_votes(), majority=majorities, base=bases, weighted=st.booleans())
def test_motion_shares_never_add_up_to_more_than_the_whole(votes, majority, base, weighted):
    """Of the votes cast, for and against make 100 % and abstentions are not a share; of the
    members present, for, against, abstaining and not voting make 100 %."""
    table, present = votes
    weights = {c: (100 // len(table) if weighted else None) for c in table}
    tally = rules.tally_motion(
        counts=table, present=present, weights=weights, majority=majority, base=base
    )
    shares = rules.motion_shares(tally, base)
    assert 0 <= shares.in_favour <= 1 and 0 <= shares.against <= 1
    if tally.base == 0:
        assert shares.in_favour == shares.against == 0
    elif base == rules.CAST:
        assert shares.abstain is None and shares.silent is None
        assert shares.in_favour + shares.against == 1
    else:
        assert shares.abstain is not None and shares.silent is not None
        assert shares.in_favour + shares.against + shares.abstain + shares.silent == 1
        assert shares.silent >= 0
    assert rules.motion_heads(tally) == {
        key: sum(row[key] for row in table.values())
        for key in (rules.FOR, rules.AGAINST, rules.ABSTAIN)
    }


def test_abstentions_are_not_a_share_of_the_votes_cast():
    """Care workers 3 for, 1 abstaining; parents 5 for, 1 against; 50 % of the vote each. The
    abstention once showed as 16.67 "abstaining" beside 91.67 for and 8.33 against."""
    counts = {
        "w": {rules.FOR: 3, rules.AGAINST: 0, rules.ABSTAIN: 1},
        "p": {rules.FOR: 5, rules.AGAINST: 1, rules.ABSTAIN: 0},
    }
    tally = rules.tally_motion(
        counts=counts,
        present={"w": 4, "p": 6},
        weights={"w": 50, "p": 50},
        majority=rules.SIMPLE,
        base=rules.CAST,
    )
    shares = rules.motion_shares(tally, rules.CAST)
    assert shares.in_favour == Fraction(11, 12) and shares.against == Fraction(1, 12)
    assert shares.abstain is None
    present = rules.motion_shares(
        rules.tally_motion(
            counts=counts,
            present={"w": 4, "p": 6},
            weights={"w": 50, "p": 50},
            majority=rules.SIMPLE,
            base=rules.PRESENT,
        ),
        rules.PRESENT,
    )
    # Workers: 3/4 for, 1/4 abstaining; parents 5/6 for, 1/6 against; half the vote each.
    assert present.in_favour == Fraction(3, 8) + Fraction(5, 12)
    assert present.against == Fraction(1, 12) and present.abstain == Fraction(1, 8)
    assert present.silent == 0
