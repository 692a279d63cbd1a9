"""Shared set-up for the benchmarks: a fresh database (SQLite file, or PostgreSQL when
DATABASE_URL points at one), Django configured, and a table of results against budgets."""

import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
SERVER_URL = os.environ.get("DATABASE_URL", "")
# Appended to every benchmark database's name, so that two checkouts can measure side by side.
SUFFIX = os.environ.get("BENCH_DB_SUFFIX", "")


def _migrations_key() -> str:
    """A digest of every migration file and Django's version: an empty database migrated under
    another key is not used."""
    import hashlib

    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted((ROOT / "carecoop").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _migrate(url: str) -> None:
    """Migrate the database at ``url`` in a process of its own (this one has not set Django up)."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def _empty_postgres(server: str) -> str:
    """The name of a migrated empty PostgreSQL database to copy (migrating from nothing takes most
    of a minute); made when the migrations have changed, and the older ones dropped."""
    import psycopg

    template = f"carecoop_bench_empty_{_migrations_key()}{SUFFIX}"
    pattern = re.compile(rf"carecoop_bench_empty_[0-9a-f]{{10}}{re.escape(SUFFIX)}")
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()]
        if template in names:
            return template
        for old in names:
            if pattern.fullmatch(old):
                conn.execute(f"DROP DATABASE IF EXISTS {old}")
        conn.execute(f"CREATE DATABASE {template}_partial")
    try:
        _migrate(f"{server}/{template}_partial")
    except BaseException:
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {template}_partial")
        raise
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {template}_partial RENAME TO {template}")
    return template


def _empty_sqlite() -> Path:
    """A migrated empty SQLite file to copy, made when the migrations have changed."""
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    template = var / f"bench_empty_{_migrations_key()}{SUFFIX}.sqlite3"
    if not template.exists():
        for old in var.glob(f"bench_empty_*{SUFFIX}.sqlite3"):
            if re.fullmatch(rf"bench_empty_[0-9a-f]{{10}}{re.escape(SUFFIX)}\.sqlite3", old.name):
                old.unlink()
        partial = template.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        _migrate(f"sqlite:///{partial}")
        partial.rename(template)
    return template


def fresh_database(name: str) -> str:
    """Point Django at an empty, migrated database called ``name`` (a copy of a migrated empty
    one kept beside it; ``migrate`` then runs to prove nothing is left); returns the engine's name."""
    name += SUFFIX
    if SERVER_URL.startswith("postgres"):
        import psycopg

        server = SERVER_URL.rsplit("/", 1)[0]
        template = _empty_postgres(server)
        with psycopg.connect(server + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        os.environ["DATABASE_URL"] = server + "/" + name
        engine = "PostgreSQL"
    else:
        import shutil

        template = _empty_sqlite()
        for suffix in ("", "-wal", "-shm"):
            (ROOT / "var" / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, ROOT / "var" / f"{name}.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / f'{name}.sqlite3'}"
        engine = "SQLite"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return engine


def drop_database(name: str) -> None:
    name += SUFFIX
    if SERVER_URL.startswith("postgres"):
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(SERVER_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")


REPEATS = 5  # every timing budget is the median of at least this many runs


@dataclass
class Timing:
    """Seconds of each run of one measurement; budgets compare the median, the spread is shown."""

    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def spread(self, scale: float = 1.0, digits: int = 2) -> str:
        """``min-max`` of the runs, in the unit of ``scale`` (1000 for milliseconds)."""
        return f"{min(self.runs) * scale:.{digits}f}-{max(self.runs) * scale:.{digits}f}"


def timed(run: Callable[[], object], repeats: int = REPEATS) -> Timing:
    """Time ``run`` ``repeats`` times (at least ``REPEATS``)."""
    runs = []
    for _ in range(max(repeats, REPEATS)):
        started = time.perf_counter()
        run()
        runs.append(time.perf_counter() - started)
    return Timing(runs)


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


# A row is (label, value, budget, within) or, for a timing, (label, value, budget, within, spread)
# where spread is the min-max of the runs whose median is the value.
Row = tuple[str, str, str, bool] | tuple[str, str, str, bool, str]


def report(title: str, rows: Sequence[Row]) -> bool:
    """Print the results with the machine's load; True when every budget holds. A row printed
    here is a budget that can fail: there is no row for information only."""
    print(f"\n{title}  ({machine_load()})")
    ok = True
    for label, value, budget, within, *rest in rows:
        ok &= within
        spread = f"  (runs {rest[0]})" if rest else ""
        print(
            f"  {label:<44} {value:>10}  budget {budget:<10} "
            f"{'ok' if within else 'OVER BUDGET'}{spread}"
        )
    return ok


def assembly_open(*, body, user, members):  # type: ignore[no-untyped-def]
    """A general assembly of ``body`` convened five minutes ago with every member of ``members``
    present, opened: ready for motions and elections."""
    import datetime

    from django.utils import timezone

    from carecoop.governance import services
    from carecoop.governance.models import Attendee

    starts = timezone.now() - datetime.timedelta(minutes=5)
    meeting = services.meeting_convene(
        body=body,
        by=user,
        title="GA",
        first_call_at=starts,
        notice_on=starts.date() - datetime.timedelta(days=30),
        place="Hall",
    )
    Attendee.objects.bulk_create(
        [
            Attendee(
                coop_id=body.coop_id,
                meeting=meeting,
                membership=m,
                member_class_id=m.member_class_id,
                presence="present",
            )
            for m in members
        ],
        batch_size=1000,
    )
    services.meeting_open(meeting=meeting, by=user)
    analyze()
    return meeting


def analyze() -> None:
    """Fresh statistics for rows the set-up wrote in bulk, as the autovacuum daemon gives them
    within a minute of such a write: the measured step should not take a plan made for the empty
    tables of a few milliseconds before."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gunicorn_start(settings: str, *options: str) -> tuple["subprocess.Popen[bytes]", str]:
    """gunicorn serving carecoop on a free loopback port with Django settings ``settings`` (a
    module under ``bench/`` or ``config/``), started and answering; returns the process (the
    caller terminates it) and its base URL."""
    import time
    import urllib.request

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--pythonpath",
            str(ROOT / "bench"),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *options,
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    return server, base
