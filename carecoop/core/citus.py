"""Turning a migrated PostgreSQL database on a Citus coordinator into the distributed database:
every table of a cooperative's rows is distributed by ``coop_id``, all of them colocated (a
cooperative's rows of every table live on the same worker, so joins within a cooperative stay on
one node), and every other table (organisations, users, roles, sessions, Django's own) becomes a
reference table, copied to every worker. The keys were made for it by the schema editor
(``core.postgresql``); see docs/operations.md for the move and for growing a cluster."""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from carecoop.core.keys import COOP

TABLES = """
    SELECT c.relname,
           EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attname = 'coop_id' AND NOT a.attisdropped)
    FROM pg_class c
    WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
      AND NOT c.relispartition
    ORDER BY c.relname
"""
LINKS = """
    SELECT src.relname, con.conname, pg_get_constraintdef(con.oid)
    FROM pg_constraint con JOIN pg_class src ON src.oid = con.conrelid
    WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace
    ORDER BY src.relname, con.conname
"""
CITUS_TABLES = """
    SELECT logicalrelid::regclass::text, partmethod FROM pg_dist_partition
"""


class CitusError(Exception):
    pass


@dataclass
class Distributed:
    """What a run did: tables distributed by cooperative, tables made reference tables, and those
    already one or the other (a rerun does nothing to them)."""

    distributed: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    links: int = 0


def citus_version() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'citus'")
        row = cursor.fetchone()
    return row[0] if row else None


def citus_distribute(*, shard_count: int | None = None) -> Distributed:
    """Distribute what is not yet distributed, in one transaction: the foreign keys between the
    tables to convert are set aside, the tables converted (their rows copied to the shards and
    the coordinator's own copy emptied), and the keys put back, now checked across the shards.
    Safe to run again: tables already converted are left alone."""
    if citus_version() is None:
        raise CitusError(
            "This database is not on a Citus coordinator: CREATE EXTENSION citus first "
            "(docs/operations.md)."
        )
    result = Distributed()
    with transaction.atomic(), connection.cursor() as cursor:
        # Citus asks DDL on tables linked to reference tables to run shard after shard.
        cursor.execute("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
        if shard_count:
            cursor.execute("SELECT set_config('citus.shard_count', %s, true)", [str(shard_count)])
        cursor.execute(CITUS_TABLES)
        done = dict(cursor.fetchall())
        cursor.execute(TABLES)
        tables = [(name, owned) for name, owned in cursor.fetchall()]
        todo = [(name, owned) for name, owned in tables if name not in done]
        result.already = sorted(name for name, _owned in tables if name in done)
        # Every transaction of the site works one connection per node: a request may read or
        # write several shards and then a reference table (an organisation, a role), which
        # Citus allows only when the shards were reached that way.
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
        cursor.execute(
            f"ALTER DATABASE {_q(database)} SET citus.multi_shard_modify_mode TO 'sequential'"
        )
        if not todo:
            return result
        pending = {name for name, _owned in todo}
        cursor.execute(LINKS)
        links = [
            (table, name, definition)
            for table, name, definition in cursor.fetchall()
            if table in pending or _references(definition) in pending
        ]
        for table, name, _definition in links:
            cursor.execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
        anchor = next((name for name, kind in done.items() if kind == "h"), None)
        for name, owned in todo:
            if owned:
                colocate = anchor or "default"
                cursor.execute(
                    "SELECT create_distributed_table(%s, %s, colocate_with => %s)",
                    [_qualified(name), COOP, colocate],
                )
                anchor = anchor or _qualified(name)
                result.distributed.append(name)
            else:
                cursor.execute("SELECT create_reference_table(%s)", [_qualified(name)])
                result.reference.append(name)
            cursor.execute(
                "SELECT truncate_local_data_after_distributing_table(%s)", [_qualified(name)]
            )
        for table, name, definition in links:
            cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
        result.links = len(links)
    return result


def _references(definition: str) -> str:
    """The table a foreign key's definition (``pg_get_constraintdef``) points to."""
    target = definition.split(" REFERENCES ", 1)[1].split("(", 1)[0].strip()
    return target.removeprefix("public.").strip('"')


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _qualified(name: str) -> str:
    return f"public.{_q(name)}"


def distribution() -> dict[str, Any]:
    """How the tables are distributed now: counts by kind, and the tables still local."""
    with connection.cursor() as cursor:
        cursor.execute(CITUS_TABLES)
        done = dict(cursor.fetchall())
        cursor.execute(TABLES)
        tables = [name for name, _owned in cursor.fetchall()]
    kinds = {"h": "distributed", "n": "reference"}
    counts: dict[str, int] = {}
    for name in tables:
        kind = kinds.get(done.get(name, ""), "local")
        counts[kind] = counts.get(kind, 0) + 1
    return counts
