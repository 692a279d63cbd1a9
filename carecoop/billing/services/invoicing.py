"""Invoicing a month: one invoice per household, a line per enrolled child, written in batches
through the database's bulk path, each batch with its ledger entry."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from carecoop.billing import fees
from carecoop.billing.models import (
    CentreMonth,
    FeeCategory,
    FeeSchedule,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
)
from carecoop.care.models import Attendance, Enrolment
from carecoop.core.names import person_name
from carecoop.core.numbering import numbers_reserve
from carecoop.core.rows import new_ids, rows_insert
from carecoop.core.services import totals_add
from carecoop.core.types import Actor
from carecoop.ledger import chart
from carecoop.ledger.models import Account
from carecoop.ledger.services import chart_ensure, credit, debit, entry_post
from carecoop.members.models import Guardianship
from carecoop.tenancy.models import Organisation

DUE_AFTER_DAYS = 10


@dataclass
class RunResult:
    month: datetime.date
    invoices: int = 0
    lines: int = 0
    skipped: int = 0
    already: int = 0
    waivers_unpaid: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass
class _Child:
    enrolment_id: int
    child_id: int
    centre_id: int
    pool_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date | None
    name: str


def _schedules(coop_id: int, month: datetime.date) -> dict[tuple[int, int], FeeSchedule]:
    """The schedule in force for the month per (centre, category): the latest start."""
    end = fees.month_end(month)
    found: dict[tuple[int, int], FeeSchedule] = {}
    rows = FeeSchedule.objects.filter(coop_id=coop_id, effective_from__lte=end).filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=month)
    )
    for s in rows.order_by("effective_from", "pk"):
        found[(s.centre_id, s.category_id)] = s
    return found


class _Categories:
    def __init__(self, coop_id: int) -> None:
        categories = list(FeeCategory.objects.filter(coop_id=coop_id).order_by("code"))
        self.by_pool = {c.pool_id: c.pk for c in categories if c.pool_id}
        self.by_class = {c.member_class_id: c.pk for c in categories if c.member_class_id}
        self.default = next(
            (c.pk for c in categories if not c.pool_id and not c.member_class_id), None
        )
        self.child_classes: dict[int, set[int]] = defaultdict(set)
        if self.by_class:
            # Member classes of each child's guardians with an active membership: one query.
            rows = (
                Guardianship.objects.filter(coop_id=coop_id)
                .filter(guardian__memberships__status="active")
                .values_list("child_id", "guardian__memberships__member_class_id")
            )
            for child_id, class_id in rows:
                self.child_classes[child_id].add(class_id)

    def of(self, child: _Child) -> int | None:
        if child.pool_id in self.by_pool:
            return self.by_pool[child.pool_id]
        for class_id in sorted(self.child_classes.get(child.child_id, ())):
            if class_id in self.by_class:
                return self.by_class[class_id]
        return self.default


def _absences(coop_id: int, month: datetime.date) -> dict[int, int]:
    """Days each child was absent in the month before ``month`` (absence rules apply then)."""
    before = fees.previous_month(month)
    rows = (
        Attendance.objects.filter(
            coop_id=coop_id, date__gte=before, date__lte=fees.month_end(before)
        )
        .exclude(absence="")
        .values("child_id")
        .annotate(n=Count("pk"))
    )
    return {r["child_id"]: r["n"] for r in rows}


def _bill(
    coop: Organisation,
    by: Actor,
    month: datetime.date,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
    today: datetime.date,
    result: RunResult,
) -> None:
    end = fees.month_end(month)
    schedules = _schedules(coop.pk, month)
    if not schedules:
        result.messages.append(_("No fee schedule is in force this month."))
        return
    categories = _Categories(coop.pk)
    absences = (
        _absences(coop.pk, month)
        if any(s.absence_days is not None for s in schedules.values())
        else {}
    )
    done = set(
        Invoice.objects.filter(coop_id=coop.pk, month=month).values_list("household_id", flat=True)
    )
    rows = (
        Enrolment.objects.filter(coop_id=coop.pk, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=month))
        .values_list(
            "pk",
            "child_id",
            "centre_id",
            "pool_id",
            "starts_on",
            "ends_on",
            "child__household_id",
            "child__given_name",
            "child__family_name",
        )
        .order_by("child__household_id", "pk")
    )
    households: dict[int, list[_Child]] = defaultdict(list)
    order = coop.name_order  # An invoice line names the child as the cooperative writes names.
    for pk, child_id, centre_id, pool_id, starts, ends, household_id, given, family in rows:
        if household_id is None:
            result.skipped += 1
            continue
        child = _Child(
            pk, child_id, centre_id, pool_id, starts, ends, person_name(given, family, order)
        )
        if household_id in done:
            # Counted as on the first run, so that a run resumed after a stop tells the same.
            category_id = categories.of(child)
            if category_id and (centre_id, category_id) in schedules:
                result.already += 1
            else:
                result.skipped += 1
            continue
        households[household_id].append(child)
    ids = list(households)
    total = len(ids)
    accounts = chart_ensure(coop=coop, by=by)
    for start in range(0, total, batch_size):
        batch = ids[start : start + batch_size]
        _bill_batch(
            coop,
            by,
            month,
            today,
            batch,
            households,
            schedules,
            categories,
            absences,
            accounts,
            result,
        )
        if progress is not None:
            progress(min(start + batch_size, total), total)


def _fast_charge(
    child: _Child,
    schedule: FeeSchedule,
    rank: int,
    month: datetime.date,
    end: datetime.date,
    month_days: int,
    absences: dict[int, int],
) -> fees.Charge:
    """``fees.charge``, with a short cut for the common case: a whole month, first child."""
    if (
        rank == 0
        and child.starts_on <= month
        and (child.ends_on is None or child.ends_on >= end)
        and schedule.absence_days is None
    ):
        return fees.Charge(
            schedule.amount_minor, month_days, month_days, 0, 0, schedule.amount_minor
        )
    return fees.charge(
        full_minor=schedule.amount_minor,
        month=month,
        starts_on=child.starts_on,
        ends_on=child.ends_on,
        prorate=schedule.prorate,
        sibling_rank=rank,
        sibling_discount_percent=schedule.sibling_discount_percent,
        absences=absences.get(child.child_id, 0),
        absence_days=schedule.absence_days,
        absence_credit_percent=schedule.absence_credit_percent,
    )


INVOICE_COLUMNS = (
    "coop_id",
    "household_id",
    "centre_id",
    "month",
    "number",
    "currency",
    "total_minor",
    "paid_minor",
    "waived_minor",
    "status",
    "issued_on",
    "due_on",
    "entry_id",
)
LINE_COLUMNS = (
    "coop_id",
    "invoice_id",
    "month",
    "child_id",
    "enrolment_id",
    "centre_id",
    "schedule_id",
    "description",
    "full_minor",
    "days",
    "month_days",
    "discount_minor",
    "absence_credit_minor",
    "amount_minor",
)


@transaction.atomic
def _bill_batch(
    coop: Organisation,
    by: Actor,
    month: datetime.date,
    today: datetime.date,
    batch: list[int],
    households: dict[int, list[_Child]],
    schedules: dict[tuple[int, int], FeeSchedule],
    categories: _Categories,
    absences: dict[int, int],
    accounts: dict[str, Account],
    result: RunResult,
) -> None:
    end = fees.month_end(month)
    month_days = end.day
    planned: list[tuple[int, int, int, list[tuple[_Child, FeeSchedule, fees.Charge]]]] = []
    by_centre: dict[int, int] = defaultdict(int)
    for household_id in batch:
        priced = []
        for child in households[household_id]:
            category_id = categories.of(child)
            schedule = schedules.get((child.centre_id, category_id)) if category_id else None
            if schedule is None:
                result.skipped += 1
                continue
            priced.append((child, schedule))
        if not priced:
            continue
        if len(priced) > 1:
            priced.sort(key=lambda p: (-p[1].amount_minor, p[0].child_id))
        charged = []
        total = 0
        for rank, (child, schedule) in enumerate(priced):
            c = _fast_charge(child, schedule, rank, month, end, month_days, absences)
            if c.days:
                charged.append((child, schedule, c))
                total += c.amount_minor
                by_centre[child.centre_id] += c.amount_minor
        if charged:
            planned.append((household_id, charged[0][0].centre_id, total, charged))
    if not planned:
        return
    numbers = numbers_reserve(coop_id=coop.pk, key="billing.invoice", count=len(planned))
    first, last = _number(month, numbers[0]), _number(month, numbers[-1])
    entry_id = None
    if any(by_centre.values()):
        posts = []
        for centre_id, amount in sorted(by_centre.items()):
            if amount:
                posts += [
                    debit(chart.FEES_RECEIVABLE, amount, centre_id),
                    credit(chart.FEE_INCOME, amount, centre_id),
                ]
        entry_id = entry_post(
            coop=coop,
            by=by,
            date=month,
            memo=_("Fees for %(month)s: invoices %(first)s to %(last)s")
            % {"month": month.strftime("%Y-%m"), "first": first, "last": last},
            lines=posts,
            source_key=f"invoices:{month:%Y-%m}:{numbers[0]}",
            accounts=accounts,
        ).pk
    due_on = max(today, month) + datetime.timedelta(days=DUE_AFTER_DAYS)
    rows = [
        (
            coop.pk,
            household_id,
            centre_id,
            month,
            _number(month, number),
            coop.currency,
            total,
            0,
            0,
            InvoiceStatus.OPEN.value if total else InvoiceStatus.PAID.value,
            today,
            due_on,
            entry_id,
        )
        for number, (household_id, centre_id, total, _charged) in zip(numbers, planned, strict=True)
    ]
    # The ids from the sequence first: no lookup afterwards (whose plan, on a table growing
    # during the run, PostgreSQL's statistics would not know).
    taken = new_ids(Invoice, len(rows))
    rows_insert(
        Invoice, ("id", *INVOICE_COLUMNS), [(i, *r) for i, r in zip(taken, rows, strict=True)]
    )
    ids = {p[0]: i for i, p in zip(taken, planned, strict=True)}
    rows_insert(
        InvoiceLine,
        LINE_COLUMNS,
        [
            (
                coop.pk,
                ids[household_id],
                month,
                child.child_id,
                child.enrolment_id,
                child.centre_id,
                schedule.pk,
                child.name[:200],
                c.full_minor,
                c.days,
                c.month_days,
                c.discount_minor,
                c.absence_credit_minor,
                c.amount_minor,
            )
            for household_id, _centre, _total, charged in planned
            for child, schedule, c in charged
        ],
    )
    # The centres' month of billing, in the same transaction (paid and waived start at 0).
    months: dict[tuple[Any, ...], list[int]] = {}
    for _household, _centre, _total, charged in planned:
        for child, _schedule, c in charged:
            kept = months.setdefault((coop.pk, month, child.centre_id), [0, 0, 0])
            kept[0] += 1
            kept[1] += c.full_minor
            kept[2] += c.amount_minor
    totals_add(
        CentreMonth,
        key=("coop", "month", "centre"),
        conflict=CentreMonth.CONFLICT,
        amounts=("child_months", "full_minor", "billed_minor"),
        rows=months,
    )
    result.invoices += len(planned)
    result.lines += sum(len(p[3]) for p in planned)


def _number(month: datetime.date, n: int) -> str:
    return f"F{month:%Y%m}-{n:06d}"
