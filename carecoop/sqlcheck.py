"""The statements a database sharded by cooperative (Citus) could not send to one shard, found in
the SQL the test suite sends to PostgreSQL.

Every statement of the PostgreSQL pass is recorded (``record``) and, once the suite is over,
parsed with PostgreSQL's own parser (pglast) and checked (``problems``):

- a join between two tables of a cooperative's rows must ask for their cooperatives to be equal;
- an ``EXISTS`` or ``IN`` subquery of such a table, in a statement on such a table, must name the
  subquery's cooperative (equal to the outer row's, or given);
- an ``UPDATE`` or ``DELETE`` of such a table must name the cooperative in its ``WHERE``;
- a ``SELECT`` of such a table by id must name the cooperative too (``LOOKUP``).

The suite fails on every kind (``failing()``), but on joins and subqueries only while
``CARECOOP_COOP_JOINS`` is on, as it is unless turned off to compare. Citus would run every one
of these statements correctly, on every shard; the check keeps each to the shards that hold the
rows it reaches.

A table of a cooperative's rows is one with a ``coop_id`` column; many-to-many links between
them go through such tables too."""

import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pglast
from pglast import ast
from pglast.enums import SubLinkType


def failing() -> tuple[str, ...]:
    """The kinds the suite fails on: all, but joins and subqueries only when joins are made to
    ask for equal cooperatives (``CARECOOP_COOP_JOINS``, on unless turned off to compare)."""
    from django.conf import settings

    always = ("UPDATE", "DELETE", "LOOKUP")
    return ("JOIN", "SUBQUERY", *always) if settings.CARECOOP_COOP_JOINS else always


_lock = threading.Lock()
_seen: set[str] = set()


def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """A database execute wrapper that keeps the text of every statement (once)."""
    if sql not in _seen:
        with _lock:
            _seen.add(sql)
    return execute(sql, params, many, context)


def recorded() -> set[str]:
    with _lock:
        return set(_seen)


def tenant_tables() -> set[str]:
    from django.apps import apps

    from carecoop.core.keys import owned

    return {
        model._meta.db_table for model in apps.get_models(include_auto_created=True) if owned(model)
    }


def _parsed(sql: str) -> tuple[Any, ...]:
    count = iter(range(1, 100_000))
    text = re.sub(r"%s", lambda _m: f"${next(count)}", sql).replace("%%", "%")
    return tuple(pglast.parse_sql(text))


def _walk(node: Any) -> Iterator[Any]:
    if isinstance(node, ast.Node):
        yield node
        for name in type(node).__slots__:
            yield from _walk(getattr(node, name, None))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item)


def _column(node: Any) -> tuple[str | None, str] | None:
    """(qualifier, column) of a column reference, through parentheses and casts."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if not isinstance(node, ast.ColumnRef):
        return None
    names = [f.sval for f in node.fields if isinstance(f, ast.String)]
    if not names:
        return None
    return (names[-2] if len(names) > 1 else None, names[-1])


def _equalities(node: Any) -> Iterable[tuple[Any, Any]]:
    """The pairs of columns said to be equal anywhere in a condition."""
    for n in _walk(node):
        if isinstance(n, ast.A_Expr) and [s.sval for s in n.name or ()] == ["="]:
            left, right = _column(n.lexpr), _column(n.rexpr)
            if left and right:
                yield left, right


def _names(stmt: Any) -> dict[str, str]:
    """Each alias (or table name) of the statement: the table it stands for."""
    names = {}
    for n in _walk(stmt):
        if isinstance(n, ast.RangeVar):
            names[n.relname] = n.relname
            if n.alias is not None:
                names[n.alias.aliasname] = n.relname
    return names


def _coop_named(where: Any, names: set[str | None]) -> bool:
    for n in _walk(where):
        if isinstance(n, ast.A_Expr):
            for side in (n.lexpr, n.rexpr):
                column = _column(side)
                if column and column[1] == "coop_id" and column[0] in names:
                    return True
    return False


def problems(sql: str, tenant: set[str]) -> list[str]:
    """What in ``sql`` a database sharded by cooperative could not route to one shard."""
    try:
        statements = _parsed(sql)
    except pglast.parser.ParseError:
        return []  # not PostgreSQL's (a statement of another database): nothing to check
    found = []
    for raw in statements:
        stmt = raw.stmt
        names = _names(stmt)
        for n in _walk(stmt):
            if isinstance(n, ast.JoinExpr) and isinstance(n.rarg, ast.RangeVar):
                found += _join_problems(n, names, tenant)
            if isinstance(n, ast.SelectStmt | ast.UpdateStmt | ast.DeleteStmt):
                found += _subquery_problems(n, tenant)
            if isinstance(n, ast.SelectStmt) and (table := _by_id_alone(n, tenant)):
                found.append(f"LOOKUP {table} by id without its cooperative")
            if isinstance(n, ast.UpdateStmt | ast.DeleteStmt) and n.relation.relname in tenant:
                table = n.relation.relname
                own = {table, None} | ({n.relation.alias.aliasname} if n.relation.alias else set())
                if not _coop_named(n.whereClause, own):
                    kind = "UPDATE" if isinstance(n, ast.UpdateStmt) else "DELETE"
                    found.append(f"{kind} {table} without its cooperative")
    return found


def _by_id_alone(select: Any, tenant: set[str]) -> str | None:
    """The table a one-table select of a cooperative's rows reads by id alone, if it does."""
    tables = [r for r in select.fromClause or () if isinstance(r, ast.RangeVar)]
    if len(tables) != 1 or len(select.fromClause) != 1 or tables[0].relname not in tenant:
        return None
    own = {tables[0].relname, None} | ({tables[0].alias.aliasname} if tables[0].alias else set())
    by_id = any(
        isinstance(n, ast.A_Expr)
        and (column := _column(n.lexpr)) is not None
        and column[1] == "id"
        and column[0] in own
        for n in _walk(select.whereClause)
    )
    return tables[0].relname if by_id and not _coop_named(select.whereClause, own) else None


def _tables(from_clause: Any) -> list[Any]:
    """The tables a ``FROM`` reads directly (through its joins, not its subqueries)."""
    found = []
    for item in from_clause or ():
        if isinstance(item, ast.RangeVar):
            found.append(item)
        elif isinstance(item, ast.JoinExpr):
            found += _tables((item.larg, item.rarg))
    return found


def _sublinks(node: Any) -> Iterator[Any]:
    """The ``EXISTS``, ``IN``, ``ANY`` and ``ALL`` subqueries of a statement's own conditions
    and columns (those of its subqueries belong to them)."""
    if isinstance(node, ast.SubLink):
        if node.subLinkType in (
            SubLinkType.EXISTS_SUBLINK,
            SubLinkType.ANY_SUBLINK,
            SubLinkType.ALL_SUBLINK,
        ):
            yield node
        yield from _sublinks(node.testexpr)
    elif isinstance(node, ast.Node) and not isinstance(node, ast.SelectStmt | ast.RangeSubselect):
        for name in type(node).__slots__:
            yield from _sublinks(getattr(node, name, None))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _sublinks(item)


def _subquery_problems(node: Any, tenant: set[str]) -> list[str]:
    """An ``EXISTS`` or ``IN`` subquery that reads a cooperative's rows, for a statement that
    reads them too, must name its cooperative: equal to the outer row's, or a given one."""
    if isinstance(node, ast.SelectStmt):
        outer, own = (
            _tables(node.fromClause),
            (node.whereClause, node.targetList, node.havingClause),
        )
    else:  # UPDATE or DELETE
        outer, own = [node.relation], (node.whereClause,)
    outer_tenant = sorted({t.relname for t in outer} & tenant)
    found = []
    for link in _sublinks(own) if outer_tenant else ():
        select = link.subselect
        inner = [t for t in _tables(getattr(select, "fromClause", None)) if t.relname in tenant]
        if not inner:
            continue
        names = {None} | {t.alias.aliasname if t.alias else t.relname for t in inner}
        quals = [select.whereClause] + [
            n.quals for n in _walk(select.fromClause) if isinstance(n, ast.JoinExpr)
        ]
        if not _coop_named(quals, names):
            found.append(
                f"SUBQUERY {inner[0].relname} in {outer_tenant[0]} without its cooperative"
            )
    return found


def _join_problems(join: Any, names: dict[str, str], tenant: set[str]) -> list[str]:
    right = join.rarg.alias.aliasname if join.rarg.alias else join.rarg.relname
    if names.get(right) not in tenant:
        return []
    pairs = list(_equalities(join.quals))
    others = {
        qualifier
        for pair in pairs
        for qualifier, _column_name in pair
        if qualifier not in (right, None) and names.get(qualifier) in tenant
    }
    coop_equal = {
        frozenset((a[0], b[0])) for a, b in pairs if a[1] == "coop_id" and b[1] == "coop_id"
    }
    return [
        f"JOIN {names[right]} to {names[other]} without equal cooperatives"
        for other in sorted(others)
        if frozenset((right, other)) not in coop_equal
    ]


def report(statements: Iterable[str]) -> dict[str, list[str]]:
    """Each problem found: the statements (their first 300 characters) that have it."""
    tenant = tenant_tables()
    found: dict[str, list[str]] = {}
    for sql in statements:
        for problem in problems(sql, tenant):
            found.setdefault(problem, []).append(sql[:300])
    return found
