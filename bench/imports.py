"""Budget for bringing a large cooperative's registers in from files.

50,000 members (each with a household of her own, at one of 13 centres) and 50,000 children in
their parents' households (a tenth of that on SQLite), as a manager brings them in: the member
register's CSV file sent and checked (``members_upload``), then imported (``members_import``,
which checks it again against the register as it is and writes it), then the children's
register the same way. Every row is checked as the services check it, and every row written has
its history.

Against the database's own bulk path for the same rows, measured side by side in one run: on
PostgreSQL, ``COPY ... FROM STDIN`` (binary) of exactly the rows the import wrote, table by
table, read back after the first import; on SQLite, ``executemany`` of those rows. Both are
timed to the point where the database has checked every constraint (``SET CONSTRAINTS ALL
IMMEDIATE`` on PostgreSQL, where the foreign keys are otherwise checked at commit), then rolled
back, so each run starts from the same empty register. Budget: within 3x, medians of 3 runs.

The Python memory the import holds at its peak (tracemalloc, a run of its own) is reported
against a budget too: the file's rows are held once, as checked lines, never as model objects.

Runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one (a database of its
own is created and dropped). Exits non-zero when a budget is exceeded.
"""

import csv
import datetime
import io
import random
import statistics
import sys
import time
import tracemalloc

from harness import drop_database, fresh_database, report

ENGINE = fresh_database("carecoop_bench_imports")

from django.db import connection, transaction  # noqa: E402

MEMBERS = 50_000 if ENGINE == "PostgreSQL" else 5_000
CHILDREN = MEMBERS
RUNS = 3
BUDGET_RATIO = 3.0
BUDGET_PEAK_MB = 250.0


def setup():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django_scopes import scope

    from carecoop.members import services
    from carecoop.tenancy.models import Centre, Organisation

    coop = Organisation.objects.create(
        slug="moving-in",
        name="Moving in",
        kind="cooperative",
        ilo_type="workers",
        country="IN",
        currency="INR",
        languages="gu,hi,en",
        time_zone="Asia/Kolkata",
    )
    user = get_user_model().objects.create_user("bench.manager", password="x")
    with scope(coop=coop.pk):
        for i in range(13):
            Centre.objects.create(
                coop=coop,
                code=f"c{i}",
                name=f"Creche {i}",
                licensed_capacity=30,
                opens_at=datetime.time(9),
                closes_at=datetime.time(17),
            )
        for code, name in (("care-worker", "Care worker"), ("parent", "Parent")):
            services.member_class_create(coop=coop, by=user, code=code, name=name)
    return coop, user


def files(rng: random.Random) -> tuple[bytes, bytes]:
    """The member register and the children's register, as a cooperative's spreadsheet would
    save them: CSV, in the template's columns."""
    given = ["Meena", "Hansa", "Jyoti", "Kokila", "Rekha", "Savita", "Geeta", "Farzana", "Usha"]
    family = ["Patel", "Parmar", "Solanki", "Chauhan", "Makwana", "Vaghela", "Shaikh", "Rathod"]
    members, children = io.StringIO(), io.StringIO()
    out = csv.writer(members)
    out.writerow(
        [
            *("reference", "member number", "given name", "family name", "member class"),
            *("applied on", "admitted on", "phone", "sex", "date of birth", "centre"),
        ]
    )
    for i in range(MEMBERS):
        applied = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3000))
        admitted = applied + datetime.timedelta(days=30) if i % 10 else ""
        out.writerow(
            [
                *(f"M-{i}", i + 1, rng.choice(given), f"{rng.choice(family)} {i}"),
                *(("parent", "care-worker")[i % 2], applied, admitted, f"+91 98{i:08d}"),
                *("female", datetime.date(1970, 1, 1) + datetime.timedelta(days=i % 9000)),
                f"c{i % 13}",
            ]
        )
    out = csv.writer(children)
    out.writerow(
        [
            *("reference", "given name", "family name", "date of birth", "sex"),
            *("parent reference", "relation"),
        ]
    )
    for i in range(CHILDREN):
        parent = rng.randrange(MEMBERS)
        born = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(1500))
        out.writerow(
            [
                *(f"C-{i}", rng.choice(given), f"{rng.choice(family)} c{i}", born),
                *(rng.choice(["female", "male"]), f"M-{parent}", "mother"),
            ]
        )
    return members.getvalue().encode(), children.getvalue().encode()


def tables():  # type: ignore[no-untyped-def]
    """The tables an import of members and children writes, with their columns."""
    from carecoop.members.models import Guardianship, Household, Membership, Person, StatusChange

    found = []
    for model in (Household, Person, Membership, StatusChange, Guardianship):
        for m in (model, getattr(model, "history", None) and model.history.model):
            if m:
                found.append((m._meta.db_table, [f.column for f in m._meta.concrete_fields]))
    return found


def constraints_checked() -> None:
    """The database checks what it would check at commit (its deferred foreign keys)."""
    if ENGINE == "PostgreSQL":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def import_files(coop, user, members: bytes, children: bytes) -> None:  # type: ignore[no-untyped-def]
    """What the manager's pages do: each file sent (checked and kept), then imported."""
    from django_scopes import scope

    from carecoop.members import services

    with scope(coop=coop.pk):
        for name, content, upload, run in (
            ("members.csv", members, services.members_upload, services.members_import),
            ("children.csv", children, services.children_upload, services.children_import),
        ):
            plan, kept = upload(coop=coop, by=user, name=name, content=content)
            assert kept is not None, plan.problems[:5]
            done = run(upload=kept, by=user)
            assert not done.problems and len(done.new) == len(plan.new), done.problems[:5]
        constraints_checked()


def read_back(coop_id: int) -> tuple[dict[str, object], int]:
    """The rows the import wrote, table by table, as the bulk path takes them, and how many."""
    written: dict[str, object] = {}
    count = 0
    with connection.cursor() as cursor:
        for table, columns in tables():
            names = ", ".join(f'"{c}"' for c in columns)
            select = f'SELECT {names} FROM "{table}" WHERE coop_id = {int(coop_id)}'
            cursor.execute(f"SELECT count(*) FROM ({select}) AS written")
            count += cursor.fetchone()[0]
            if ENGINE == "PostgreSQL":
                data = bytearray()
                with cursor.cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT binary)") as copy:
                    for chunk in copy:
                        data += chunk
                written[table] = bytes(data)
            else:
                cursor.execute(select)
                written[table] = cursor.fetchall()
    return written, count


def bulk_path(written: dict[str, object]) -> None:
    """The same rows written by the database's own bulk path."""
    with connection.cursor() as cursor:
        for table, columns in tables():
            names = ", ".join(f'"{c}"' for c in columns)
            if ENGINE == "PostgreSQL":
                sql = f'COPY "{table}" ({names}) FROM STDIN (FORMAT binary)'
                with cursor.cursor.copy(sql) as copy:
                    copy.write(written[table])
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})', written[table]
                )
    constraints_checked()


def undone(run) -> float:  # type: ignore[no-untyped-def]
    """Seconds ``run`` takes in a transaction that is then rolled back."""
    with transaction.atomic():
        started = time.perf_counter()
        run()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def main() -> int:
    coop, user = setup()
    members, children = files(random.Random(11))
    if ENGINE == "PostgreSQL":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    written: dict[str, object] = {}
    counted = []

    def first() -> None:
        import_files(coop, user, members, children)
        rows, count = read_back(coop.pk)
        written.update(rows)
        counted.append(count)

    imports = [undone(first)]
    bulk = [undone(lambda: bulk_path(written))]
    for _ in range(RUNS - 1):
        imports.append(undone(lambda: import_files(coop, user, members, children)))
        bulk.append(undone(lambda: bulk_path(written)))
    tracemalloc.start()
    undone(lambda: import_files(coop, user, members, children))
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()

    ratio = statistics.median(imports) / statistics.median(bulk)
    size = (len(members) + len(children)) / 1e6
    rows = [
        (
            f"import / bulk path ({statistics.median(imports):.1f} / {statistics.median(bulk):.1f} s)",
            f"{ratio:.2f}x",
            f"<= {BUDGET_RATIO:.0f}x",
            ratio <= BUDGET_RATIO,
            f"{min(imports):.1f}-{max(imports):.1f} / {min(bulk):.1f}-{max(bulk):.1f} s",
        ),
        (
            "import, peak Python memory MB",
            f"{peak_mb:.0f}",
            f"< {BUDGET_PEAK_MB:.0f}",
            peak_mb < BUDGET_PEAK_MB,
        ),
    ]
    ok = report(
        f"Registers in from files on {ENGINE}: {MEMBERS:,} members and {CHILDREN:,} children "
        f"({size:.1f} MB of CSV; {counted[0]:,} rows written, history included)",
        rows,
    )
    drop_database("carecoop_bench_imports")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
