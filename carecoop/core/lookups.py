"""Query expressions the ORM does not offer."""

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, F, Lookup
from django.db.models.sql.compiler import SQLCompiler


class OneOf(Lookup):
    """The column holds one of ``values``, sent as one parameter however many there are:
    ``= ANY(%s)`` with an array on PostgreSQL, the elements of a JSON array on SQLite.

    ``filter(child_id__in=ids)`` with a thousand ids prepares each id through a lookup object
    and writes a placeholder for each: on PostgreSQL the driver then quotes every one into the
    statement's text, and on both the statement differs with the count, so it is never the
    same twice. Meant for keys, days and identifiers; each distinct value is prepared once by
    the column's field. Use it in ``filter()``: ``filter(OneOf("child_id", ids))``.
    """

    lookup_name = "one_of"
    prepare_rhs = False

    def __init__(self, lhs: str | Expression, rhs: Iterable[Any]) -> None:
        super().__init__(F(lhs) if isinstance(lhs, str) else lhs, list(dict.fromkeys(rhs)))

    def _values(self, connection: BaseDatabaseWrapper) -> list[Any]:
        if not self.rhs:
            raise EmptyResultSet
        field = self.lhs.output_field
        return [field.get_db_prep_value(v, connection, prepared=False) for v in self.rhs]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        lhs, params = compiler.compile(self.lhs)
        values = self._values(connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Any]:
        lhs, params = compiler.compile(self.lhs)
        values = self._values(connection)
        # Cast to the column's type: the driver would name an array of small integers int2[].
        db_type = self.lhs.output_field.db_type(connection)
        cast = f"::{db_type}[]" if db_type else ""
        return f"{lhs} = ANY(%s{cast})", [*params, values]

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        lhs, params = compiler.compile(self.lhs)
        values = self._values(connection)  # as SQLite stores them: numbers, or text
        # The column's own SQL, compiled by Django; the values go as one parameter.
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, [*params, json.dumps(values)]
