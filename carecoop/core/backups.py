"""Backups of the whole database, and their restore: the registers, the books and the children's
records of every cooperative on the installation.

SQLite is copied with SQLite's online backup API, page by page, so the site can keep running;
PostgreSQL is dumped with ``pg_dump --format=custom`` and restored with ``pg_restore``. The
connection comes from the Django settings; a PostgreSQL password reaches the client tools through
a private password file, never on the command line. A backup holds personal data: its file and
its folder are readable by their owner only. See docs/operations.md."""

import datetime
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
# What the PostgreSQL client tools read from the environment, by the Django OPTIONS key.
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


class BackupError(Exception):
    """A backup or a restore that could not be done; nothing was changed."""


def vendor_of(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine in (
        "django.db.backends.postgresql",
        "carecoop.core.postgresql",
        "django.contrib.gis.db.backends.postgis",
    ):
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def backup_create(
    *, database: dict[str, Any], directory: Path, now: datetime.datetime | None = None
) -> Path:
    """Write a backup of ``database`` (a Django ``DATABASES`` entry) to a new file named by the
    time in UTC, ``carecoop-20260501T021500Z.sqlite3`` or ``….pgdump``, in ``directory``."""
    vendor = vendor_of(database)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"carecoop-{stamp}{SUFFIX[vendor]}"
    n = 1
    while target.exists():
        n += 1
        target = directory / f"carecoop-{stamp}-{n}{SUFFIX[vendor]}"
    # Written beside its final name and renamed when complete: a file with the final name is
    # always a whole backup, even if the machine stops half-way.
    partial = target.with_name(target.name + ".partial")
    partial.touch(mode=0o600)
    try:
        if vendor == "sqlite":
            _sqlite_backup(database, partial)
        else:
            _pg_run(database, ["pg_dump", "--format=custom", f"--file={partial}"])
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def backup_restore(*, database: dict[str, Any], path: Path, force: bool = False) -> None:
    """Restore the backup at ``path`` into ``database``. A database that already holds tables is
    refused unless ``force``: then its tables are replaced by the backup's."""
    vendor = vendor_of(database)
    if not path.is_file():
        raise BackupError(f"There is no backup file {path}.")
    if path.suffix != SUFFIX[vendor]:
        raise BackupError(
            f"{path.name} is not a {vendor} backup (its name should end in {SUFFIX[vendor]})."
        )
    if not force and not database_is_empty(database=database):
        raise BackupError(
            f"The database {database['NAME']} is not empty. Restore into an empty database, "
            "or pass --force to replace its contents with the backup."
        )
    if vendor == "sqlite":
        _sqlite_restore(database, path)
    else:
        command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction"]
        if force:
            command += ["--clean", "--if-exists"]
        _pg_run(database, [*command, f"--dbname={database['NAME']}", str(path)])


def database_is_empty(*, database: dict[str, Any]) -> bool:
    """True when the database holds no table of its own (a new, unmigrated database)."""
    if vendor_of(database) == "sqlite":
        with closing(_sqlite_connect(database["NAME"])) as conn:
            count = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        return int(count) == 0
    import psycopg

    with closing(psycopg.connect(**_pg_params(database))) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return row is not None and int(row[0]) == 0


# SQLite --------------------------------------------------------------------------------------


def _sqlite_connect(name: str | Path, *, read_only: bool = False) -> sqlite3.Connection:
    name = str(name)
    if name.startswith("file:"):  # an in-memory database shared in this process (the tests)
        return sqlite3.connect(name, uri=True)
    if read_only:
        return sqlite3.connect(f"{Path(name).resolve().as_uri()}?mode=ro", uri=True)
    return sqlite3.connect(name)


def _sqlite_backup(database: dict[str, Any], target: Path) -> None:
    try:
        with (
            closing(_sqlite_connect(database["NAME"], read_only=True)) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
            # One self-contained file, whatever journal the live database uses.
            copy.execute("PRAGMA journal_mode=DELETE")
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("The copy of the SQLite database failed its integrity check.")
    except sqlite3.Error as exc:
        raise BackupError(
            f"The SQLite database {database['NAME']} cannot be copied: {exc}"
        ) from exc


def _sqlite_restore(database: dict[str, Any], path: Path) -> None:
    try:
        with closing(_sqlite_connect(path, read_only=True)) as backup:
            if backup.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path.name} fails SQLite's integrity check.")
            with closing(_sqlite_connect(database["NAME"])) as live:
                backup.backup(live)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} cannot be restored: {exc}") from exc


# PostgreSQL ----------------------------------------------------------------------------------


def _pg_params(database: dict[str, Any]) -> dict[str, Any]:
    """psycopg's connection keywords for a Django ``DATABASES`` entry."""
    params = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
        "connect_timeout": 10,
    }
    options = database.get("OPTIONS") or {}
    params.update({k: v for k, v in options.items() if k in PG_OPTION_ENV})
    return {k: v for k, v in params.items() if v is not None}


def _passfile_line(password: str) -> str:
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"


@contextmanager
def _pg_environment(database: dict[str, Any]) -> Iterator[dict[str, str]]:
    """The client tools' environment: the connection in PG* variables, and the password in a
    password file that only this user can read and that is removed afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGDATABASE"] = str(database["NAME"])
    for key, variable in (("USER", "PGUSER"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if database.get(key):
            env[variable] = str(database[key])
    for option, value in (database.get("OPTIONS") or {}).items():
        if option in PG_OPTION_ENV:
            env[PG_OPTION_ENV[option]] = str(value)
    password = database.get("PASSWORD")
    if not password:
        yield env
        return
    with tempfile.TemporaryDirectory(prefix="carecoop-pg-") as folder:
        passfile = Path(folder) / "pgpass"
        passfile.touch(mode=0o600)
        passfile.write_text(_passfile_line(str(password)), encoding="utf-8")
        env["PGPASSFILE"] = str(passfile)
        yield env


def _pg_run(database: dict[str, Any], command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools "
            "(apt-get install postgresql-client) of the server's version or newer."
        )
    with _pg_environment(database) as env:
        done = subprocess.run(  # noqa: S603 (a fixed program, arguments from the settings)
            command, env=env, capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
