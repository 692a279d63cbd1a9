"""Every write about fees, invoices, payments, statements, reminders and waivers."""

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from carecoop.billing import fees
from carecoop.billing.models import (
    BillingRun,
    ContributionKind,
    FeeCategory,
    FeeSchedule,
    FundContribution,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineStatus,
    Method,
    Payment,
    Reminder,
    RunStatus,
    StatementImport,
    StatementLine,
    Waiver,
    WaiverApplication,
    WaiverCriterion,
    WaiverStatus,
)
from carecoop.care.models import Attendance, Enrolment, SeatPool
from carecoop.core import sms
from carecoop.core.dates import money_date_check, money_date_window
from carecoop.core.money import format_money, is_currency, parse_amount
from carecoop.core.numbering import number_next, numbers_reserve, sequence_lock
from carecoop.core.services import (
    FORM_EXPIRED,
    reference_clean,
    reference_key,
    submitted_once,
    validated_save,
)
from carecoop.ledger import chart
from carecoop.ledger.selectors import account_balance
from carecoop.ledger.services import (
    books_currency,
    chart_ensure,
    credit,
    debit,
    entry_post,
    record_reverse,
)
from carecoop.members.models import Guardianship, Household, MemberClass, Person
from carecoop.tenancy.models import Centre

METHOD_ACCOUNT = {
    Method.CASH: chart.CASH,
    Method.MOBILE: chart.MOBILE_MONEY,
    Method.BANK: chart.BANK,
}
DUE_AFTER_DAYS = 10


def _same_coop(coop_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.coop_id != coop_id:
            raise ValidationError(_("This choice belongs to another cooperative."))


def _minor(amount: Decimal | int | str, currency: str, field_name: str = "amount") -> int:
    return parse_amount(amount, currency, field=field_name)


# Fees ----------------------------------------------------------------------------------------


@transaction.atomic
def fee_category_create(
    *,
    coop: Any,
    by: Any,
    code: str,
    name: str,
    pool: SeatPool | None = None,
    member_class: MemberClass | None = None,
) -> FeeCategory:
    _same_coop(coop.pk, pool, member_class)
    if pool is not None and member_class is not None:
        raise ValidationError(
            _("Tie a category to a pool of places or to a member class, not both.")
        )
    category = FeeCategory(
        coop_id=coop.pk, code=code, name=name, pool=pool, member_class=member_class
    )
    validated_save(category, by=by)
    return category


@transaction.atomic
def fee_schedule_create(
    *,
    coop: Any,
    by: Any,
    centre: Centre,
    category: FeeCategory,
    amount: Decimal,
    effective_from: datetime.date,
    board_decision: str,
    currency: str = "",
    effective_until: datetime.date | None = None,
    sibling_discount_percent: int = 0,
    prorate: bool = True,
    absence_days: int | None = None,
    absence_credit_percent: int = 0,
) -> FeeSchedule:
    """A monthly fee for a centre and a fee category, as a board decision set it. A fee starts on
    the first day of a month and ends on the last day of one, so that every month has one fee
    (a child who starts or leaves mid-month pays part of it)."""
    _same_coop(coop.pk, centre, category)
    currency = books_currency(coop, currency)
    if not board_decision.strip():
        raise ValidationError({"board_decision": _("Name the board decision that set this fee.")})
    if effective_from.day != 1:
        raise ValidationError(
            {
                "effective_from": _(
                    "A fee starts on the first day of a month: every month has one fee."
                )
            }
        )
    if effective_until is not None and effective_until != fees.month_end(effective_until):
        raise ValidationError(
            {
                "effective_until": _(
                    "A fee ends on the last day of a month: every month has one fee."
                )
            }
        )
    schedule = FeeSchedule(
        coop_id=coop.pk,
        centre=centre,
        category=category,
        amount_minor=_minor(amount, currency),
        currency=currency,
        effective_from=effective_from,
        effective_until=effective_until,
        board_decision=board_decision,
        sibling_discount_percent=sibling_discount_percent,
        prorate=prorate,
        absence_days=absence_days,
        absence_credit_percent=absence_credit_percent,
    )
    validated_save(schedule, by=by)
    return schedule


# The billing run -----------------------------------------------------------------------------


@dataclass
class RunResult:
    month: datetime.date
    invoices: int = 0
    lines: int = 0
    skipped: int = 0
    already: int = 0
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


def month_check(*, coop: Any, month: datetime.date, today: datetime.date) -> None:
    """Refuse a month that cannot be billed: before the earliest day money may be dated, or
    more than one month ahead (next month may be billed in advance)."""
    first, _last = money_date_window(coop)
    shown = formats.date_format(month, "YEAR_MONTH_FORMAT")
    if month > fees.next_month(fees.month_start(today)):
        raise ValidationError(
            {
                "month": _("%(month)s is too far ahead: bill at most one month in advance.")
                % {"month": shown}
            }
        )
    if month < fees.month_start(first):
        raise ValidationError(
            {
                "month": _("%(month)s is too long ago to be billed: check the month.")
                % {"month": shown}
            }
        )


def billing_run(
    *,
    coop: Any,
    by: Any,
    month: datetime.date,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    today: datetime.date | None = None,
) -> RunResult:
    """Issue one invoice per household for ``month``, a line per enrolled child.

    Safe to run again: households already invoiced for the month are skipped (and a unique
    constraint on household and month stops a race). Households are invoiced in batches, each in
    its own transaction with its ledger entry, so a run stopped half-way leaves whole invoices
    only and the next run carries on where it stopped."""
    month = fees.month_start(month)
    today = today or timezone.localdate()
    month_check(coop=coop, month=month, today=today)
    run, _created = BillingRun.objects.get_or_create(
        coop_id=coop.pk,
        month=month,
        defaults={"started_by": by if getattr(by, "pk", None) else None},
    )
    BillingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, message="", started_at=timezone.now(), finished_at=None
    )
    result = RunResult(month=month)
    try:
        _bill(coop, by, month, batch_size, progress, today, result)
    except Exception as exc:
        BillingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    counts = Invoice.objects.filter(coop_id=coop.pk, month=month).aggregate(
        invoices=Count("pk", distinct=True), lines=Count("lines")
    )
    BillingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        invoices=counts["invoices"],
        lines=counts["lines"],
        skipped=result.skipped,
        message="; ".join(result.messages)[:500],
        finished_at=timezone.now(),
    )
    return result


def _bill(
    coop: Any,
    by: Any,
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
    for pk, child_id, centre_id, pool_id, starts, ends, household_id, given, family in rows:
        if household_id is None:
            result.skipped += 1
            continue
        child = _Child(pk, child_id, centre_id, pool_id, starts, ends, f"{given} {family}".strip())
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


def _insert_rows(model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows through the database's bulk path: COPY on PostgreSQL, a prepared
    ``executemany`` elsewhere. The constraints and indexes of the table still hold."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


@transaction.atomic
def _bill_batch(
    coop: Any,
    by: Any,
    month: datetime.date,
    today: datetime.date,
    batch: list[int],
    households: dict[int, list[_Child]],
    schedules: dict[tuple[int, int], FeeSchedule],
    categories: _Categories,
    absences: dict[int, int],
    accounts: dict[str, Any],
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
    if connection.vendor == "postgresql":
        # Take the ids from the sequence first: no lookup afterwards (whose plan, on a table
        # growing during the run, PostgreSQL's statistics would not know).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Invoice._meta.db_table, len(rows)],
            )
            new_ids = [r[0] for r in cursor.fetchall()]
        _insert_rows(
            Invoice, ("id", *INVOICE_COLUMNS), [(i, *r) for i, r in zip(new_ids, rows, strict=True)]
        )
        ids = {p[0]: i for i, p in zip(new_ids, planned, strict=True)}
    else:
        _insert_rows(Invoice, INVOICE_COLUMNS, rows)
        ids = dict(
            Invoice.objects.filter(
                coop_id=coop.pk, month=month, number__gte=first, number__lte=last
            ).values_list("household_id", "pk")
        )
    _insert_rows(
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
    result.invoices += len(planned)
    result.lines += sum(len(p[3]) for p in planned)


def _number(month: datetime.date, n: int) -> str:
    return f"F{month:%Y%m}-{n:06d}"


def billing_catch_up(
    *,
    coop: Any,
    by: Any,
    through: datetime.date,
    progress: Callable[[int, int], None] | None = None,
) -> list[RunResult]:
    """Run every month not yet billed, from the month after the last finished run (or from the
    earliest fee schedule, at most twelve months back) through ``through``."""
    through = fees.month_start(through)
    month_check(coop=coop, month=through, today=timezone.localdate())
    last_done = (
        BillingRun.objects.filter(coop_id=coop.pk, status=RunStatus.DONE)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    unfinished = list(
        BillingRun.objects.filter(coop_id=coop.pk, month__lte=through)
        .exclude(status=RunStatus.DONE)
        .values_list("month", flat=True)
    )
    if last_done is None:
        first_fee = (
            FeeSchedule.objects.filter(coop_id=coop.pk)
            .order_by("effective_from")
            .values_list("effective_from", flat=True)
            .first()
        )
        if first_fee is None:
            return []
        start = max(fees.month_start(first_fee), _months_back(through, 11))
    else:
        start = fees.next_month(last_done)
    months = sorted({*unfinished, *_months(start, through)})
    results = []
    for month in months:
        results.append(billing_run(coop=coop, by=by, month=month, progress=progress))
        waivers_apply(coop=coop, by=by, month=month)
    return results


def _months(start: datetime.date, through: datetime.date) -> Iterable[datetime.date]:
    month = start
    while month <= through:
        yield month
        month = fees.next_month(month)


def _months_back(month: datetime.date, n: int) -> datetime.date:
    for _i in range(n):
        month = fees.previous_month(month)
    return month


# Payments ------------------------------------------------------------------------------------


@submitted_once("invoice")
@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    by: Any,
    method: str,
    amount: Decimal | str,
    received_on: datetime.date,
    currency: str = "",
    reference: str = "",
    payer: str = "",
    key: str = "",
) -> Payment:
    """Record a payment against an invoice and post it. The form's ``key`` records it once,
    however often the form is sent (``submitted_once``); the same provider reference is one
    payment too, whether typed in or met in a statement: asking again returns the first payment."""
    invoice = (
        Invoice.objects.select_for_update()
        .select_related("coop")
        .get(pk=invoice.pk, coop_id=invoice.coop_id)
    )
    coop = invoice.coop
    money_date_check(coop, received_on, field="received_on")
    reference = reference_clean(reference)
    if method not in Method.values:
        raise ValidationError({"method": _("Choose cash, mobile money or a bank transfer.")})
    if method != Method.CASH and not reference:
        raise ValidationError(
            {"reference": _("Enter the reference of the mobile money or bank transfer.")}
        )
    key = _payment_key(reference) if reference else key
    if not key:
        raise ValidationError(FORM_EXPIRED, code="form_expired")
    # The same transfer typed in by hand and then met again in the provider's statement (or
    # the other way round) is one payment, whichever way it was first recorded.
    existing = Payment.objects.filter(key=key, coop_id=coop.pk, reversal__isnull=True).first()
    if existing is not None:
        if existing.invoice_id != invoice.pk:
            raise ValidationError(
                _("The payment %(reference)s has already been recorded against invoice %(number)s.")
                % {
                    "reference": reference or existing.receipt_number,
                    "number": existing.invoice.number,
                }
            )
        return existing
    currency = (currency or invoice.currency).upper()
    if currency != invoice.currency:
        raise ValidationError(
            {
                "currency": _(
                    "The invoice is in %(invoice)s; a payment in %(given)s cannot be set against "
                    "it. Record the amount received in %(invoice)s."
                )
                % {"invoice": invoice.currency, "given": currency}
            }
        )
    amount_minor = _minor(amount, currency)
    if amount_minor <= 0:
        raise ValidationError({"amount": _("A payment must be more than zero.")})
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ValidationError(_("This invoice was cancelled."))
    if amount_minor > invoice.due_minor:
        raise ValidationError(
            {
                "amount": _(
                    "%(amount)s is more than the %(due)s still due on invoice %(number)s. Record "
                    "the amount due, and the rest against the next month's invoice."
                )
                % {
                    "amount": format_money(amount_minor, currency),
                    "due": format_money(invoice.due_minor, currency),
                    "number": invoice.number,
                }
            }
        )
    receipt = number_next(coop_id=coop.pk, key="billing.receipt")
    entry = entry_post(
        coop=coop,
        by=by,
        date=received_on,
        memo=_("Payment of invoice %(number)s (%(method)s %(reference)s)")
        % {"number": invoice.number, "method": Method(method).label, "reference": reference},
        lines=[
            debit(METHOD_ACCOUNT[Method(method)], amount_minor, invoice.centre_id),
            credit(chart.FEES_RECEIVABLE, amount_minor, invoice.centre_id),
        ],
        currency=currency,
        source_key=f"payment:{receipt}",
    )
    payment = Payment(
        coop_id=coop.pk,
        invoice=invoice,
        method=method,
        amount_minor=amount_minor,
        currency=currency,
        received_on=received_on,
        reference=reference,
        payer=payer,
        receipt_number=f"R{receipt:07d}",
        key=key,
        recorded_by=by if getattr(by, "pk", None) else None,
        entry=entry,
    )
    validated_save(payment, by=by)
    _settle(invoice, paid=amount_minor)
    return payment


def _payment_key(reference: str) -> str:
    """A payment's ``key`` when it has a provider's reference: the same reference, in any case
    or spacing, is the same payment (the unique key makes the database refuse a second)."""
    return f"ref:{reference_key(reference)}"[:120]


@transaction.atomic
def payment_reverse(*, payment: Payment, by: Any, on: datetime.date, reason: str) -> Payment:
    """Undo a payment recorded by mistake (a transfer that bounced, the wrong invoice): its ledger
    entry is reversed and the invoice is owed again. The receipt stays, marked reversed, and the
    reference is free to be recorded again. Asked twice, it reverses once."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk, coop_id=payment.coop_id)
    if payment.reversal_id is not None:
        return payment
    invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
    payment.key = f"reversed:{payment.pk}:{payment.key}"[:120]
    record_reverse(payment, by=by, date=on, reason=reason, fields=["key"])
    _settle(invoice, paid=-payment.amount_minor)
    return payment


def _settle(invoice: Invoice, *, paid: int = 0, waived: int = 0) -> None:
    invoice.paid_minor += paid
    invoice.waived_minor += waived
    invoice.status = InvoiceStatus.PAID if invoice.due_minor == 0 else InvoiceStatus.OPEN
    invoice.save(update_fields=["paid_minor", "waived_minor", "status"])


def invoice_by_number(*, coop: Any, number: str) -> Invoice:
    invoice = Invoice.objects.filter(coop_id=coop.pk, number=number.strip().upper()).first()
    if invoice is None:
        raise ValidationError(
            {
                "invoice": _(
                    "There is no invoice numbered %(number)s. A payment is always recorded "
                    "against an invoice."
                )
                % {"number": number}
            }
        )
    return invoice


# Payment-provider statements -----------------------------------------------------------------

STATEMENT_COLUMNS = ("date", "reference", "amount", "currency", "payer", "phone", "message")
INVOICE_NUMBER = re.compile(r"F\d{6}-\d{6}", re.IGNORECASE)


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-9:]


@transaction.atomic
def statement_import(
    *,
    coop: Any,
    by: Any,
    provider: str,
    file_name: str,
    content: str,
    method: str = Method.MOBILE,
) -> StatementImport:
    """Read a provider's CSV statement (``method``: a mobile money provider's or a bank's), skip
    lines already imported, show lines already recorded by hand as recorded, and propose a
    matching invoice for each other line: by the invoice number in its message, else by the
    payer's phone and the exact amount due. Nothing is recorded until the treasurer confirms."""
    provider = provider.strip()
    if not provider:
        raise ValidationError({"provider": _("Name the payment provider.")})
    if method not in (Method.MOBILE, Method.BANK):
        raise ValidationError({"method": _("Choose mobile money or a bank transfer.")})
    if "\x00" in content:
        raise ValidationError({"file": _("The statement is not a text file: it holds NUL bytes.")})
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [c for c in ("date", "reference", "amount") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            {
                "file": _("The statement has no column %(columns)s. Expected: %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(STATEMENT_COLUMNS)}
            }
        )
    parsed = []
    rows = enumerate(reader, start=2)
    while True:
        try:
            number, row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValidationError({"file": _("The statement cannot be read as CSV.")}) from exc
        try:
            paid_on = datetime.date.fromisoformat((row.get("date") or "").strip())
        except ValueError as exc:
            raise ValidationError(
                {"file": _("Line %(line)s of the statement cannot be read.") % {"line": number}}
            ) from exc
        currency = (row.get("currency") or coop.currency).strip().upper()
        try:
            if not is_currency(currency):
                raise ValidationError(_("%(code)s is not a currency code.") % {"code": currency})
            amount_minor = parse_amount(row.get("amount") or "", currency)
            money_date_check(coop, paid_on)
        except ValidationError as error:
            raise ValidationError(
                {
                    "file": _("Line %(line)s: %(reason)s")
                    % {"line": number, "reason": " ".join(error.messages)}
                }
            ) from error
        reference = reference_clean(row.get("reference") or "")
        if not reference:
            raise ValidationError({"file": _("Line %(line)s has no reference.") % {"line": number}})
        parsed.append((paid_on, reference, amount_minor, currency, row))
    statement = StatementImport(
        coop_id=coop.pk,
        provider=provider,
        file_name=file_name[:200],
        method=method,
        imported_by=by if getattr(by, "pk", None) else None,
    )
    statement.save()
    by_hand = {
        p.key: p
        for p in Payment.objects.filter(
            coop_id=coop.pk,
            key__in=[_payment_key(p[1]) for p in parsed],
            reversal__isnull=True,
        ).only("pk", "key", "receipt_number", "invoice_id")
    }
    # References of the provider's earlier lines, compared as references are (in any case or
    # spacing): read whole, since a database's own case folding differs from Python's.
    seen = {
        reference_key(r)
        for r in StatementLine.objects.filter(coop_id=coop.pk, provider=provider).values_list(
            "reference", flat=True
        )
    }
    open_invoices = list(
        Invoice.objects.filter(coop_id=coop.pk, status=InvoiceStatus.OPEN).values(
            "pk", "number", "household_id", "total_minor", "paid_minor", "waived_minor"
        )
    )
    by_number = {i["number"]: i for i in open_invoices}
    phones: dict[str, set[int]] = defaultdict(set)
    for phone, household_id in (
        Person.objects.filter(coop_id=coop.pk)
        .exclude(phone="")
        .values_list("phone", "household_id")
    ):
        if household_id:
            phones[_digits(phone)].add(household_id)
    lines = []
    duplicates = 0
    claimed: set[int] = set()
    for paid_on, reference, amount_minor, currency, row in parsed:
        if reference_key(reference) in seen:
            duplicates += 1
            continue
        seen.add(reference_key(reference))
        text = (row.get("message") or "").strip()
        invoice_pk, reason = None, ""
        recorded = by_hand.get(_payment_key(reference))
        match = INVOICE_NUMBER.search(f"{text} {reference}")
        if recorded is not None:
            reason = _("Already recorded, receipt %(receipt)s.") % {
                "receipt": recorded.receipt_number
            }
        elif currency != coop.currency:
            reason = _("In %(currency)s, not the cooperative's currency.") % {"currency": currency}
        elif match and match.group(0).upper() in by_number:
            invoice_pk = by_number[match.group(0).upper()]["pk"]
            reason = _("Invoice number in the message.")
        else:
            households = phones.get(_digits(row.get("phone") or ""), set())
            candidates = [
                i
                for i in open_invoices
                if i["household_id"] in households
                and i["pk"] not in claimed
                and i["total_minor"] - i["paid_minor"] - i["waived_minor"] == amount_minor
            ]
            if len(candidates) == 1:
                invoice_pk = candidates[0]["pk"]
                reason = _("Phone of the household and the exact amount due.")
            else:
                reason = _("No invoice matches; choose one.")
        if invoice_pk:
            claimed.add(invoice_pk)
        lines.append(
            StatementLine(
                coop_id=coop.pk,
                statement=statement,
                provider=provider,
                reference=reference[:80],
                paid_on=paid_on,
                amount_minor=amount_minor,
                currency=currency,
                payer=(row.get("payer") or "")[:200],
                phone=(row.get("phone") or "")[:30],
                text=text[:300],
                status=LineStatus.RECORDED
                if recorded
                else LineStatus.PROPOSED
                if invoice_pk
                else LineStatus.UNMATCHED,
                invoice_id=recorded.invoice_id if recorded else invoice_pk,
                payment=recorded,
                reason=reason,
            )
        )
    StatementLine.objects.bulk_create(lines)
    statement.duplicates = duplicates
    statement.save(update_fields=["duplicates"])
    return statement


@transaction.atomic
def statement_line_match(*, line: StatementLine, by: Any, invoice: Invoice | None) -> StatementLine:
    line = StatementLine.objects.select_for_update().get(pk=line.pk, coop_id=line.coop_id)
    if line.status == LineStatus.RECORDED:
        raise ValidationError(_("This line has already been recorded."))
    _same_coop(line.coop_id, invoice)
    line.invoice = invoice
    line.status = LineStatus.PROPOSED if invoice else LineStatus.IGNORED
    line.reason = _("Chosen by hand.") if invoice else _("Ignored by hand.")
    validated_save(line, by=by)
    return line


@dataclass
class Recorded:
    recorded: int = 0
    refused: int = 0


def statement_record(*, statement: StatementImport, by: Any) -> Recorded:
    """Record a payment for every proposed line. A line that cannot be recorded (over-payment,
    currency) stays with the reason; the others are recorded. Each line posts at most once."""
    outcome = Recorded()
    lines = StatementLine.objects.filter(
        coop_id=statement.coop_id, statement=statement, status=LineStatus.PROPOSED
    ).select_related("invoice")
    for line in lines:
        assert line.invoice is not None
        try:
            with transaction.atomic():
                payment = payment_record(
                    invoice=line.invoice,
                    by=by,
                    method=statement.method,
                    amount=str(Decimal(line.amount_minor).scaleb(-_digits_of(line.currency))),
                    currency=line.currency,
                    received_on=line.paid_on,
                    reference=line.reference,
                    payer=line.payer,
                )
                StatementLine.objects.filter(pk=line.pk).update(
                    status=LineStatus.RECORDED, payment=payment
                )
            outcome.recorded += 1
        except ValidationError as error:
            StatementLine.objects.filter(pk=line.pk).update(
                status=LineStatus.UNMATCHED, reason="; ".join(error.messages)[:200]
            )
            outcome.refused += 1
    return outcome


def _digits_of(currency: str) -> int:
    from carecoop.core.money import minor_digits

    return minor_digits(currency)


# Reminders -----------------------------------------------------------------------------------


def reminders_send(*, coop: Any, by: Any, on: datetime.date, backend: Any = None) -> int:
    """Send one text per overdue invoice (at most one a week each) to the household's first
    adult with a phone, in their language. Returns how many were sent."""
    backend = backend or sms.backend()
    week_ago = on - datetime.timedelta(days=7)
    overdue = (
        Invoice.objects.filter(coop_id=coop.pk, status=InvoiceStatus.OPEN, due_on__lt=on)
        .exclude(reminders__sent_on__gt=week_ago)
        .order_by("household_id", "month")
    )
    people: dict[int, tuple[str, str]] = {}
    for household_id, phone, language in (
        Person.objects.filter(coop_id=coop.pk, household_id__in=overdue.values("household_id"))
        .exclude(phone="")
        .exclude(household_relation="child")
        .order_by("pk")
        .values_list("household_id", "phone", "preferred_language")
    ):
        people.setdefault(household_id, (phone, language))
    sent = 0
    for invoice in overdue:
        if invoice.household_id not in people:
            continue
        phone, language = people[invoice.household_id]
        with translation.override(language or coop.language_list[0]):
            text = _(
                "%(coop)s: invoice %(number)s for %(month)s, %(due)s still due since %(date)s. "
                "Talk to us if paying is hard: the solidarity fund may help."
            ) % {
                "coop": coop.name,
                "number": invoice.number,
                "month": invoice.month.strftime("%m/%Y"),
                "due": format_money(invoice.due_minor, invoice.currency, language or None),
                "date": invoice.due_on.isoformat(),
            }
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(
                coop_id=coop.pk,
                invoice=invoice,
                sent_on=on,
                defaults={"phone": phone, "text": text[:480], "backend": backend.name},
            )
            if created:
                backend.send(to=phone, text=text)
                sent += 1
    return sent


# The solidarity fund -------------------------------------------------------------------------


def fund_balance(*, coop: Any) -> int:
    return account_balance(coop_id=coop.pk, code=chart.SOLIDARITY_FUND)


@submitted_once("coop")
@transaction.atomic
def fund_contribute(
    *,
    coop: Any,
    by: Any,
    kind: str,
    amount: Decimal,
    received_on: datetime.date,
    source: str,
    currency: str = "",
    decision: str = "",
    key: str = "",
) -> FundContribution:
    """A donation or an allocation to the solidarity fund. The form's ``key`` records it once,
    however often the form is sent (``submitted_once``)."""
    currency = books_currency(coop, currency)
    amount_minor = _minor(amount, currency)
    money_date_check(coop, received_on, field="received_on")
    if amount_minor <= 0:
        raise ValidationError({"amount": _("A contribution must be more than zero.")})
    if kind == ContributionKind.ALLOCATION and not decision.strip():
        raise ValidationError({"decision": _("Name the board decision that allocated this.")})
    sequence_lock(coop_id=coop.pk, key="billing.fund")  # gifts and waivers take the fund in turn
    from_account = chart.CASH if kind == ContributionKind.DONATION else chart.GENERAL_RESERVE
    entry = entry_post(
        coop=coop,
        by=by,
        date=received_on,
        memo=_("Solidarity fund: %(kind)s from %(source)s")
        % {"kind": ContributionKind(kind).label, "source": source},
        lines=[debit(from_account, amount_minor), credit(chart.SOLIDARITY_FUND, amount_minor)],
        currency=currency,
        source_key=f"fund:{key}" if key else "",
    )
    contribution = FundContribution(
        coop_id=coop.pk,
        kind=kind,
        amount_minor=amount_minor,
        currency=currency,
        received_on=received_on,
        source=source,
        decision=decision,
        entry=entry,
    )
    validated_save(contribution, by=by)
    return contribution


@transaction.atomic
def waiver_criterion_create(
    *, coop: Any, by: Any, name: str, description: str, max_percent: int = 100
) -> WaiverCriterion:
    criterion = WaiverCriterion(
        coop_id=coop.pk, name=name, description=description, max_percent=max_percent
    )
    validated_save(criterion, by=by)
    return criterion


@transaction.atomic
def waiver_apply(
    *,
    coop: Any,
    by: Any,
    household: Household,
    criterion: WaiverCriterion,
    percent: int,
    first_month: datetime.date,
    last_month: datetime.date,
    reason: str,
) -> WaiverApplication:
    _same_coop(coop.pk, household, criterion)
    if percent > criterion.max_percent:
        raise ValidationError(
            {
                "percent": _("Under “%(criterion)s” at most %(max)s%% of the fee may be waived.")
                % {"criterion": criterion.name, "max": criterion.max_percent}
            }
        )
    application = WaiverApplication(
        coop_id=coop.pk,
        household=household,
        criterion=criterion,
        percent=percent,
        first_month=fees.month_start(first_month),
        last_month=fees.month_start(last_month),
        reason=reason,
    )
    validated_save(application, by=by)
    return application


@transaction.atomic
def waiver_decide(
    *,
    application: WaiverApplication,
    by: Any,
    approve: bool,
    on: datetime.date,
    note: str = "",
) -> WaiverApplication:
    application = WaiverApplication.objects.select_for_update().get(
        pk=application.pk, coop_id=application.coop_id
    )
    if application.status != WaiverStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    application.status = WaiverStatus.APPROVED if approve else WaiverStatus.REFUSED
    application.decided_on = on
    application.decision_note = note
    validated_save(application, by=by)
    return application


@transaction.atomic
def waiver_grant(
    *,
    application: WaiverApplication,
    invoice: Invoice,
    by: Any,
    on: datetime.date,
    amount_minor: int | None = None,
) -> Waiver:
    """Waive part of an invoice from the solidarity fund: only while the fund can pay for it."""
    _same_coop(application.coop_id, invoice)
    coop = invoice.coop
    application = WaiverApplication.objects.get(pk=application.pk, coop_id=application.coop_id)
    if application.status != WaiverStatus.APPROVED:
        raise ValidationError(_("Only an approved application can waive fees."))
    if invoice.household_id != application.household_id:
        raise ValidationError(_("This invoice belongs to another household."))
    if not application.first_month <= invoice.month <= application.last_month:
        raise ValidationError(_("The application does not cover the month of this invoice."))
    sequence_lock(coop_id=coop.pk, key="billing.fund")  # gifts and waivers take the fund in turn
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, coop_id=invoice.coop_id)
    if Waiver.objects.filter(coop_id=coop.pk, application=application, invoice=invoice).exists():
        raise ValidationError(_("This invoice has already been waived."))
    if amount_minor is None:
        amount_minor = fees.share(invoice.total_minor, application.percent, 100)
    amount_minor = min(amount_minor, invoice.due_minor)
    if amount_minor <= 0:
        raise ValidationError(_("Nothing is due on this invoice."))
    available = fund_balance(coop=coop)
    if amount_minor > available:
        raise ValidationError(
            _(
                "The solidarity fund holds %(available)s; waiving %(amount)s would overdraw it. "
                "The waiver can be granted when more has been given to the fund."
            )
            % {
                "available": format_money(available, coop.currency),
                "amount": format_money(amount_minor, coop.currency),
            }
        )
    entry = entry_post(
        coop=coop,
        by=by,
        date=on,
        memo=_("Solidarity fund waiver on invoice %(number)s") % {"number": invoice.number},
        lines=[
            debit(chart.SOLIDARITY_FUND, amount_minor, invoice.centre_id),
            credit(chart.FEES_RECEIVABLE, amount_minor, invoice.centre_id),
        ],
        currency=invoice.currency,
        source_key=f"waiver:{application.pk}:{invoice.pk}",
    )
    waiver = Waiver(
        coop_id=coop.pk,
        application=application,
        invoice=invoice,
        amount_minor=amount_minor,
        granted_on=on,
        entry=entry,
        granted_by=by if getattr(by, "pk", None) else None,
    )
    validated_save(waiver, by=by)
    _settle(invoice, waived=amount_minor)
    return waiver


@dataclass
class WaiverRun:
    granted: int = 0
    unfunded: int = 0
    messages: list[str] = field(default_factory=list)


def waivers_apply(
    *, coop: Any, by: Any, month: datetime.date, on: datetime.date | None = None
) -> WaiverRun:
    """Apply approved waivers to the month's invoices while the fund can pay for them."""
    month = fees.month_start(month)
    on = on or timezone.localdate()
    outcome = WaiverRun()
    applications = WaiverApplication.objects.filter(
        coop_id=coop.pk,
        status=WaiverStatus.APPROVED,
        first_month__lte=month,
        last_month__gte=month,
    ).order_by("pk")
    for application in applications:
        invoices = (
            Invoice.objects.filter(
                coop_id=coop.pk,
                household_id=application.household_id,
                month=month,
                status=InvoiceStatus.OPEN,
            )
            .exclude(waivers__application=application)
            .select_related("coop")
        )
        for invoice in invoices:
            try:
                waiver_grant(application=application, invoice=invoice, by=by, on=on)
            except ValidationError as error:
                outcome.unfunded += 1
                outcome.messages.extend(error.messages)
            else:
                outcome.granted += 1
    return outcome


def household_for(*, coop: Any, pk: int) -> Household:
    household = Household.objects.filter(coop_id=coop.pk, pk=pk).first()
    if household is None:
        raise ValidationError(_("This choice belongs to another cooperative."))
    return household
