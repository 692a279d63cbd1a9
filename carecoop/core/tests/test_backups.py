"""A backup restored into an empty database holds every row of every table, unchanged."""

import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from carecoop.core.backups import BackupError, _pg_params, backup_create, backup_restore

# The data must be committed for the backup to see it: no test transaction around these tests.
pytestmark = pytest.mark.django_db(transaction=True)


def _sqlite_dump(name: str) -> dict[str, list[str]]:
    """Every row of every table (SQLite's own sequence table included), in a stable order."""
    uri = name.startswith("file:")
    with closing(sqlite3.connect(name, uri=uri)) as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}


def _pg_dump(database: dict) -> dict[str, list[str]]:
    with closing(psycopg.connect(**_pg_params(database))) as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        dump = {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        # The sequences carry on where they were, so the next row does not collide.
        dump["(sequences)"] = sorted(
            map(
                repr,
                conn.execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                ),
            )
        )
        return dump


def _backup(tmp_path: Path) -> Path:
    call_command("backup", directory=tmp_path / "backups")
    (path,) = (tmp_path / "backups").iterdir()
    return path


def _assert_real_data(dump: dict[str, list[str]]) -> None:
    for table in ("members_person", "billing_invoice", "ledger_line", "auth_user"):
        assert dump[table], f"the world left {table} empty: the comparison would prove nothing"


@pytest.mark.sqlite
def test_sqlite_backup_restores_every_row_into_an_empty_database(world, tmp_path):
    assert connection.vendor == "sqlite", "run on SQLite; the PostgreSQL round trip is below"
    source = connection.settings_dict
    path = _backup(tmp_path)
    assert path.name.startswith("carecoop-") and path.suffix == ".sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data: the owner's only

    target = {**source, "NAME": str(tmp_path / "restored.sqlite3")}
    backup_restore(database=target, path=path)
    expected = _sqlite_dump(source["NAME"])
    _assert_real_data(expected)
    assert _sqlite_dump(target["NAME"]) == expected

    # A second restore over the restored database is refused, and changes nothing ...
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(database=target, path=path)
    # ... unless it is forced.
    backup_restore(database=target, path=path, force=True)
    assert _sqlite_dump(target["NAME"]) == expected


def test_restore_refuses_a_database_that_is_not_empty(world, tmp_path):
    path = _backup(tmp_path)
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(path))


def test_restore_refuses_a_file_that_is_not_a_backup(world, tmp_path):
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a"):
        call_command("restore", str(wrong), "--force")


@pytest.mark.postgres
def test_postgresql_backup_restores_every_row_into_an_empty_database(world, tmp_path):
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    source = connection.settings_dict
    path = _backup(tmp_path)
    assert path.suffix == ".pgdump"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    target = {**source, "NAME": f"{source['NAME']}_restored"}
    admin = {**source, "NAME": "postgres"}
    with closing(psycopg.connect(**_pg_params(admin), autocommit=True)) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{target["NAME"]}"')
    try:
        backup_restore(database=target, path=path)
        expected = _pg_dump(source)
        _assert_real_data(expected)
        assert _pg_dump(target) == expected

        with pytest.raises(BackupError, match="not empty"):
            backup_restore(database=target, path=path)
        backup_restore(database=target, path=path, force=True)
        assert _pg_dump(target) == expected
    finally:
        with closing(psycopg.connect(**_pg_params(admin), autocommit=True)) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')


def test_backup_of_a_missing_sqlite_database_says_so(tmp_path):
    missing = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "none.sqlite3")}
    with pytest.raises(BackupError, match="cannot be copied"):
        backup_create(database=missing, directory=tmp_path / "backups")
    assert list((tmp_path / "backups").iterdir()) == []  # no partial file left behind
