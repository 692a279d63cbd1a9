"""Django's compilers for PostgreSQL. While a deletion of a cooperative's rows is under way
(``core.keys.deleting``), its ``DELETE`` and ``UPDATE`` statements on a cooperative's tables also
name the cooperatives, so a database sharded by cooperative (Citus) sends each to the shards that
hold them rather than to every shard. Django's deletion writes by id alone."""

from typing import Any

from django.db.backends.postgresql import compiler
from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLInsertCompiler,
)

from carecoop.core.keys import COOP, coops_deleting, owned_model

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]


class _InDeletion:
    query: Any

    def as_sql(self, *args: Any, **kwargs: Any) -> Any:
        coops = coops_deleting()
        if coops and owned_model(self.query.model):
            self.query = self.query.clone()
            self.query.add_filter(f"{COOP}__in", sorted(coops))
        return super().as_sql(*args, **kwargs)  # type: ignore[misc]


class SQLDeleteCompiler(_InDeletion, compiler.SQLDeleteCompiler):
    pass


class SQLUpdateCompiler(_InDeletion, compiler.SQLUpdateCompiler):
    pass
