"""The schema editor that writes a cooperative's tables with keys that lead with the cooperative
(see ``base``). SQLite keeps Django's own keys: it is never sharded."""

from collections.abc import Iterator
from typing import Any

from django.db.backends.ddl_references import Columns, Statement, Table
from django.db.backends.postgresql.schema import DatabaseSchemaEditor

from carecoop.core.keys import COOP, owned


def key_columns(model: Any) -> list[str]:
    """The columns of the primary key of a cooperative's table: its cooperative and its id (or
    the cooperative alone, for a table of one row per cooperative)."""
    column = model._meta.pk.column
    return [COOP] if column == COOP else [COOP, column]


class CoopSchemaEditor(DatabaseSchemaEditor):
    # A column added with a link gets its foreign key from ``_create_fk_sql``, as a new table's do,
    # not inline with the column on ``id`` alone.
    sql_create_column_inline_fk = None  # type: ignore[assignment]
    _anchor: str | None = None
    _anchor_known = False

    def _iter_column_sql(
        self, column_db_type: Any, params: Any, model: Any, field: Any, *args: Any
    ) -> Iterator[str]:
        """A cooperative's table gets its primary key and its one-column unique constraints
        afterwards, with the cooperative in them (``create_model``, ``add_field``)."""
        for part in super()._iter_column_sql(column_db_type, params, model, field, *args):  # type: ignore[misc]
            if owned(model) and field.column != COOP and part in ("PRIMARY KEY", "UNIQUE"):
                continue
            yield part

    def create_model(self, model: Any) -> None:
        super().create_model(model)
        if owned(model) and model._meta.pk.column != COOP:
            table = model._meta.db_table
            self.execute(
                Statement(
                    self.sql_create_pk,
                    table=Table(table, self.quote_name),
                    name=self.quote_name(f"{table}_pkey"),
                    columns=Columns(table, key_columns(model), self.quote_name),
                )
            )
            for field in model._meta.local_fields:
                if field.unique and not field.primary_key and field.column != COOP:
                    self.execute(self._create_unique_sql(model, [field]))
        self._distribute(model)

    def _distribute(self, model: Any) -> None:
        """On a database already distributed by Citus (``manage.py citus_distribute``), a new
        table is distributed at once, before its foreign keys are written: a cooperative's table
        by cooperative, beside the others; any other as a reference table."""
        anchor = self._citus_anchor()
        if anchor is None:
            return
        table = f"public.{self.quote_name(model._meta.db_table)}"
        if owned(model):
            self.execute(
                "SELECT create_distributed_table(%s, %s, colocate_with => %s)",
                [table, COOP, anchor],
            )
        else:
            self.execute("SELECT create_reference_table(%s)", [table])

    def _citus_anchor(self) -> str | None:
        """A table distributed by cooperative, when the database is distributed by Citus."""
        if not self._anchor_known:
            self._anchor_known = True
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
                if cursor.fetchone():
                    cursor.execute(
                        "SELECT logicalrelid::regclass::text FROM pg_dist_partition "
                        "WHERE partmethod = 'h' ORDER BY logicalrelid LIMIT 1"
                    )
                    row = cursor.fetchone()
                    self._anchor = row[0] if row else None
        return self._anchor

    def add_field(self, model: Any, field: Any) -> None:
        super().add_field(model, field)
        if (
            owned(model)
            and field.unique
            and not field.primary_key
            and field.column not in (None, COOP)
        ):
            self.execute(self._create_unique_sql(model, [field]))

    def _unique_sql(self, model: Any, fields: Any, *args: Any, **kwargs: Any) -> Any:
        return super()._unique_sql(model, _with_coop(model, fields), *args, **kwargs)  # type: ignore[misc]

    def _create_unique_sql(self, model: Any, fields: Any, *args: Any, **kwargs: Any) -> Any:
        return super()._create_unique_sql(model, _with_coop(model, fields), *args, **kwargs)  # type: ignore[misc]

    def _create_fk_sql(self, model: Any, field: Any, suffix: str) -> Statement:
        """A link between two cooperatives' tables is ``(coop_id, x_id) → (coop_id, id)``: the row
        it names is of the same cooperative, and both live on the same shard."""
        target = field.target_field
        if not (owned(model) and owned(target.model) and target.primary_key) or COOP in (
            field.column,
            target.column,
        ):
            return super()._create_fk_sql(model, field, suffix)  # type: ignore[misc]
        statement = super()._create_fk_sql(model, field, suffix)  # type: ignore[misc]
        statement.parts["column"] = Columns(
            model._meta.db_table, [COOP, field.column], self.quote_name
        )
        statement.parts["to_column"] = Columns(
            target.model._meta.db_table, [COOP, target.column], self.quote_name
        )
        return statement

    def _constraint_names(
        self, model: Any, column_names: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        """Django looks up a field's foreign key or unique constraint by its column; on a
        cooperative's table the constraint names the cooperative's column first."""
        found: list[str] = super()._constraint_names(model, column_names, *args, **kwargs)  # type: ignore[misc]
        if not found and column_names and owned(model) and COOP not in column_names:
            found = super()._constraint_names(model, [COOP, *column_names], *args, **kwargs)  # type: ignore[misc]
        return found


def _with_coop(model: Any, fields: Any) -> Any:
    """``fields`` of a unique constraint, led by the cooperative's when the table is one of a
    cooperative's rows and they do not name it already."""
    if not fields or not owned(model) or any(f.column == COOP for f in fields):
        return fields
    return [model._meta.get_field("coop"), *fields]
