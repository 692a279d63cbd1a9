"""Migration operations of carecoop's own."""

from typing import Any

from django.db import models
from django.db.migrations.operations.base import Operation

from carecoop.core.keys import COOP, owned
from carecoop.core.postgresql.schema import CoopSchemaEditor, key_columns


class CoopKeys(Operation):
    """Give a PostgreSQL database made before its keys led with the cooperative the keys that
    carecoop's schema editor writes for every new table (``core.postgresql``): primary keys
    ``(coop_id, id)``, unique constraints that name the cooperative, foreign keys between a
    cooperative's tables on ``(coop_id, x_id)``, and the cooperative required on every row of
    history. A database already in that shape, and SQLite, are left as they are, so the operation
    is safe wherever it runs. Going back leaves the keys: they fit the older schema too."""

    reversible = True
    reduces_to_sql = False

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if isinstance(schema_editor, CoopSchemaEditor):
            coop_keys(schema_editor, [m for m in to_state.apps.get_models() if _table(m)])

    def database_backwards(self, *args: Any) -> None:
        pass

    def describe(self) -> str:
        return "Keys that lead with the cooperative"


def _table(model: Any) -> bool:
    return bool(model._meta.managed and not model._meta.proxy and owned(model))


PRIMARY_KEYS = """
    SELECT c.relname, con.conname, array_agg(a.attname::text ORDER BY k.n)
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, n) ON true
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
    WHERE con.contype = 'p' AND c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace
    GROUP BY c.relname, con.conname
"""
REFERENCES = """
    SELECT src.relname, con.conname
    FROM pg_constraint con
    JOIN pg_class src ON src.oid = con.conrelid
    JOIN pg_class dst ON dst.oid = con.confrelid
    WHERE con.contype = 'f' AND dst.relname = ANY(%s) AND dst.relnamespace = 'public'::regnamespace
"""
UNIQUE_WITHOUT_COOP = """
    SELECT c.relname, i.relname, con.conname
    FROM pg_index x
    JOIN pg_class c ON c.oid = x.indrelid
    JOIN pg_class i ON i.oid = x.indexrelid
    LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype = 'u'
    WHERE x.indisunique AND NOT x.indisprimary AND c.relname = ANY(%s)
      AND c.relnamespace = 'public'::regnamespace
      AND NOT EXISTS (
        SELECT 1 FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attname = 'coop_id' AND a.attnum = ANY(x.indkey)
      )
"""


def coop_keys(editor: CoopSchemaEditor, tenant_models: list[Any]) -> None:
    """The work of ``CoopKeys`` on the tables of ``tenant_models``."""
    by_table = {m._meta.db_table: m for m in tenant_models}
    with editor.connection.cursor() as cursor:
        cursor.execute(PRIMARY_KEYS, [list(by_table)])
        keys = {table: (name, columns) for table, name, columns in cursor.fetchall()}
    reshape = [
        model
        for table, model in by_table.items()
        if table in keys and keys[table][1] != key_columns(model)
    ]
    if not reshape:
        return
    tables = [m._meta.db_table for m in reshape]
    quote = editor.quote_name
    with editor.connection.cursor() as cursor:
        cursor.execute(REFERENCES, [tables])
        references = cursor.fetchall()
        cursor.execute(UNIQUE_WITHOUT_COOP, [tables])
        uniques = cursor.fetchall()
    for table, name in references:
        editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for table, index, constraint in uniques:
        if constraint:
            editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}")
        else:
            editor.execute(f"DROP INDEX {quote(index)}")
    for model in reshape:
        table = model._meta.db_table
        editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(keys[table][0])}")
        editor.execute(
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(table + '_pkey')} "
            f"PRIMARY KEY ({', '.join(quote(c) for c in key_columns(model))})"
        )
        if not model._meta.get_field("coop").null:
            editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(COOP)} SET NOT NULL")
    unique_tables = {table for table, _index, _constraint in uniques}
    for model in reshape:
        if model._meta.db_table not in unique_tables:
            continue
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key and field.column != COOP:
                editor.execute(editor._create_unique_sql(model, [field]))
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and COOP not in _columns(
                model, constraint
            ):
                editor.execute(constraint.create_sql(model, editor))
    targets = set(tables)
    for model in tenant_models:
        for field in model._meta.local_fields:
            if (
                field.remote_field
                and field.db_constraint
                and field.target_field.model._meta.db_table in targets
                and owned(field.target_field.model)
            ):
                editor.execute(
                    editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
                )


def _columns(model: Any, constraint: models.UniqueConstraint) -> list[str]:
    return [model._meta.get_field(name).column for name in constraint.fields]
