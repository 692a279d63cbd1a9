"""Helpers every app's services share."""

import datetime
import functools
import random
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connections, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecoop.core.models import SUBMISSION_KEY_LENGTH, Submission, Upload
from carecoop.core.types import Actor

P = ParamSpec("P")
R = TypeVar("R", bound=Model)
T = TypeVar("T")

FORM_EXPIRED = gettext_lazy(
    "This form has expired. Open it again and fill it in once more: nothing was recorded."
)


def validated_save(instance: Model, *, by: Actor) -> None:
    """Validate every field and constraint, then save, recording who made the change (the
    history row is written in the same transaction). A race that validation could not see ends
    as a validation error too, so callers have one kind of failure to show."""
    instance.full_clean()
    instance._history_user = by  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(_("This record conflicts with one saved at the same time.")) from exc


DEADLOCK_ATTEMPTS = 5


def atomic_retried(function: Callable[P, T]) -> Callable[P, T]:
    """``transaction.atomic``, tried again when the database chose it as a deadlock's victim.
    On one PostgreSQL the row locks of a counter queue politely; on Citus, ten writers of one
    row of a reference table (copied to every node) can lock its copies in different orders, and
    the cluster then cancels all but one. The victim's work is undone, so doing it again is
    safe; it waits a little, at random, so the writers do not meet again."""

    @functools.wraps(function)
    def retried(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(DEADLOCK_ATTEMPTS):
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except OperationalError as error:
                deadlock = getattr(error.__cause__, "sqlstate", None) == "40P01"
                if not deadlock or attempt == DEADLOCK_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    return retried


BULK_ROWS = 1_000  # rows written at once from which a service refreshes the tables' statistics


def tables_analyze(*models: type[Model]) -> None:
    """Refresh the planner's statistics of tables a service has just filled in bulk. Until the
    autovacuum daemon comes by, PostgreSQL still believes them as small as they were, and a
    query that joins them right away (a billing run's count of what it wrote) can take a plan
    fit for a few rows, which on a few hundred thousand reads the whole index once a row.
    Nothing on SQLite, whose planner keeps no statistics that go stale."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        return
    tables = ", ".join(db.ops.quote_name(model._meta.db_table) for model in models)
    with db.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def insert_rows(
    model: type[Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: bool = False,
) -> list[int]:
    """Insert ``rows`` (values of the fields ``names``, in that order) in a few multi-row
    INSERT statements: the bulk path for a service that writes thousands of rows it has already
    validated, without a model instance and a compiled expression per value (``bulk_create``
    costs ten times the database's own time there). Each value is prepared for the database by
    its field, once per distinct value. No signal is sent and no history row is written: the
    caller writes them. Returns the new primary keys in the order of ``rows`` when asked."""
    if not rows:
        return []
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not a proxy looked up per value
    fields = [model._meta.get_field(name) for name in names]
    quote = db.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    columns = ", ".join(quote(str(f.column)) for f in fields)  # type: ignore[union-attr]
    prepared = _prepared(db, fields, rows)
    if db.vendor == "postgresql":
        return _copy_rows(db, table, pk, columns, prepared, returning_ids=returning_ids)
    if db.vendor == "sqlite":
        db.ensure_connection()
        limit = db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = db.features.max_query_params or 65_535
    size = max(1, limit // len(fields))
    one = f"({', '.join(['%s'] * len(fields))})"
    ids: list[int] = []
    with db.cursor() as cursor:
        for start in range(0, len(prepared), size):
            chunk = prepared[start : start + size]
            # Table and column names come from the model, values go as parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}"  # noqa: S608
            if returning_ids:
                cursor.execute(f"{sql} RETURNING {pk}", [v for values in chunk for v in values])
                # Keys grow in the order the rows are inserted, whatever order RETURNING uses.
                ids.extend(sorted(key for (key,) in cursor.fetchall()))
            else:
                cursor.execute(sql, [v for values in chunk for v in values])
    return ids


def totals_add(
    model: type[Model],
    *,
    key: Sequence[str],
    conflict: str,
    amounts: Sequence[str],
    rows: Mapping[tuple[Any, ...], Sequence[int]],
) -> None:
    """Add ``rows`` (the values of the fields ``key`` -> the amounts to add to the fields
    ``amounts``) to the kept totals of ``model``: a row is created at the amounts, or the amounts
    are added to the row already there, in one ``INSERT … ON CONFLICT (conflict) DO UPDATE SET
    x = x + excluded.x``, which PostgreSQL and SQLite both speak. ``conflict`` is the key of the
    model's unique constraint, as SQL. Called by the service that writes what is totalled, in its
    transaction, so the totals change with the rows they sum or not at all. Rows are sent in key
    order: two transactions adding to the same totals lock them in the same order (a wait, never a
    deadlock). Rows that add nothing are left out."""
    adding = {k: v for k, v in rows.items() if any(v)}
    if not adding:
        return
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    fields = [model._meta.get_field(name) for name in (*key, *amounts)]
    columns = ", ".join(quote(str(f.column)) for f in fields)  # type: ignore[union-attr]
    added = ", ".join(
        f"{quote(str(f.column))} = {table}.{quote(str(f.column))} + excluded.{quote(str(f.column))}"  # type: ignore[union-attr]
        for f in fields[len(key) :]
    )
    one = f"({', '.join(['%s'] * len(fields))})"
    ordered = sorted(adding.items(), key=lambda kv: tuple((v is not None, v) for v in kv[0]))
    size = 500
    with db.cursor() as cursor:
        for start in range(0, len(ordered), size):
            chunk = ordered[start : start + size]
            # Table and column names come from the model, values go as parameters.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {added}",
                [
                    f.get_db_prep_save(v, db)  # type: ignore[union-attr]
                    for k, a in chunk
                    for f, v in zip(fields, (*k, *a), strict=True)
                ],
            )


def update_rows(
    model: type[Model],
    keys: Sequence[str],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Set the fields ``names`` of the rows found by the fields ``keys`` (each row of ``rows``
    gives the values of ``keys``, then of ``names``): one statement on PostgreSQL, an UPDATE
    joined to the new values sent as one array per column; elsewhere one prepared UPDATE run
    over every row (SQLite runs it without a round trip). The bulk path for rows already
    locked and validated, like ``insert_rows``: no signal is sent, no history row written."""
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]
    key_fields = [model._meta.get_field(name) for name in keys]
    fields = [model._meta.get_field(name) for name in names]
    prepared = _prepared(db, [*key_fields, *fields], rows)
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    key_columns = [quote(str(f.column)) for f in key_fields]  # type: ignore[union-attr]
    columns = [quote(str(f.column)) for f in fields]  # type: ignore[union-attr]
    # Table and column names come from the model, values go as parameters.
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            arrays = ", ".join(
                f"%s::{f.db_type(db)}[]"  # type: ignore[union-attr]
                for f in [*key_fields, *fields]
            )
            cursor.execute(
                f"UPDATE {table} SET "  # noqa: S608
                f"{', '.join(f'{c} = v.{c}' for c in columns)} "
                f"FROM unnest({arrays}) AS v ({', '.join([*key_columns, *columns])}) "
                f"WHERE {' AND '.join(f'{table}.{c} = v.{c}' for c in key_columns)}",
                [list(column) for column in zip(*prepared, strict=True)],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} "  # noqa: S608
            f"WHERE {' AND '.join(f'{c} = %s' for c in key_columns)}",
            [[*values[len(keys) :], *values[: len(keys)]] for values in prepared],
        )


def _prepared(
    db: Any, fields: Sequence[Any], rows: Sequence[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """The values of ``rows`` prepared for the database by their fields, a column at a time and
    each distinct value of a column once (keyed by its type too: 1, 1.0 and True are equal)."""
    columns = []
    for index, f in enumerate(fields):
        prepare = f.get_db_prep_save
        column = [row[index] for row in rows]
        keys = list(zip(map(type, column), column, strict=True))
        try:
            done = {key: prepare(key[1], db) for key in set(keys)}
        except TypeError:  # unhashable, as a JSON document
            columns.append([prepare(value, db) for value in column])
            continue
        columns.append([done[key] for key in keys])
    return list(zip(*columns, strict=True))


def _copy_rows(
    db: Any,
    table: str,
    pk: str,
    columns: str,
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: bool,
) -> list[int]:
    """PostgreSQL's COPY (a multi-row INSERT's parameters would be quoted one by one in Python);
    new keys are taken from the table's sequence first, in one query."""
    ids: list[int] = []
    with db.cursor() as cursor:
        if returning_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table.strip('"'), pk.strip('"'), len(rows)],
            )
            ids = [key for (key,) in cursor.fetchall()]
            columns = f"{pk}, {columns}"
            rows = [[key, *values] for key, values in zip(ids, rows, strict=True)]
        with (
            db.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for values in rows:
                copy.write_row(values)
    return ids


def submitted_once(coop_of: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The one way a write of money is sent once: a service called with a form's ``key`` claims
    it first thing in its transaction (a row of ``core.Submission``, unique per cooperative, that
    the database enforces), before any check or lock of its own. Sent again, or ten times at
    once, the same key writes nothing more: every other call waits for the first to commit, then
    gets back what it recorded (or is refused, with a message, if the key was sent to another
    form). If the first call fails, nothing is claimed and the form can be sent again.
    ``coop_of`` names the argument that gives the cooperative (``coop``, or a row of it). A call
    without a key (a billing run, an import, a script) is not a form and is not claimed."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        # Named as its app's services module names it (``carecoop.billing.services.payment_record``),
        # not by the file it is written in, so a form sent before the services were split into
        # modules by topic is still recognised when it is sent again after.
        app, services, _ = service.__module__.partition(".services")
        name = f"{app}{services}.{service.__qualname__}"

        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            key = str(kwargs.get("key") or "")
            if not key:
                return service(*args, **kwargs)
            owner = kwargs[coop_of]
            coop_id = getattr(owner, "pk" if coop_of == "coop" else "coop_id")
            with transaction.atomic():
                claimed, earlier = _claim(coop_id=coop_id, key=key, service=name)
                if claimed is None:
                    return cast(R, earlier)
                result = service(*args, **kwargs)
                claimed.record_model = result._meta.label
                claimed.record_id = result.pk
                claimed.save(update_fields=["record_model", "record_id"])
            return result

        wrapper.submitted_once = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _claim(*, coop_id: int, key: str, service: str) -> tuple[Submission | None, Any]:
    """Insert the submission: (the new row, None); or, if the key was sent before, (None, what
    that submission recorded). Under concurrency the insert waits on the unique index for the
    first transaction, so the lookup after it sees the committed row."""
    if len(key) > SUBMISSION_KEY_LENGTH:
        raise ValidationError(FORM_EXPIRED, code="form_expired")
    try:
        with transaction.atomic():
            return Submission.objects.create(coop_id=coop_id, key=key, service=service), None
    except IntegrityError:
        earlier = Submission.objects.filter(coop_id=coop_id, key=key).first()
        if earlier is None:
            raise
    if earlier.service != service or not earlier.record_model:
        raise ValidationError(
            _("This form was already sent for something else. Open it again."),
            code="form_used",
        )
    model = apps.get_model(earlier.record_model)
    return None, model._base_manager.get(pk=earlier.record_id, coop_id=coop_id)


def reference_clean(reference: str) -> str:
    """A payment's reference (a mobile money transaction id, a bank transfer's, a receipt
    book's number) as it is kept and shown: no space around it, one space between its words."""
    return " ".join(reference.split())


def reference_key(reference: str) -> str:
    """What makes two references the same payment: the cleaned reference, case folded, so that
    "MP-DUP-1" and " mp-dup-1 " are one payment, whoever typed it and however."""
    return reference_clean(reference).casefold()


def same_coop_check(coop_id: int, *objects: Any) -> None:
    """Refuse rows of another cooperative passed to a service (None is no row)."""
    for obj in objects:
        if obj is not None and obj.coop_id != coop_id:
            raise ValidationError(_("This choice belongs to another cooperative."))


def upload_create(*, coop: Any, by: Actor, register: str, name: str, content: bytes) -> Upload:
    """Keep a register's file, as sent, until it is imported (``Upload``). A file holds many
    people's data: one left unimported longer than ``CARECOOP_UPLOAD_KEEP_HOURS`` is deleted
    when the next is kept, and an imported one keeps only its name and counts
    (``upload_imported``)."""
    stale = timezone.now() - datetime.timedelta(hours=settings.CARECOOP_UPLOAD_KEEP_HOURS)
    Upload.objects.filter(coop_id=coop.pk, imported_at__isnull=True, uploaded_at__lt=stale).delete()
    upload = Upload(coop=coop, register=register, name=name[:200], content=content, uploaded_by=by)
    validated_save(upload, by=by)
    return upload


def upload_imported(upload: Upload, *, created: int, changed: int) -> None:
    """Mark a file imported (in the import's transaction, under its row lock), keeping its name
    and counts but not its content: what it held is in the registers now, audited there."""
    upload.imported_at = timezone.now()
    upload.created, upload.changed = created, changed
    upload.content = b""
    upload.save(update_fields=["imported_at", "created", "changed", "content"])
