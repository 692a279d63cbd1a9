"""Many new rows of a cooperative written at once, with their history, by the database's own
bulk path: ``COPY`` on PostgreSQL (which Citus routes by each row's cooperative), batched
``INSERT`` statements elsewhere. An import of tens of thousands of rows writes them so, rather
than a statement a row (``members.services.imports``).

The caller has checked every row as the services would; the database's constraints still refuse
what slips through (a row written at the same time), and the transaction undoes it all. A row is
plain values (str, int, date, datetime, UUID, a JSON value, None) in the order of the columns it
names; the other fields take their defaults (one made by a function, such as a random UUID, is
made for each row), and a time a field records itself (``auto_now_add``) is the time of the
write."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import NOT_PROVIDED, Field, Model
from django.utils import timezone

from carecoop.core.types import Actor

# What a version of a row says beside its values: when, why, how (+ added, ~ changed) and by whom.
HISTORY = ("history_date", "history_change_reason", "history_type", "history_user_id")
# The kinds of field whose values the database does not take as Python holds them (a UUID is
# text on SQLite, JSON is wrapped): each value is prepared by its field. The others (text,
# numbers, dates, times) go as they are.
PREPARED = frozenset({"UUIDField", "JSONField", "BinaryField"})
# The rows an INSERT statement carries where there is no COPY.
BATCH = 500


def new_ids(model: type[Model], count: int) -> list[int]:
    """Ids for ``count`` new rows of ``model``, in order, for rows that others point at before
    they are written: taken from the table's own sequence (never a number another writer could
    take); on SQLite, where one writer writes at a time, the numbers after the last."""
    if count == 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(r[0] for r in cursor.fetchall())
        cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"')  # noqa: S608
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


def _rest(model: type[Model], columns: Sequence[str]) -> tuple[list[Field], tuple[Any, ...]]:
    """The fields a row does not name, but for an id the database numbers and a value it fills
    in itself (``db_default``), and their values: each field's default, or the time of the
    write for a time it records itself. A default that is made (a function: a random UUID) is
    made again for each row (``_made``)."""
    now = timezone.now()
    named = set(columns)
    pk = model._meta.pk
    rest = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in named
        and not (f is pk and f.get_internal_type().endswith("AutoField"))
        and not (f.db_default is not NOT_PROVIDED and not f.has_default())  # the database's
    ]
    values = tuple(
        now
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
        else f.get_default()
        for f in rest
    )
    return rest, values


def _made(rest: list[Field]) -> list[tuple[int, Field]]:
    """The fields among ``rest`` whose default is made by a function, with their places."""
    return [
        (i, f)
        for i, f in enumerate(rest)
        if f.has_default()
        and callable(f.default)
        and not (getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False))
    ]


def _each_made(
    rows: Iterable[Sequence[Any]], tail: tuple[Any, ...], made: list[tuple[int, Field]]
) -> Iterable[tuple[Any, ...]]:
    """``rows``, each with the values of the fields it does not name, those ``made`` anew."""
    for row in rows:
        values = list(tail)
        for i, f in made:
            values[i] = f.get_default()
        yield (*row, *values)


def _each_prepared(
    rows: Iterable[Sequence[Any]], tail: tuple[Any, ...], prepared: list[tuple[int, Field]]
) -> Iterable[tuple[Any, ...]]:
    """``rows`` with their values of the ``prepared`` fields as the database takes them."""
    for row in rows:
        values = [*row, *tail]
        for i, f in prepared:
            values[i] = f.get_db_prep_save(values[i], connection)
        yield tuple(values)


def rows_insert(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write new rows of ``model``, each its values of ``columns`` (attribute names: ``coop_id``,
    ``person_id``), in one ``COPY`` on PostgreSQL; how many were written."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest, tail = _rest(model, columns)
    made = _made(rest)
    if made:  # each row its own value of such a field
        rows, tail = _each_made(rows, tail, made), ()
    every = [fields[c] for c in columns] + rest
    prepared = [(i, f) for i, f in enumerate(every) if f.get_internal_type() in PREPARED]
    if prepared:
        rows, tail = _each_prepared(rows, tail, prepared), ()
    names = [f.column for f in every]
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    table = connection.ops.quote_name(model._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor, its errors as Django's (an IntegrityError is one).
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row((*row, *tail))
                    written += 1
            return written
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append((*row, *tail))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def history_insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    by: Actor,
    kind: str = "+",
    reason: str | None = None,
) -> int:
    """The history of rows of ``model`` written by ``rows_insert`` (``kind`` "+") or changed
    (``kind`` "~"): a version of each, as django-simple-history keeps it (the row's tracked
    values, with who, when and why). ``columns`` must name the row's ``id``."""
    history: type[Model] = model.history.model  # type: ignore[attr-defined]
    tracked = {f.attname for f in history._meta.concrete_fields}
    kept = [i for i, c in enumerate(columns) if c in tracked]
    extra = (timezone.now(), reason, kind, getattr(by, "pk", None))
    return rows_insert(
        history,
        [*(columns[i] for i in kept), *HISTORY],
        (tuple(row[i] for i in kept) + extra for row in rows),
    )


def rows_add(
    model: type[Model], columns: Sequence[str], rows: list[Sequence[Any]], *, by: Actor
) -> None:
    """New rows of ``model`` (``rows_insert``) and the first version of each (``history_insert``)."""
    rows_insert(model, columns, rows)
    history_insert(model, columns, rows, by=by)
