"""The billing run of a month, closing a month (its run, then its waivers), and the catch-up
of the months missed."""

import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from carecoop.billing import fees
from carecoop.billing.models import BillingRun, FeeSchedule, Invoice, InvoiceLine, RunStatus
from carecoop.billing.services.invoicing import RunResult, _bill
from carecoop.billing.services.waivers import waivers_apply
from carecoop.core.dates import money_date_window
from carecoop.core.services import BULK_ROWS, tables_analyze
from carecoop.core.types import Actor
from carecoop.tenancy.models import Organisation


def month_check(
    *, coop: Organisation, month: datetime.date, today: datetime.date, in_advance: bool = False
) -> None:
    """Refuse a month that cannot be billed: before the earliest day money may be dated, or
    more than one month ahead. Next month may be billed before it begins only when the one
    billing says so (``in_advance``), so that no one bills a month ahead by a slip of the
    month picker."""
    first, _last = money_date_window(coop)
    shown = formats.date_format(month, "YEAR_MONTH_FORMAT")
    this_month = fees.month_start(today)
    # Further ahead is refused outright, even when asked: the enrolments, fees, absences and
    # waivers of a month that far away are not known yet, so its invoices would be guesses
    # that families pay and that can only be corrected by reversals. One month ahead is
    # enough for the families who pay before the month begins.
    if month > fees.next_month(this_month):
        raise ValidationError(
            {
                "month": _("%(month)s is too far ahead: bill at most one month in advance.")
                % {"month": shown}
            }
        )
    if month > this_month and not in_advance:
        raise ValidationError(
            {
                "in_advance": _(
                    "%(month)s has not begun yet. To bill it now, tick “Yes, bill this month "
                    "before it begins”."
                )
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
    coop: Organisation,
    by: Actor,
    month: datetime.date,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    today: datetime.date | None = None,
    in_advance: bool = False,
) -> RunResult:
    """Issue one invoice per household for ``month``, a line per enrolled child.

    Safe to run again: households already invoiced for the month are skipped (and a unique
    constraint on household and month stops a race). Households are invoiced in batches, each in
    its own transaction with its ledger entry, so a run stopped half-way leaves whole invoices
    only and the next run carries on where it stopped. A month that has not begun is billed
    only ``in_advance`` (see ``month_check``)."""
    month = fees.month_start(month)
    today = today or timezone.localdate()
    month_check(coop=coop, month=month, today=today, in_advance=in_advance)
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
    if result.lines >= BULK_ROWS:
        tables_analyze(Invoice, InvoiceLine)
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


def month_close(
    *,
    coop: Organisation,
    by: Actor,
    month: datetime.date,
    catch_up: bool = False,
    progress: Callable[[int, int], None] | None = None,
    in_advance: bool = False,
) -> list[RunResult]:
    """Close the billing of ``month``: issue its invoices, then apply the approved waivers to
    them (a waiver is granted on an invoice, so the run comes first). Safe to close a month
    again: nothing is billed or waived twice. With ``catch_up``, every earlier month not yet
    billed (as ``billing_catch_up`` finds them) is closed first, oldest first. Returns the run of
    each month closed, ``month`` last. A month that has not begun is closed only
    ``in_advance``."""
    month = fees.month_start(month)
    month_check(coop=coop, month=month, today=timezone.localdate(), in_advance=in_advance)
    months = _months_missed(coop=coop, through=month, in_advance=in_advance) if catch_up else []
    if month not in months:
        months.append(month)
    results = []
    for each in months:
        result = billing_run(coop=coop, by=by, month=each, progress=progress, in_advance=in_advance)
        result.waivers_unpaid = waivers_apply(coop=coop, by=by, month=each).unfunded
        results.append(result)
    return results


def billing_catch_up(
    *,
    coop: Organisation,
    by: Actor,
    through: datetime.date,
    progress: Callable[[int, int], None] | None = None,
    in_advance: bool = False,
) -> list[RunResult]:
    """Close every month not yet billed, from the month after the last finished run (or from the
    earliest fee schedule, at most twelve months back) through ``through``."""
    return [
        result
        for month in _months_missed(coop=coop, through=through, in_advance=in_advance)
        for result in month_close(
            coop=coop, by=by, month=month, progress=progress, in_advance=in_advance
        )
    ]


def _months_missed(
    *, coop: Organisation, through: datetime.date, in_advance: bool = False
) -> list[datetime.date]:
    through = fees.month_start(through)
    month_check(coop=coop, month=through, today=timezone.localdate(), in_advance=in_advance)
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
    return sorted({*unfinished, *_months(start, through)})


def _months(start: datetime.date, through: datetime.date) -> Iterable[datetime.date]:
    month = start
    while month <= through:
        yield month
        month = fees.next_month(month)


def _months_back(month: datetime.date, n: int) -> datetime.date:
    for _i in range(n):
        month = fees.previous_month(month)
    return month
