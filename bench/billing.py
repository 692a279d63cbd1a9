"""Budget for the monthly billing run.

- PostgreSQL: 400,000 children (about 250,000 households) billed in under a minute, and the
  run's throughput within 3x of the database's own bulk path loading the very same invoice and
  line rows into the same tables (same indexes, constraints and foreign keys), measured side by
  side in this run: COPY ... FROM STDIN on PostgreSQL; on SQLite, which has no bulk-load
  protocol, one prepared INSERT run over all rows in one transaction (what its own ``.import``
  does).
- SQLite: the same with 20,000 children (BENCH_CHILDREN overrides the count).

INSERT ... SELECT of the same rows (a copy inside the database, with no rows coming in) is shown
beside it for information.

Exits non-zero when a budget is exceeded.
"""

import datetime
import os
import sys
import time

from harness import drop_database, fresh_database, report

DB = "carecoop_bench_billing"
ENGINE = fresh_database(DB)

from decimal import Decimal  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django_scopes import scope  # noqa: E402

from carecoop.billing import services  # noqa: E402
from carecoop.billing.models import Invoice, InvoiceLine  # noqa: E402
from carecoop.care.models import Enrolment, Room  # noqa: E402
from carecoop.members.models import Household, Person  # noqa: E402
from carecoop.tenancy.models import (  # noqa: E402
    Centre,
    Organisation,
)

CHILDREN = int(os.environ.get("BENCH_CHILDREN", 400_000 if ENGINE == "PostgreSQL" else 20_000))
MONTH = datetime.date.today().replace(day=1)
PER_CENTRE = 100


def build() -> Organisation:
    coop = Organisation.objects.create(
        slug="bench",
        name="Bench",
        kind="cooperative",
        ilo_type="worker",
        country="IN",
        currency="INR",
        languages="en",
        time_zone="UTC",
    )
    started = time.perf_counter()
    with scope(coop=coop.pk), transaction.atomic():
        n_centres = max(1, CHILDREN // PER_CENTRE)
        Centre.objects.bulk_create(
            [
                Centre(
                    coop=coop,
                    code=f"c{i}",
                    name=f"Centre {i}",
                    licensed_capacity=PER_CENTRE,
                    opens_at=datetime.time(8),
                    closes_at=datetime.time(18),
                )
                for i in range(n_centres)
            ],
            batch_size=5000,
        )
        centres = list(Centre.objects.filter(coop=coop).order_by("pk"))
        Room.objects.bulk_create(
            [
                Room(
                    coop=coop,
                    centre=c,
                    name="All",
                    min_age_months=0,
                    max_age_months=72,
                    capacity=PER_CENTRE,
                )
                for c in centres
            ],
            batch_size=5000,
        )
        rooms = {r.centre_id: r for r in Room.objects.filter(coop=coop)}
        category = services.fee_category_create(coop=coop, by=None, code="all", name="All")
        for c in centres:
            services.fee_schedule_create(
                coop=coop,
                by=None,
                centre=c,
                category=category,
                amount=Decimal(175),
                effective_from=MONTH.replace(year=MONTH.year - 1),
                board_decision="bench",
                sibling_discount_percent=50,
            )
        households = [
            Household(
                coop=coop, name=f"H{i}", centre=centres[(i * 8 // 5) // PER_CENTRE % n_centres]
            )
            for i in range(CHILDREN * 5 // 8)
        ]
        Household.objects.bulk_create(households, batch_size=10_000)
        hh_ids = list(
            Household.objects.filter(coop=coop).order_by("pk").values_list("pk", flat=True)
        )
        people = [
            Person(
                coop=coop,
                given_name="Child",
                family_name=f"F{i}",
                date_of_birth=datetime.date(2023, 1, 1) + datetime.timedelta(days=i % 700),
                household_id=hh_ids[i * 5 // 8],
                household_relation="child",
            )
            for i in range(CHILDREN)
        ]
        Person.objects.bulk_create(people, batch_size=10_000)
        child_ids = list(
            Person.objects.filter(coop=coop).order_by("pk").values_list("pk", flat=True)
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    coop=coop,
                    child_id=child_id,
                    centre=centres[i // PER_CENTRE % n_centres],
                    room=rooms[centres[i // PER_CENTRE % n_centres].pk],
                    starts_on=MONTH - datetime.timedelta(days=30 if i % 10 else -10),
                )
                for i, child_id in enumerate(child_ids)
            ],
            batch_size=10_000,
        )
    print(f"built {CHILDREN:,} children in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return coop


def _hold() -> tuple[list[tuple], list[tuple]]:
    """The run's rows, read back, then deleted so that each path can insert them again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM billing_invoice ORDER BY id")
        invoices = [tuple(r) for r in cursor.fetchall()]
        cursor.execute("SELECT * FROM billing_invoiceline ORDER BY id")
        lines = [tuple(r) for r in cursor.fetchall()]
    return invoices, lines


def _empty() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM billing_invoiceline")
        cursor.execute("DELETE FROM billing_invoice")


def load_path(invoices: list[tuple], lines: list[tuple]) -> float:
    """Load the same rows from the client through the database's own bulk path."""
    _empty()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, rows in (("billing_invoice", invoices), ("billing_invoiceline", lines)):
            if ENGINE == "PostgreSQL":
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["?"] * len(rows[0]))
                cursor.cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    return time.perf_counter() - started


def main() -> int:
    coop = build()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 5 or done == total:
            last[0] = now
            print(f"  {done:,}/{total:,} households", file=sys.stderr)

    with scope(coop=coop.pk):
        started = time.perf_counter()
        result = services.billing_run(
            coop=coop, by=None, month=MONTH, batch_size=5000, progress=progress
        )
        run_seconds = time.perf_counter() - started
        invoices, lines = Invoice.objects.count(), InvoiceLine.objects.count()
        assert result.lines == lines and lines == CHILDREN, (result, lines)
        started = time.perf_counter()
        again = services.billing_run(coop=coop, by=None, month=MONTH)
        rerun_seconds = time.perf_counter() - started
        assert again.invoices == 0 and InvoiceLine.objects.count() == lines
        held = _hold()
        load_seconds = load_path(*held)
        assert Invoice.objects.count() == invoices and InvoiceLine.objects.count() == lines
    bulk = "COPY" if ENGINE == "PostgreSQL" else "prepared INSERT"
    ratio = run_seconds / load_seconds
    rows = [
        (
            f"billing run, {CHILDREN:,} children ({ENGINE})",
            f"{run_seconds:.1f} s",
            "< 60 s",
            run_seconds < 60,
        ),
        (
            f"run time / the same {invoices + lines:,} rows through {bulk} ({load_seconds:.1f} s)",
            f"{ratio:.2f}x",
            "<= 3x",
            ratio <= 3,
        ),
        # Writing nothing, a second run reads what the first wrote: at most half its time.
        (
            "second run (nothing to bill), s",
            f"{rerun_seconds:.1f}",
            f"< {run_seconds / 2:.1f}",
            rerun_seconds < run_seconds / 2,
        ),
    ]
    ok = report(f"Billing ({ENGINE})", rows)
    drop_database(DB)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
