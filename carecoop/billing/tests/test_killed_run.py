"""A billing run killed half-way (SIGKILL, in the middle of a batch) and run again gives the very
invoices, lines and ledger entries that one uninterrupted run gives.

Two identical cooperatives are built and committed. ``manage.py billing_run`` bills the first in a
subprocess and is killed with SIGKILL once its progress bar shows the first batch done, while it
is writing the second; the command is then run again. The second cooperative is billed once,
without interruption, and is the yardstick: household by household the invoices (numbers,
amounts, lines) must be the same, and so must the ledger entries, their totals and the record of
the run, with nothing billed twice.

The command bills in batches of ``billing_run``'s default size, each batch committed on its own.
A batch of that size takes a fraction of a second, too short a window to kill it in reliably,
so the test holds the run at its second batch with a real lock: in an open transaction it begins
an invoice of its own for the last household (billed in the second batch) and so makes the run's
insert of that household's invoice wait on the one-invoice-per-household-and-month unique index
until the test rolls back. The run is killed while it waits, its invoice numbers reserved, its
ledger entry posted and its invoices half copied, none of it committed.

A subprocess cannot share SQLite's in-memory test database: this runs in the PostgreSQL pass.
"""

import datetime
import inspect
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django_scopes import scope

from carecoop.billing import services
from carecoop.billing.fees import month_start
from carecoop.billing.models import BillingRun, Invoice, InvoiceLine, RunStatus
from carecoop.care import services as care
from carecoop.care.models import Enrolment
from carecoop.care.tests.factories import RoomFactory
from carecoop.core.models import Counter
from carecoop.ledger import chart
from carecoop.ledger.models import Entry, Line
from carecoop.ledger.selectors import account_balance, trial_balance
from carecoop.members.models import Household, Person
from carecoop.tenancy.tests.factories import CentreFactory, OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]  # where manage.py is
BATCH = inspect.signature(services.billing_run).parameters["batch_size"].default
HOUSEHOLDS = BATCH + BATCH // 2  # a whole first batch, and a second one of half its size
WATCHDOG_SECONDS = 120


def _children_of(i: int) -> int:
    return 1 + i % 3


def _cooperative(slug: str, month: datetime.date, today: datetime.date):
    """A cooperative of two centres, each with a members' pool, and HOUSEHOLDS households of one
    to three children: members' and community fees, sibling discounts, children starting or
    leaving mid-month, a few households with children in both centres. Built the same way for
    every ``slug``, so two of them differ only in their primary keys."""
    coop = OrganisationFactory(slug=slug, name=slug)
    with scope(coop=coop.pk):
        centres, rooms, pools = [], {}, {}
        for code in ("north", "south"):
            centre = CentreFactory(coop=coop, code=code, name=code, licensed_capacity=5000)
            centres.append(centre)
            rooms[centre.pk] = RoomFactory(coop=coop, centre=centre, name="All", capacity=5000)
            pools[centre.pk] = care.pool_create(centre=centre, by=None, name="Members", places=2500)
        community = services.fee_category_create(
            coop=coop, by=None, code="community", name="Community"
        )
        fees_by_centre = {"north": ("175", "250"), "south": ("200", "300")}
        for centre in centres:
            members = services.fee_category_create(
                coop=coop,
                by=None,
                code=f"members-{centre.code}",
                name=f"Members {centre.code}",
                pool=pools[centre.pk],
            )
            for category, amount in zip(
                (members, community), fees_by_centre[centre.code], strict=True
            ):
                services.fee_schedule_create(
                    coop=coop,
                    by=None,
                    centre=centre,
                    category=category,
                    amount=Decimal(amount),
                    effective_from=month.replace(year=month.year - 2),
                    board_decision="Board 2025/07",
                    sibling_discount_percent=50,
                    prorate=True,
                )
        # Thousands of rows: in bulk (the factories and enrolment_create would take minutes).
        households = Household.objects.bulk_create(
            Household(coop=coop, name=f"H{i:05d}", centre=centres[i % 2]) for i in range(HOUSEHOLDS)
        )
        plan = [
            (i, j, household)
            for i, household in enumerate(households)
            for j in range(_children_of(i))
        ]
        children = Person.objects.bulk_create(
            Person(
                coop=coop,
                given_name=f"Child{j}",
                family_name=household.name,
                date_of_birth=today - datetime.timedelta(days=365 * 3 + j),
                household=household,
                household_relation="child",
                search_text=f"child{j} {household.name}".casefold(),
            )
            for i, j, household in plan
        )
        enrolments = []
        for (i, j, _household), child in zip(plan, children, strict=True):
            centre = centres[(i + (j if i % 7 == 0 else 0)) % 2]
            starts_on = month - datetime.timedelta(days=60)
            if i % 11 == 0 and j == 0:
                starts_on = month + datetime.timedelta(days=9)
            enrolments.append(
                Enrolment(
                    coop=coop,
                    child=child,
                    centre=centre,
                    room=rooms[centre.pk],
                    pool=pools[centre.pk] if (i + j) % 2 == 0 else None,
                    starts_on=starts_on,
                    ends_on=month + datetime.timedelta(days=19) if i % 13 == 5 else None,
                )
            )
        Enrolment.objects.bulk_create(enrolments)
    return coop


def _command(slug: str, month: datetime.date) -> list[str]:
    return [sys.executable, "manage.py", "billing_run", "--coop", slug, "--month", f"{month:%Y-%m}"]


def _environment() -> dict[str, str]:
    """This process's environment, pointed at the test database (``test_`` + the configured
    name on PostgreSQL), so that the command sees the rows this test committed."""
    url = urlsplit(os.environ["DATABASE_URL"])
    test_database = connection.settings_dict["NAME"]
    return {
        **os.environ,
        "DATABASE_URL": urlunsplit(url._replace(path=f"/{test_database}")),
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
    }


def _read_stderr_until(process: subprocess.Popen, text: str) -> str:
    """What the process wrote on stderr until ``text`` (a progress bar has no newlines)."""
    seen = b""
    while text.encode() not in seen:
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            pytest.fail(f"The run ended before showing {text!r}:\n{seen.decode()}")
        seen += chunk
    return seen.decode()


def _session_waiting_on_this_one() -> int:
    """The process id of the database session that waits for a lock this session holds."""
    deadline = time.monotonic() + WATCHDOG_SECONDS
    with connection.cursor() as cursor:
        while True:
            # pg_locks, unlike pg_stat_activity, is not a snapshot taken once per transaction.
            cursor.execute(
                "SELECT pid FROM pg_locks "
                "WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            row = cursor.fetchone()
            if row is not None:
                return row[0]
            assert time.monotonic() < deadline, "The run never reached the held household."
            time.sleep(0.02)  # polls a condition; nothing depends on how long it takes


def _outcome(coop) -> dict:
    """Everything a billing run leaves in a cooperative, keyed by household name, centre code and
    account code so that two cooperatives built alike can be compared."""
    with scope(coop=coop.pk):
        lines = defaultdict(list)
        for household, *line in InvoiceLine.objects.values_list(
            "invoice__household__name",
            "description",
            "month",
            "centre__code",
            "schedule__category__code",
            "full_minor",
            "days",
            "month_days",
            "discount_minor",
            "absence_credit_minor",
            "amount_minor",
        ):
            lines[household].append(tuple(line))
        invoices = {
            household: (tuple(invoice), sorted(lines[household]))
            for household, *invoice in Invoice.objects.values_list(
                "household__name",
                "number",
                "month",
                "centre__code",
                "currency",
                "total_minor",
                "paid_minor",
                "waived_minor",
                "status",
                "entry__source_key",
            )  # issued_on and due_on left out: the runs could straddle midnight
        }
        ledger = sorted(
            Line.objects.values_list(
                "entry__source_key",
                "entry__memo",
                "entry__date",
                "account__code",
                "centre__code",
                "amount_minor",
            )
        )
        return {
            "invoices": invoices,
            "invoice_rows": Invoice.objects.count(),
            "invoiced": Invoice.objects.aggregate(total=Sum("total_minor"))["total"],
            "line_rows": InvoiceLine.objects.count(),
            "entries": Entry.objects.count(),
            "ledger": ledger,
            "receivable": account_balance(coop_id=coop.pk, code=chart.FEES_RECEIVABLE),
            "income": account_balance(coop_id=coop.pk, code=chart.FEE_INCOME),
            "balanced": trial_balance(coop=coop).balanced,
            "run": BillingRun.objects.values(
                "month", "status", "invoices", "lines", "skipped", "message"
            ).get(),
            "invoice_numbers_given": Counter.objects.get(key="billing.invoice").value,
        }


def test_a_billing_run_killed_half_way_and_run_again_bills_as_one_clean_run(today):
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    month = month_start(today)
    killed = _cooperative("killed-coop", month, today)
    clean = _cooperative("clean-coop", month, today)
    children = sum(_children_of(i) for i in range(HOUSEHOLDS))
    children_in_first_batch = sum(_children_of(i) for i in range(BATCH))
    with scope(coop=killed.pk):
        held = Household.objects.order_by("pk").last()  # households are billed in pk order

    # Run the command and kill it in its second batch, held at the last household.
    with transaction.atomic(), scope(coop=killed.pk):
        Invoice.objects.create(
            coop=killed,
            household=held,
            centre=held.centre,
            month=month,
            number="held-by-the-test",
            currency=killed.currency,
            total_minor=0,
            issued_on=today,
            due_on=today,
        )
        run = subprocess.Popen(
            _command("killed-coop", month),
            cwd=ROOT,
            env=_environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        watchdog = threading.Timer(WATCHDOG_SECONDS, run.kill)
        watchdog.start()
        try:
            progress = _read_stderr_until(run, f"] {BATCH}/{HOUSEHOLDS} households")
            assert _session_waiting_on_this_one()  # the run, blocked in its second batch
            run.send_signal(signal.SIGKILL)
            run.wait()
        finally:
            watchdog.cancel()
            run.stderr.close()
        transaction.set_rollback(True)  # the test's invoice goes; the killed run may go on

    assert run.returncode == -signal.SIGKILL
    assert f"{HOUSEHOLDS}/{HOUSEHOLDS}" not in progress
    # The run's database session outlives the process until it finds its client gone: it holds
    # the invoice number sequence from its second batch until it has rolled that batch back.
    with transaction.atomic(), scope(coop=killed.pk):
        Counter.objects.select_for_update().get(key="billing.invoice")
    half = _outcome(killed)
    assert half["invoice_rows"] == BATCH  # the first batch, whole
    assert half["line_rows"] == children_in_first_batch
    assert half["entries"] == 1  # the first batch's entry only
    assert half["invoice_numbers_given"] == BATCH  # the second batch's reservation undone
    assert half["receivable"] == half["invoiced"] == half["income"] > 0
    assert half["balanced"]
    assert half["run"]["status"] == RunStatus.RUNNING  # what a killed run leaves behind
    with scope(coop=killed.pk):
        assert BillingRun.objects.get().finished_at is None

    # Run it again: it carries on where the killed run stopped.
    again = subprocess.run(
        _command("killed-coop", month),
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=WATCHDOG_SECONDS,
        check=True,
    )
    assert (
        f"killed-coop {month:%Y-%m}: {HOUSEHOLDS - BATCH} invoices, "
        f"{children_in_first_batch} children already billed"
    ) in again.stdout

    # The yardstick: the identical cooperative billed in one go.
    once = subprocess.run(
        _command("clean-coop", month),
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=WATCHDOG_SECONDS,
        check=True,
    )
    assert f"clean-coop {month:%Y-%m}: {HOUSEHOLDS} invoices, 0 children" in once.stdout

    resumed, expected = _outcome(killed), _outcome(clean)
    assert expected["invoice_rows"] == HOUSEHOLDS and expected["line_rows"] == children
    assert sorted(number for (number, *_rest), _lines in expected["invoices"].values()) == [
        f"F{month:%Y%m}-{n:06d}" for n in range(1, HOUSEHOLDS + 1)
    ]
    assert expected["receivable"] == expected["invoiced"] == expected["income"] > 0
    assert expected["balanced"]
    with scope(coop=killed.pk):
        assert BillingRun.objects.get().finished_at is not None
    for key in expected:
        assert resumed[key] == expected[key], key
