"""Tables that single no one out (``core.disclosure``): every small count hidden, and no
hidden count recoverable from what is shown, checked here by linear programming written
apart from the module's own audit."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from carecoop.core.disclosure import (
    TOTAL,
    _audited,
    _lines,
    broken_down,
    recoverable,
    suppressed,
    with_totals,
)

THRESHOLD = 5


def _range(cells, hidden, key):
    """The least and the most ``key`` could be, the unknowns being the table's hidden inner
    counts, each total shown holding its row's or column's sum."""
    unknown = sorted((k for k in cells if k in hidden), key=repr)
    if not unknown:
        return (0, 0)
    at = {k: i for i, k in enumerate(unknown)}
    rows = {r for r, _c in cells}
    columns = {c for _r, c in cells}
    equations, sums = [], []
    groups = [((r, TOTAL), [k for k in cells if k[0] == r]) for r in rows]
    groups += [((TOTAL, c), [k for k in cells if k[1] == c]) for c in columns]
    groups.append(((TOTAL, TOTAL), list(cells)))
    for total, inside in groups:
        if total in hidden:
            continue
        row = np.zeros(len(unknown))
        for k in inside:
            if k in at:
                row[at[k]] = 1
        equations.append(row)
        sums.append(with_totals(cells)[total] - sum(cells[k] for k in inside if k not in at))
    inside = [key] if key in at else dict(groups)[key]  # a total: the sum of its counts
    goal = np.zeros(len(unknown))
    for k in inside:
        if k in at:
            goal[at[k]] = 1
    shown = sum(cells[k] for k in inside if k not in at)
    ends = []
    for sign in (1, -1):
        found = linprog(
            sign * goal,
            A_eq=np.array(equations) if equations else None,
            b_eq=np.array(sums) if sums else None,
            bounds=(0, None),
        )
        assert found.status in (0, 3), found.message  # 3: unbounded, no end on that side
        ends.append(np.inf * -sign if found.status == 3 else sign * found.fun + shown)
    return ends[0], ends[1]


def test_a_small_count_hides_a_rectangle_of_four():
    cells = {("a", "x"): 3, ("a", "y"): 10, ("b", "x"): 12, ("b", "y"): 20}
    hidden = suppressed(cells, threshold=THRESHOLD)
    assert hidden == set(cells)  # the totals stay: (a, x) is anything from 0 to 13
    low, high = _range(cells, hidden, ("a", "x"))
    assert (low, high) == (0, 13)


def test_a_row_of_one_small_count_hides_its_total_and_another_row_s():
    cells = {("a", "x"): 3, ("a", "y"): 0, ("b", "x"): 12, ("b", "y"): 20}
    hidden = suppressed(cells, threshold=THRESHOLD)
    assert {("a", "x"), ("a", TOTAL)} <= hidden
    assert ("a", "y") not in hidden  # a zero is shown
    low, high = _range(cells, hidden, ("a", "x"))
    assert high - low >= 1


def test_a_table_of_large_counts_hides_nothing():
    cells = {("a", "x"): 30, ("a", "y"): 10, ("b", "x"): 12, ("b", "y"): 20}
    assert suppressed(cells, threshold=THRESHOLD) == set()


tables = st.integers(1, 3).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(
            st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40)),
            min_size=rows * columns,
            max_size=rows * columns,
        ).map(
            lambda counts: {
                (f"r{i // columns}", f"c{i % columns}"): n for i, n in enumerate(counts)
            }
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(tables)
def test_no_small_count_can_be_recovered_from_what_is_shown(cells):
    hidden = suppressed(cells, threshold=THRESHOLD)
    full = with_totals(cells)
    assert {k for k, n in full.items() if 0 < n < THRESHOLD} <= hidden
    for key in hidden:
        if not 0 < full[key] < THRESHOLD:  # hidden only beside a small count: it may be given away
            continue
        low, high = _range(cells, hidden, key)
        assert high - low >= 1, (key, low, high, sorted(hidden))


@settings(max_examples=150, deadline=None)
@given(tables, st.randoms(use_true_random=False))
def test_the_quick_audit_finds_what_linear_programming_finds(cells, rng):
    """Any hidden counts of at least one: the null space's answer is the LP's."""
    full = with_totals(cells)
    positive = sorted((k for k, n in full.items() if n > 0), key=repr)
    hidden = {k for k in positive if rng.random() < 0.4}
    lines = _lines(cells)
    unknown = sorted(hidden, key=repr)
    quick = recoverable(full, hidden, lines)
    equations, sums = [], []
    at = {k: i for i, k in enumerate(unknown)}
    for inside, total in lines:
        row = np.zeros(len(unknown))
        known = 0.0
        for k in [*inside, total]:
            sign = -1 if k == total else 1
            if k in at:
                row[at[k]] += sign
            else:
                known += sign * full[k]
        if row.any():
            equations.append(row)
            sums.append(-known)
    assert quick == _audited(unknown, equations, sums)


def _breakdown(cells, above):
    fixed = [(TOTAL, c) for c in ["a", "b", "c", TOTAL]]
    chosen = suppressed(cells, threshold=THRESHOLD, forced=[(TOTAL, c) for c in above], fixed=fixed)
    return broken_down(cells, chosen, threshold=THRESHOLD, above=above)


def test_a_breakdown_hides_what_the_row_above_would_give_away_with_it():
    """The row above hides a and b (1 and 2 of its 10) and shows the rest: a + b is 3 to
    anyone. The first centre alone has children in a and b, and the second's zeros say so:
    the first centre's total, 3, would be given away by the row above whatever the centres
    hide of their counts of one or more; so the breakdown is hidden whole, zeros too."""
    cells = {("one", "a"): 1, ("one", "b"): 2, ("one", "c"): 0}
    cells |= {("two", "a"): 0, ("two", "b"): 0, ("two", "c"): 7}
    assert _breakdown(cells, ["a", "b"]) == set(cells) | {("one", TOTAL), ("two", TOTAL)}


def _joined(hidden, columns):
    """Whether the hidden counts join the columns: a path from each to each, from a column to
    a row by a hidden count of both."""
    graph = {}
    for row, column in hidden:
        graph.setdefault(("row", row), set()).add(("column", column))
        graph.setdefault(("column", column), set()).add(("row", row))
    seen, todo = set(), [("column", columns[0])]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += graph.get(node, ())
    return {("column", c) for c in columns} <= seen


def test_a_breakdown_keeps_the_row_above_s_hidden_counts_joined():
    """The row above (14, 3, 9; 26) hides every count, b (3) for being small. Each of its
    hidden counts lies on a cycle of the other table through another of them; which one, the
    other table does not say. Hiding the first centre's a and total and the second's b and c
    would tie a to the total only and b to c only: were the other table's cycles through a and
    b, and through c and the total, b would be given away. So the breakdown joins them all."""
    cells = {("one", "a"): 6, ("one", "b"): 0, ("one", "c"): 7}
    cells |= {("two", "a"): 8, ("two", "b"): 3, ("two", "c"): 2}
    above = ["a", "b", "c", TOTAL]
    fixed = [(TOTAL, c) for c in above]
    first = suppressed(cells, threshold=THRESHOLD, forced=fixed, fixed=fixed)
    assert {k for k in first if k[0] != TOTAL} == {
        ("one", "a"),
        ("one", TOTAL),
        ("two", "b"),
        ("two", "c"),
    }
    assert not _joined(first - set(fixed), above)
    hidden = _breakdown(cells, above)
    assert first - set(fixed) < hidden and _joined(hidden, above)
