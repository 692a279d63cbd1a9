"""Reads about funders, grants, expenses and budgets, and the sustainability figures: each
figure is a grouped SQL sum of integer minor units, in a fixed number of queries, over the
totals the ledger and billing keep by month."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from carecoop.billing.fees import month_end, previous_month
from carecoop.billing.models import CentreMonth, FeeSchedule, Invoice, InvoiceLine
from carecoop.core.money import to_decimal
from carecoop.core.permissions import Access
from carecoop.funding import sustainability as sus
from carecoop.funding.models import Budget, Disbursement, Expense, Funder, FunderKind, Grant
from carecoop.ledger import chart
from carecoop.ledger.models import AccountKind, Line, MonthTotal
from carecoop.tenancy.models import Centre


def centres(*, access: Access) -> QuerySet[Centre]:
    return access.restrict(Centre.objects.all(), "funding.view").order_by("name")


def centre_get(*, access: Access, pk: int) -> Centre:
    centre = centres(access=access).filter(pk=pk).first()
    if centre is None:
        raise Http404
    return centre


def funders(*, access: Access) -> QuerySet[Funder]:
    return access.restrict(Funder.objects.all()).annotate(n=Count("grants"))


def grants(*, access: Access) -> QuerySet[Grant]:
    return (
        access.restrict(Grant.objects.all(), "funding.view")
        .select_related("funder", "centre")
        .annotate(
            received=Sum(
                "disbursements__amount_minor", filter=Q(disbursements__reversal__isnull=True)
            )
        )
        .order_by("-starts_on", "pk")
    )


def grant_get(*, access: Access, pk: int) -> Grant:
    grant = grants(access=access).filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def expenses(*, access: Access) -> QuerySet[Expense]:
    return access.restrict(Expense.objects.all(), "funding.view").select_related(
        "centre", "grant", "reversal"
    )


def budget_vs_actual(*, access: Access, year: int) -> list[dict[str, Any]]:
    budgets = access.restrict(Budget.objects.filter(year=year), "funding.view").select_related(
        "centre"
    )
    actual = {
        (r["centre_id"], r["category"]): int(r["total"] or 0)
        for r in access.restrict(
            Expense.objects.filter(date__year=year, reversal__isnull=True), "funding.view"
        )
        .values("centre_id", "category")
        .annotate(total=Sum("amount_minor"))
    }
    rows = []
    for b in budgets:
        spent = actual.get((b.centre_id, b.category), 0)
        rows.append(
            {
                "budget": b,
                "spent_minor": spent,
                "left_minor": b.amount_minor - spent,
                "share": sus.ratio(spent, b.amount_minor),
            }
        )
    return rows


INCOME_SOURCES = {
    chart.FEE_INCOME: "fees",
    chart.GRANT_PUBLIC: FunderKind.GOVERNMENT,
    chart.GRANT_DONOR: FunderKind.DONOR,
    chart.GRANT_PARENT_ORG: FunderKind.PARENT_ORG,
    chart.PRODUCT_SALES: FunderKind.PRODUCT_SALES,
    chart.OTHER_INCOME: "other",
}


@dataclass
class Figures:
    """One centre's (or the cooperative's) figures over a period."""

    name: str
    places: int = 0
    months: int = 1
    cost_minor: int = 0
    costs: dict[str, int] = field(default_factory=dict)  # expense account code -> amount
    income: dict[str, int] = field(default_factory=dict)  # source -> amount
    child_months: int = 0
    full_fees_minor: int = 0
    billed_minor: int = 0
    collected_minor: int = 0
    waived_minor: int = 0
    centre: Centre | None = None

    def add(self, other: "Figures") -> None:
        self.places += other.places
        self.cost_minor += other.cost_minor
        for k, v in other.costs.items():
            self.costs[k] = self.costs.get(k, 0) + v
        for k, v in other.income.items():
            self.income[k] = self.income.get(k, 0) + v
        self.child_months += other.child_months
        self.full_fees_minor += other.full_fees_minor
        self.billed_minor += other.billed_minor
        self.collected_minor += other.collected_minor
        self.waived_minor += other.waived_minor

    @property
    def cost_per_child_month_minor(self) -> int | None:
        return round(self.cost_minor / self.child_months) if self.child_months else None

    @property
    def occupancy(self) -> float | None:
        return sus.ratio(self.child_months, self.places * self.months)

    @property
    def recovery(self) -> float | None:
        return sus.ratio(self.billed_minor, self.cost_minor)

    @property
    def collected_recovery(self) -> float | None:
        return sus.ratio(self.collected_minor, self.cost_minor)

    @property
    def average_fee_minor(self) -> int | None:
        return round(self.full_fees_minor / self.child_months) if self.child_months else None

    @property
    def potential_minor(self) -> int:
        return (self.average_fee_minor or 0) * self.places * self.months

    @property
    def full_recovery(self) -> float | None:
        return sus.ratio(self.potential_minor, self.cost_minor)

    @property
    def other_income_minor(self) -> int:
        return sum(v for k, v in self.income.items() if k != "fees")

    @property
    def uncovered_minor(self) -> int:
        """The funding gap: the cost that neither the fees collected, the waivers (paid by the
        solidarity fund) nor the other income cover."""
        covered = self.collected_minor + self.waived_minor + self.other_income_minor
        return max(self.cost_minor - covered, 0)

    @property
    def received_minor(self) -> int:
        """Income actually received: fees collected from families, grants and other income."""
        return self.collected_minor + self.other_income_minor

    @property
    def break_even_fee_minor(self) -> int | None:
        """The fee per child-month that, with the other income, would cover the cost. Waived fees
        are part of the fees billed (the solidarity fund pays them), so they are not income on
        top of the fee."""
        if not self.child_months:
            return None
        return round(max(self.cost_minor - self.other_income_minor, 0) / self.child_months)

    def explanation(self, currency: str, *, per_month: str = "") -> sus.Explanation:
        return sus.explain(
            currency=currency,
            months=self.months,
            per_month=per_month,
            cost_minor=self.cost_minor,
            potential_minor=self.potential_minor,
            full_fees_minor=self.full_fees_minor,
            billed_minor=self.billed_minor,
            waived_minor=self.waived_minor,
            collected_minor=self.collected_minor,
        )


@dataclass
class Dashboard:
    since: datetime.date
    until: datetime.date
    months: int  # the months of the period that have figures: what the averages divide by
    calendar_months: int  # every month the period touches, with figures or not
    total: Figures
    centres: list[Figures]
    cash_minor: int  # the reserve: cash, mobile money and bank at the end of the period
    net_outflow_minor: int  # average running cost a month less the average income received
    runway_months: float | None  # cash / net outflow; None when nothing flows out (no deficit)
    mix: list[tuple[str, int]]

    @property
    def whole_months(self) -> bool:
        """The period runs from the first day of a month to the last day of a month."""
        return self.since.day == 1 and self.until == month_end(self.until)

    @property
    def average_cost_minor(self) -> int | None:
        return round(self.total.cost_minor / self.months) if self.months else None

    @property
    def average_received_minor(self) -> int | None:
        return round(self.total.received_minor / self.months) if self.months else None


# The default period: the last complete months that have figures, at most this many.
DEFAULT_MONTHS = 6


def six_months(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """This month and the five before it, until ``today``: a period that ends inside a month,
    which the tests of the kept totals' edges use (the pages default to ``default_period``)."""
    return (today.replace(day=1) - datetime.timedelta(days=150)).replace(day=1), today


def _months(since: datetime.date, until: datetime.date) -> int:
    return max(1, (until.year - since.year) * 12 + until.month - since.month + 1)


def _kept_months(
    access: Access,
    one_centre: Q,
    *,
    first: datetime.date | None = None,
    until: datetime.date | None = None,
    before: datetime.date | None = None,
    latest: int | None = None,
) -> set[datetime.date]:
    """The months that have figures (the first day of each): a kept total of income or expense
    that is not nothing, or a centre's month of billing. From ``first`` to ``until``, or before
    ``before``; with ``latest``, only that many of the latest. Two queries over the kept
    totals, whatever the number of lines."""
    bounds = Q()
    if first is not None:
        bounds &= Q(month__gte=first)
    if until is not None:
        bounds &= Q(month__lte=until)
    if before is not None:
        bounds &= Q(month__lt=before)
    ledger = (
        access.restrict(MonthTotal.objects.all(), "funding.view")
        .filter(bounds, one_centre, account__coop_id=access.coop_id)
        .filter(account__kind__in=PROFIT_AND_LOSS)
        .exclude(amount_minor=0)
    )
    billing = (
        access.restrict(CentreMonth.objects.all(), "funding.view")
        .filter(bounds, one_centre)
        .exclude(child_months=0, full_minor=0, billed_minor=0, paid_minor=0, waived_minor=0)
    )
    found: set[datetime.date] = set()
    for kept in (ledger, billing):
        months = kept.order_by("-month").values_list("month", flat=True).distinct()
        found.update(months[:latest] if latest is not None else months)
    return set(sorted(found, reverse=True)[:latest]) if latest is not None else found


def _months_from_rows(
    access: Access, one_centre: Q, first: datetime.date, until: datetime.date
) -> set[datetime.date]:
    """``_kept_months`` from ``first`` to ``until``, read from every line and invoice."""
    found: set[datetime.date] = set()
    for row in (
        access.restrict(Line.objects.all(), "funding.view")
        .filter(one_centre, entry__coop_id=access.coop_id, account__coop_id=access.coop_id)
        .filter(
            entry__date__gte=first,
            entry__date__lte=month_end(until),
            account__kind__in=PROFIT_AND_LOSS,
        )
        .annotate(m=TruncMonth("entry__date", output_field=DateField()))
        .values("m", "account_id", "centre_id")
        .annotate(total=Sum("amount_minor"))
    ):
        if row["total"]:
            found.add(row["m"])
    found.update(
        access.restrict(InvoiceLine.objects.all(), "funding.view")
        .filter(one_centre, month__gte=first, month__lte=until)
        .values_list("month", flat=True)
        .distinct()
    )
    found.update(
        access.restrict(Invoice.objects.all(), "funding.view")
        .filter(one_centre, month__gte=first, month__lte=until)
        .exclude(paid_minor=0, waived_minor=0)
        .values_list("month", flat=True)
        .distinct()
    )
    return found


def default_period(*, access: Access, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period the sustainability pages show unless asked for another: the last
    ``DEFAULT_MONTHS`` complete calendar months that have figures (fewer when the cooperative is
    younger), from the first day of the earliest to the last day of the latest. The current
    month is never in it: it is not over. A month without figures between two with figures is
    in the period but not in its averages (``Dashboard.months``). Without a complete month that
    has figures, last month (which has none)."""
    months = _kept_months(access, Q(), before=today.replace(day=1), latest=DEFAULT_MONTHS)
    if not months:
        last = previous_month(today)
        return last, month_end(last)
    return min(months), month_end(max(months))


# Sums of the ledger over the period: (centre, account code, account kind) -> amount, the income
# and expense accounts' in the period and the cash accounts' up to its end.
LedgerSums = tuple[dict[tuple[int | None, str, str], int], int]
# Sums of billing per centre: (children billed, full fees, billed, paid, waived).
BillingSums = dict[int, tuple[int, int, int, int, int]]

ONE_DAY = datetime.timedelta(days=1)
PROFIT_AND_LOSS = [AccountKind.INCOME, AccountKind.EXPENSE]


def _days_to_read(start: datetime.date, end: datetime.date, today: datetime.date) -> int:
    """The days of ``start``..``end`` whose lines would be read: none after today (money is
    dated the day it moves, so the lines after today are few)."""
    return max(0, (min(end, today) - start).days + 1)


def _tail(
    until: datetime.date, today: datetime.date
) -> tuple[datetime.date, list[tuple[datetime.date, datetime.date, int]]]:
    """Totals up to ``until`` from whole months: the last month kept, and the lines to add (+1)
    or take away (-1) for the part of ``until``'s month the totals do not match."""
    month = until.replace(day=1)
    end = month_end(month)
    if until == end:
        return month, []
    if _days_to_read(until + ONE_DAY, end, today) <= _days_to_read(month, until, today):
        return month, [(until + ONE_DAY, end, -1)]
    return month - ONE_DAY, [(month, until, 1)]


def _period_plan(
    since: datetime.date, until: datetime.date, today: datetime.date
) -> tuple[datetime.date, datetime.date, list[tuple[datetime.date, datetime.date, int]]]:
    """The months whose kept totals make up ``since``..``until`` (first and last: none when the
    last is before the first), and the lines to add (+1) or take away (-1) at its edges.

    The period is any two days (the period form takes dates, and the default runs to today), but
    the ledger keeps its totals by month (``ledger.MonthTotal``). Rather than round the period to
    whole months, which would change the figures a treasurer asks for, a month the period only
    partly covers is read from its kept total less the lines of its days outside the period, or
    from the lines of its days inside, whichever reads fewer days (the days after today count
    for nothing: they have hardly any lines). The default period, whole months, reads no line;
    a period from the first of a month to today reads the few lines dated after today and no
    other line. Invoices are by month, so billing needs no such edge (``_billing_kept``)."""
    first, last = since.replace(day=1), until.replace(day=1)
    if first == last:
        end = month_end(first)
        inside = _days_to_read(since, until, today)
        outside = _days_to_read(first, since - ONE_DAY, today) + _days_to_read(
            until + ONE_DAY, end, today
        )
        if since == first and until == end:
            return first, first, []
        if inside < outside:
            return first, first - ONE_DAY, [(since, until, 1)]
        cuts = [(first, since - ONE_DAY, -1)] if since > first else []
        if until < end:
            cuts.append((until + ONE_DAY, end, -1))
        return first, first, cuts
    cuts = []
    if since > first:
        end = month_end(first)
        if _days_to_read(since, end, today) < _days_to_read(first, since - ONE_DAY, today):
            cuts.append((since, end, 1))
            first = end + ONE_DAY
        else:
            cuts.append((first, since - ONE_DAY, -1))
    last, tail = _tail(until, today)
    return first, last, cuts + tail


def _ledger_kept(
    access: Access, one_centre: Q, since: datetime.date, until: datetime.date
) -> LedgerSums:
    """The ledger's sums from the kept month totals (one grouped query over a few rows a month),
    corrected at the period's edges by the lines of the days the months do not match (none when
    the period is whole months, one small query for the default period): see
    ``_period_plan``."""
    today = timezone.localdate()
    first, last, cuts = _period_plan(since, until, today)
    cash_last, cash_cuts = _tail(until, today)
    sums: dict[tuple[int | None, str, str], int] = defaultdict(int)
    cash = 0
    for row in (
        access.restrict(MonthTotal.objects.all(), "funding.view")
        # The cooperative's 25 accounts by their key, not a scan of every cooperative's.
        .filter(account__coop_id=access.coop_id)
        .filter(
            Q(account__code__in=chart.CASH_ACCOUNTS, month__lte=cash_last)
            | Q(one_centre, account__kind__in=PROFIT_AND_LOSS, month__gte=first, month__lte=last)
        )
        .values("centre_id", "account__code", "account__kind")
        .annotate(total=Sum("amount_minor"))
    ):
        amount = int(row["total"] or 0)
        if row["account__kind"] in PROFIT_AND_LOSS:
            sums[row["centre_id"], row["account__code"], row["account__kind"]] += amount
        else:
            cash += amount
    edges: dict[tuple[datetime.date, datetime.date], list[int]] = {}
    for start, end, sign in cuts:
        edges.setdefault((start, end), [0, 0])[0] = sign
    for start, end, sign in cash_cuts:
        edges.setdefault((start, end), [0, 0])[1] = sign
    for (start, end), (sign, cash_sign) in sorted(edges.items()):
        cash_q = Q(account__code__in=chart.CASH_ACCOUNTS)
        in_period = Q(one_centre, account__kind__in=PROFIT_AND_LOSS)
        wanted = (cash_q | in_period) if sign and cash_sign else in_period if sign else cash_q
        for row in (
            access.restrict(Line.objects.all(), "funding.view")
            .filter(entry__coop_id=access.coop_id, entry__date__gte=start, entry__date__lte=end)
            .filter(wanted, account__coop_id=access.coop_id)
            .values("centre_id", "account__code", "account__kind")
            .annotate(total=Sum("amount_minor"))
        ):
            amount = int(row["total"] or 0)
            if row["account__kind"] in PROFIT_AND_LOSS:
                sums[row["centre_id"], row["account__code"], row["account__kind"]] += sign * amount
            elif row["account__code"] in chart.CASH_ACCOUNTS:
                cash += cash_sign * amount
    return dict(sums), cash


def _ledger_from_rows(
    access: Access, one_centre: Q, since: datetime.date, until: datetime.date
) -> LedgerSums:
    """The ledger's sums from every line: what ``_ledger_kept`` must always equal."""
    sums = {
        (row["centre_id"], row["account__code"], row["account__kind"]): int(row["total"] or 0)
        for row in access.restrict(Line.objects.all(), "funding.view")
        .filter(
            one_centre,
            # The cooperative's entries by date (ledger_entry_coop_date), not every entry of the
            # federation in the period.
            entry__coop_id=access.coop_id,
            entry__date__gte=since,
            entry__date__lte=until,
            account__kind__in=PROFIT_AND_LOSS,
        )
        .values("centre_id", "account__code", "account__kind")
        .annotate(total=Sum("amount_minor"))
    }
    cash = int(
        access.restrict(Line.objects.all(), "funding.view")
        .filter(
            entry__coop_id=access.coop_id,
            account__code__in=chart.CASH_ACCOUNTS,
            entry__date__lte=until,
        )
        .aggregate(s=Sum("amount_minor"))["s"]
        or 0
    )
    return sums, cash


def _billing_kept(
    access: Access, one_centre: Q, since: datetime.date, until: datetime.date
) -> BillingSums:
    """Billing's sums per centre from the centres' kept months (``billing.CentreMonth``).
    Invoices and their lines are dated on the first of their month, so the months from
    ``since``'s to ``until``'s hold exactly the invoices of the period: no edge to correct."""
    return {
        row["centre_id"]: (
            int(row["n"] or 0),
            int(row["full"] or 0),
            int(row["billed"] or 0),
            int(row["paid"] or 0),
            int(row["waived"] or 0),
        )
        for row in access.restrict(CentreMonth.objects.all(), "funding.view")
        .filter(one_centre, month__gte=since.replace(day=1), month__lte=until)
        .values("centre_id")
        .annotate(
            n=Sum("child_months"),
            full=Sum("full_minor"),
            billed=Sum("billed_minor"),
            paid=Sum("paid_minor"),
            waived=Sum("waived_minor"),
        )
    }


def _billing_from_rows(
    access: Access, one_centre: Q, since: datetime.date, until: datetime.date
) -> BillingSums:
    """Billing's sums per centre from every invoice and line: what ``_billing_kept`` must
    always equal. Children and fees by the lines' centre, paid and waived by the invoices'."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in (
        access.restrict(InvoiceLine.objects.all(), "funding.view")
        .filter(one_centre, month__gte=since.replace(day=1), month__lte=until)
        .values("centre_id")
        .annotate(n=Count("pk"), full=Sum("full_minor"), billed=Sum("amount_minor"))
    ):
        sums[row["centre_id"]][0:3] = [row["n"], int(row["full"] or 0), int(row["billed"] or 0)]
    for row in (
        access.restrict(Invoice.objects.all(), "funding.view")
        .filter(one_centre, month__gte=since.replace(day=1), month__lte=until)
        .values("centre_id")
        .annotate(paid=Sum("paid_minor"), waived=Sum("waived_minor"))
    ):
        sums[row["centre_id"]][3:5] = [int(row["paid"] or 0), int(row["waived"] or 0)]
    return {k: (v[0], v[1], v[2], v[3], v[4]) for k, v in sums.items()}


def sustainability(
    *,
    access: Access,
    since: datetime.date,
    until: datetime.date,
    centre_id: int | None = None,
    from_rows: bool = False,
) -> Dashboard:
    """Cost per child-month, fees billed, collected and waived against running cost, the funding
    mix and months of runway (cash at ``until`` over the average running cost a month less the
    average income received a month), per centre and for the cooperative. The averages are over
    the months of the period that have figures (``Dashboard.months``).

    Read from the totals the ledger and billing keep by month (``ledger.MonthTotal``,
    ``billing.CentreMonth``): two grouped queries over a few rows a month, whatever the number of
    invoices and lines, plus the lines of the days at the period's edges that are not whole
    months. ``from_rows`` sums every line and invoice of the period instead: the same figures,
    which the tests hold the kept totals to."""
    visible = list(centres(access=access))
    if centre_id is not None:
        visible = [c for c in visible if c.pk == centre_id]
    ids = [c.pk for c in visible]
    one_centre = Q(centre_id__in=ids) if centre_id is not None else Q()
    # The averages divide by the months that have figures: a month before the cooperative
    # began, or one nobody has entered yet, is not a month of nothing spent.
    first = since.replace(day=1)
    months = len(
        _months_from_rows(access, one_centre, first, until)
        if from_rows
        else _kept_months(access, one_centre, first=first, until=until)
    )
    per: dict[int | None, Figures] = {
        c.pk: Figures(name=c.name, places=c.licensed_capacity, months=months, centre=c)
        for c in visible
    }
    ledger = _ledger_from_rows if from_rows else _ledger_kept
    billing = _billing_from_rows if from_rows else _billing_kept
    # 1. Income and expense per centre and account; cash, mobile money and bank at ``until``.
    sums, cash = ledger(access, one_centre, since, until)
    shared = Figures(name="", months=months)
    for (centre, code, kind), amount in sorted(sums.items(), key=lambda kv: str(kv[0])):
        if not amount:  # an account whose entries were reversed, or a kept month's edge
            continue
        target = per.get(centre, shared)
        if kind == AccountKind.EXPENSE:
            target.cost_minor += amount
            target.costs[code] = target.costs.get(code, 0) + amount
        else:
            source = str(INCOME_SOURCES.get(code, "other"))
            target.income[source] = target.income.get(source, 0) - amount
    # 2. Children billed, fees, paid and waived per centre.
    for centre, (n, full, billed, paid, waived) in billing(
        access, one_centre, since, until
    ).items():
        f = per.get(centre)
        if f is not None:
            f.child_months = n
            f.full_fees_minor = full
            f.billed_minor = billed
            f.collected_minor = paid
            f.waived_minor = waived
    total = Figures(name="", months=months)
    for f in per.values():
        total.add(f)
    if centre_id is None:
        total.add(shared)  # the cooperative's own costs and income (no centre)
    # Runway: the cash divided by what flows out a month, net of every income received (fees
    # collected as well as grants and other income), both averaged over the same months.
    outflow = round((total.cost_minor - total.received_minor) / months) if months else 0
    labels = {"fees": "fees", **{k: k for k in FunderKind.values}, "other": "other"}
    mix = [(labels[k], v) for k, v in sorted(total.income.items(), key=lambda kv: -kv[1]) if v]
    return Dashboard(
        since=since,
        until=until,
        months=months,
        calendar_months=_months(since, until),
        total=total,
        centres=list(per.values()),
        cash_minor=cash,
        net_outflow_minor=outflow,
        runway_months=sus.runway_months(cash, outflow),
        mix=mix,
    )


# The what-if page's figures where the cooperative has none of its own yet: those of the
# reference cooperative A (``sustainability.REFERENCE_A``, in rupees), read as plain figures in
# the cooperative's currency. Its 30 places and its fee of 175 a month, and a running cost in the
# middle of its 20,000-25,000 a month: 22,500, four fifths of it wages (18,000) and the rest other
# running costs (4,500).
SCENARIO_REFERENCE_CURRENCY = "INR"
SCENARIO_PLACES = sus.REFERENCE_A["places"]
SCENARIO_FEE_MINOR = sus.REFERENCE_A["fee_minor"]
SCENARIO_RUNNING_COST_MINOR = (
    sus.REFERENCE_A["cost_low_minor"] + sus.REFERENCE_A["cost_high_minor"]
) // 2
SCENARIO_WAGES_MINOR = SCENARIO_RUNNING_COST_MINOR * 4 // 5


def _fee_in_force(*, access: Access, centre: Centre | None, on: datetime.date) -> int | None:
    """The highest monthly fee the centre's fee schedule sets on ``on`` (the full fee: the other
    categories pay less), in minor units; None when it sets none."""
    if centre is None:
        return None
    fee = (
        FeeSchedule.objects.filter(coop_id=access.coop_id, centre=centre, effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .aggregate(n=Max("amount_minor"))["n"]
    )
    return None if fee is None else int(fee)


def scenario_defaults(*, access: Access, today: datetime.date) -> dict[str, Any]:
    """The figures the what-if page starts from, as its form takes them (amounts in the
    cooperative's currency, shares in percent): a month on average of the first centre that
    billed children and spent money over the default period (the last complete months with
    figures). Without one, what the cooperative has: its first
    centre's places, the fee its schedule sets there today and the centre's running cost; and the
    reference figures (``SCENARIO_*``) for what it has not."""
    currency = access.org.currency
    since, until = default_period(access=access, today=today)
    board = sustainability(access=access, since=since, until=until)
    f = next((c for c in board.centres if c.child_months and c.cost_minor), None)
    if f is not None:
        months = f.months or 1
        wages = f.costs.get(chart.SALARIES, 0)
        billed_net = f.billed_minor - f.waived_minor
        return {
            "places": f.places,
            "occupancy": round(100 * (f.occupancy or 0)),
            "fee": to_decimal(max(0, f.average_fee_minor or 0), currency),
            "wages": to_decimal(max(0, round(wages / months)), currency),
            "other_costs": to_decimal(max(0, round((f.cost_minor - wages) / months)), currency),
            "subsidy": to_decimal(max(0, round(f.other_income_minor / f.child_months)), currency),
            "collection": round(100 * f.collected_minor / billed_net) if billed_net > 0 else 100,
            "waivers": round(100 * f.waived_minor / f.billed_minor) if f.billed_minor else 0,
        }
    first = board.centres[0] if board.centres else None
    reference = SCENARIO_REFERENCE_CURRENCY
    fee = _fee_in_force(access=access, centre=first.centre if first else None, on=today)
    if first is not None and first.cost_minor:
        wages = first.costs.get(chart.SALARIES, 0)
        wages_a_month = to_decimal(max(0, round(wages / (first.months or 1))), currency)
        others = max(0, round((first.cost_minor - wages) / (first.months or 1)))
        other_costs = to_decimal(others, currency)
    else:
        wages_a_month = to_decimal(SCENARIO_WAGES_MINOR, reference)
        other_costs = to_decimal(SCENARIO_RUNNING_COST_MINOR - SCENARIO_WAGES_MINOR, reference)
    return {
        "places": first.places if first is not None and first.places else SCENARIO_PLACES,
        "occupancy": 100,
        "fee": to_decimal(SCENARIO_FEE_MINOR, reference)
        if fee is None
        else to_decimal(fee, currency),
        "wages": wages_a_month,
        "other_costs": other_costs,
        "subsidy": Decimal(0),
        "collection": 100,
        "waivers": 0,
    }


def expense_get(*, access: Access, pk: int) -> Expense:
    expense = expenses(access=access).filter(pk=pk).first()
    if expense is None:
        raise Http404
    return expense


def disbursement_get(*, access: Access, pk: int) -> Disbursement:
    disbursement = (
        access.restrict(Disbursement.objects.filter(pk=pk)).select_related("grant").first()
    )
    if disbursement is None:
        raise Http404
    return disbursement
