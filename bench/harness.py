"""Shared set-up for the benchmarks: a fresh database (SQLite file, or PostgreSQL when
DATABASE_URL points at one), Django configured, and a table of results against budgets."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
SERVER_URL = os.environ.get("DATABASE_URL", "")
# Appended to every benchmark database's name, so that two checkouts can measure side by side.
SUFFIX = os.environ.get("BENCH_DB_SUFFIX", "")


def fresh_database(name: str) -> str:
    """Point Django at an empty database called ``name``; returns the engine's name."""
    name += SUFFIX
    if SERVER_URL.startswith("postgres"):
        import psycopg

        with psycopg.connect(SERVER_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = SERVER_URL.rsplit("/", 1)[0] + "/" + name
        engine = "PostgreSQL"
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            (ROOT / "var" / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
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


def report(title: str, rows: list[tuple[str, str, str, bool]]) -> bool:
    """Print the results; True when every budget holds."""
    print(f"\n{title}")
    ok = True
    for label, value, budget, within in rows:
        ok &= within
        print(f"  {label:<44} {value:>10}  budget {budget:<10} {'ok' if within else 'OVER BUDGET'}")
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
    return meeting
