"""Tables of counts that single no one out.

A count of fewer people than the small-cell threshold (``CARECOOP_SMALL_CELL``) is hidden, and
so is any total that small (primary suppression). Hiding one count of a row whose total is
shown would let anyone recover it by subtraction, so more counts are hidden beside it
(complementary suppression): first so that no row or column, totals included, has exactly one
hidden count, the smallest others chosen; then the hidden counts are audited (``recoverable``)
for the least and the most each could be, given every count and total shown: while a small
count's least and most are the same, one more count beside it is hidden. A count hidden only
beside a small one may itself be given away: it singles no one out. A zero is shown: it singles
no one out either.

A table is a mapping of (row, column) to a count; its totals by row, by column and overall are
part of what is shown, named with ``TOTAL`` in place of the row or the column."""

import logging
from collections.abc import Callable, Collection, Hashable, Mapping
from typing import Any

import numpy as np
from scipy.optimize import linprog

log = logging.getLogger(__name__)

TOTAL = "total"
UNBOUNDED = 3  # ``linprog``'s status for a goal without an end

Key = tuple[Hashable, Hashable]
Node = tuple[str, Hashable]  # ("row", row) or ("column", column): a line of a table


def with_totals(cells: Mapping[Key, int]) -> dict[Key, int]:
    """The table with its totals: by row ``(row, TOTAL)``, by column ``(TOTAL, column)`` and
    overall ``(TOTAL, TOTAL)``."""
    rows: dict[Hashable, int] = {}
    columns: dict[Hashable, int] = {}
    for (row, column), count in cells.items():
        rows[row] = rows.get(row, 0) + count
        columns[column] = columns.get(column, 0) + count
    full: dict[Key, int] = dict(cells)
    full.update(((row, TOTAL), n) for row, n in rows.items())
    full.update(((TOTAL, column), n) for column, n in columns.items())
    if cells:
        full[(TOTAL, TOTAL)] = sum(rows.values())
    return full


def _lines(cells: Mapping[Key, int]) -> list[tuple[list[Key], Key]]:
    """Each row and each column of the table, the totals' own included: its counts and the
    total they add up to."""
    rows = list(dict.fromkeys(r for r, _c in cells))
    columns = list(dict.fromkeys(c for _r, c in cells))
    lines: list[tuple[list[Key], Key]] = []
    for row in [*rows, TOTAL]:
        inside = [(row, c) for c in columns if row == TOTAL or (row, c) in cells]
        lines.append((inside, (row, TOTAL)))
    for column in [*columns, TOTAL]:
        inside = [(r, column) for r in rows if column == TOTAL or (r, column) in cells]
        lines.append((inside, (TOTAL, column)))
    return lines


def recoverable(table: Mapping[Key, int], hidden: set[Key], lines: Any = None) -> set[Key]:
    """The hidden counts of ``table`` (totals included) that the shown ones give away: those
    whose least and most possible values, given every line's sum and no count below zero, are
    the same.

    Each count lies on two lines (its row and its column, a total on the line it totals too),
    with a coefficient of 1 or -1 on each; split the lines as rows and the totals' column on one
    side, columns and the totals' row on the other, and every count has its two coefficients
    alike across the split and opposite within it: the system is totally unimodular
    (Ghouila-Houri). So the moves that keep every sum are made of steps of one count up or down,
    and a hidden count of at least one can take a step either way unless no such move touches
    it: it is recoverable exactly when the equations alone fix it, when it is zero on every
    vector of the null space of the lines restricted to the hidden counts (one singular value
    decomposition, however many counts are hidden). A hidden zero has no room below it, and is
    audited by linear programming (``scipy.optimize.linprog``)."""
    if not hidden:
        return set()
    lines = (
        lines if lines is not None else _lines({k: v for k, v in table.items() if TOTAL not in k})
    )
    unknown = sorted(hidden, key=repr)
    at = {key: i for i, key in enumerate(unknown)}
    equations, sums = [], []
    for inside, total in lines:
        row = np.zeros(len(unknown))
        known = 0.0
        for key in inside:
            if key in at:
                row[at[key]] += 1
            else:
                known += table[key]
        if total in at:
            row[at[total]] -= 1
        else:
            known -= table[total]
        if row.any():
            equations.append(row)
            sums.append(-known)
    if all(table[key] >= 1 for key in unknown):
        return {unknown[i] for i in _fixed(np.array(equations), len(unknown))}
    return _audited(unknown, equations, sums)


def _fixed(equations: Any, count: int) -> list[int]:
    """The unknowns the equations fix: those with no part in any vector of their null space."""
    if len(equations) == 0:
        return []
    _u, singular, right = np.linalg.svd(equations)
    rank = int(np.sum(singular > 1e-9))
    null = right[rank:]  # rows spanning the null space
    if null.shape[0] == 0:
        return list(range(count))
    return [i for i in range(count) if np.all(np.abs(null[:, i]) < 1e-9)]


def _audited(unknown: list[Key], equations: list[Any], sums: list[float]) -> set[Key]:
    """``recoverable`` by linear programming: the least and the most each unknown can be."""
    at = {key: i for i, key in enumerate(unknown)}
    given: set[Key] = set()
    for key in unknown:
        ends = []
        for sign in (1, -1):
            goal = np.zeros(len(unknown))
            goal[at[key]] = sign
            found = linprog(
                goal,
                A_eq=np.array(equations) if equations else None,
                b_eq=np.array(sums) if sums else None,
                bounds=(0, None),
            )
            if found.status == UNBOUNDED:  # no line bounds it: it could be any number
                ends.append(-sign * np.inf)
            elif found.status == 0:
                ends.append(sign * found.fun)
            else:
                raise ValueError(f"the table's counts cannot be audited: {found.message}")
        if ends[1] - ends[0] < 0.5:  # counts are whole: less than one apart is one value
            given.add(key)
    return given


def suppressed(
    cells: Mapping[Key, int],
    *,
    threshold: int,
    forced: Collection[Key] = (),
    fixed: Collection[Key] = (),
    groups: Mapping[Hashable, Collection[Hashable]] | None = None,
) -> set[Key]:
    """The counts of ``cells`` and of its totals (``with_totals``) to hide: every count from 1
    to ``threshold`` - 1, and as many others as keep them from being recovered.

    A table that breaks down the counts of another (a cooperative's centres, whose totals are
    the cooperative's counts in its federation's table) hides what the other hides: its
    ``forced`` counts are hidden from the start, and its ``fixed`` ones, shown or hidden as the
    other decided, are never chosen to hide more.

    A table whose rows hold those of other tables (an apex's cooperatives, some of them a
    union's) is audited with them: ``groups`` names each other table's rows, whose totals by
    column, ``(group, column)``, are then counts of this table too (to be named in ``fixed``,
    and in ``forced`` where the other table hides them), each column of a group a line."""
    table = with_totals(cells)
    extra: list[tuple[list[Key], Key]] = []
    if groups:
        columns = [*dict.fromkeys(c for _r, c in cells), TOTAL]
        for group, members in groups.items():
            for column in columns:
                inside = [(r, column) for r in members if (r, column) in table]
                table[(group, column)] = sum(table[k] for k in inside)
                extra.append((inside, (group, column)))
    sensitive = {key for key, count in table.items() if 0 < count < threshold} | (
        set(forced) & set(table)
    )
    sensitive -= {key for key in fixed if key not in forced}
    if not sensitive:
        return set()
    lines = _lines(cells) + extra
    hidden = set(sensitive)

    def choosable(key: Key) -> bool:
        return key not in hidden and key not in fixed and table[key] > 0

    while True:
        changed = False
        for inside, total in lines:
            entries = [*inside, total]
            if sum(key in hidden for key in entries) != 1:
                continue
            shown = [k for k in entries if choosable(k)]
            if shown:  # The smallest other count, a count within the table before a total.
                hidden.add(min(shown, key=lambda k: (TOTAL in k, table[k], repr(k))))
                changed = True
        if changed:
            continue
        # A count hidden only to protect others may be given away; a sensitive one may not.
        given = recoverable(table, hidden, lines) & sensitive
        if not given:
            return hidden
        key = min(given, key=repr)
        row = key[0]
        beside = [k for k in table if k[0] == row and choosable(k)]
        beside = beside or [k for k in table if choosable(k)]
        if not beside:  # every count it may choose is hidden: the tables it is audited with fix
            log.warning("%d small counts of a table cannot be protected", len(given))
            return hidden
        hidden.add(min(beside, key=lambda k: (TOTAL in k, table[k], repr(k))))


def broken_down(
    cells: Mapping[Key, int],
    hidden: Collection[Key],
    *,
    threshold: int,
    above: Collection[Hashable],
) -> set[Key]:
    """The counts of a table that breaks down one row of another (a cooperative's centres, whose
    totals by column are its row of its federation's table) to hide, from ``hidden`` (chosen
    with that row fixed, ``suppressed``) on, so that neither table helps to recover the other's
    small counts, whatever else the other table hides or shows; ``above`` names the columns
    (``TOTAL`` included) the row hides.

    Each line of the two tables is a node and each count an arc between the two lines it lies
    on: the rows of the breakdown, and its columns, where the arcs of the row above leave for
    the rest of the other table. With every hidden count at least one, a hidden count can be
    moved a step up and down exactly when its arc lies on a cycle of hidden arcs: it is not a
    bridge of their graph. So the row's hidden arcs keep the cycles they had in the other table
    when the columns they leave from are joined by hidden arcs of the breakdown; and a small
    count of the breakdown is not recovered when its arc is no bridge, or when it is a bridge
    with just one of the row's hidden arcs beyond it, a small count of the row (which lies on a
    cycle of the other table through another of the row's hidden arcs, on this side). Counts
    are hidden, the smallest first, until both hold; when no count left to hide makes them
    hold, every count of the breakdown is hidden, zeros too."""
    table = with_totals(cells)
    inner = [key for key in table if key[0] != TOTAL]
    sensitive = {key for key in inner if 0 < table[key] < threshold}
    small_above = {c for c in above if 0 < table.get((TOTAL, c), 0) < threshold}
    chosen = set(hidden) & set(inner)
    while True:
        wanting = _breakdown_exposed(table, chosen, sensitive, set(above), small_above)
        if wanting is None:
            return chosen
        choices = [key for key in inner if key not in chosen and table[key] > 0]
        if not choices:
            return set(inner)
        near = [key for key in choices if wanting(key)] or choices
        chosen.add(min(near, key=lambda k: (TOTAL in k, table[k], repr(k))))


def _breakdown_exposed(
    table: Mapping[Key, int],
    hidden: set[Key],
    sensitive: set[Key],
    above: set[Hashable],
    small_above: set[Hashable],
) -> Callable[[Key], bool] | None:
    """None when ``broken_down``'s two conditions hold; else which counts to hide next would
    help (a test of a key)."""
    leaving: set[Node] = {("column", c) for c in above}
    part, bridges = _bridges([key for key in hidden if table[key] > 0], leaving)
    if len({part.get(node, node) for node in leaving}) > 1:  # not all joined
        first = min(leaving, key=repr)
        joined = {node for node, p in part.items() if p == part.get(first, first)} | {first}

        def joins(key: Key) -> bool:
            return (("row", key[0]) in joined) != (("column", key[1]) in joined)

        return joins
    for key, (one, other) in sorted(bridges.items(), key=lambda item: repr(item[0])):
        if key not in sensitive:
            continue
        if any(len(side) == 1 and side[0][1] in small_above for side in (one, other)):
            continue
        return _beside(key)
    return None


def _beside(key: Key) -> Callable[[Key], bool]:
    """A test of a key: whether it lies on the row or the column of ``key``."""
    return lambda other: other[0] == key[0] or other[1] == key[1]


def _bridges(
    arcs: list[Key], marked: set[Node]
) -> tuple[dict[Node, int], dict[Key, tuple[list[Node], list[Node]]]]:
    """The graph of ``arcs``, each (row, column) joining the nodes ("row", row) and ("column",
    column): the part each node is in, and each bridge with the ``marked`` nodes on either side
    of it (Tarjan's depth-first search)."""
    around: dict[Node, list[tuple[Node, Key]]] = {}
    for key in arcs:
        ends: tuple[Node, Node] = (("row", key[0]), ("column", key[1]))
        around.setdefault(ends[0], []).append((ends[1], key))
        around.setdefault(ends[1], []).append((ends[0], key))
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    below: dict[Node, list[Node]] = {}
    part: dict[Node, int] = {}
    roots: dict[int, Node] = {}
    found: dict[Key, list[Node]] = {}
    for root in around:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        below[root] = [root] if root in marked else []
        stack: list[tuple[Node, Key | None, Any]] = [(root, None, iter(around[root]))]
        members = [root]
        while stack:
            node, via, rest = stack[-1]
            for step, key in rest:
                if key == via:
                    continue
                if step in order:
                    low[node] = min(low[node], order[step])
                    continue
                order[step] = low[step] = len(order)
                below[step] = [step] if step in marked else []
                members.append(step)
                stack.append((step, key, iter(around[step])))
                break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    below[parent] += below[node]
                    if low[node] > order[parent]:
                        assert via is not None
                        found[via] = below[node]
        roots[order[root]] = root
        part.update((node, order[root]) for node in members)
    bridges = {}
    for key, side in found.items():
        whole = below[roots[part[("row", key[0])]]]
        bridges[key] = (side, [n for n in whole if n not in side])
    return part, bridges
