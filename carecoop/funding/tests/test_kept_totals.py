"""The sustainability figures read from the totals the ledger and billing keep by month equal the
figures summed from every line and invoice, after every kind of write, for any period."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from carecoop.billing import services as billing
from carecoop.billing.fees import month_end, previous_month
from carecoop.billing.models import Invoice
from carecoop.core.permissions import Access
from carecoop.funding import selectors, services
from carecoop.ledger import chart
from carecoop.ledger.models import Entry
from carecoop.ledger.services import credit, debit, entry_post, entry_reverse

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _series(billed):
    """Two months billed with siblings and a late start, waivers from the fund, payments (one
    reversed, one for last month's invoice paid this month), expenses and grant money (one of
    each reversed), and entries by hand on days spread over the months, to no centre and after
    today; and an entry of another cooperative, which no figure here may count."""
    coop, by, today, month = billed.coop, billed.by, billed.today, billed.month
    last = previous_month(month)
    centre, centre2 = billed.creche.centre, billed.world.centre2
    billed.enrol_family(2)
    billed.enrol_family(1, pool=False)
    household, _children = billed.enrol_family(1, starts_on=last + 10 * DAY)
    for m in (last, month):
        billing.billing_run(coop=coop, by=by, month=m, today=today)
    billing.fund_contribute(
        coop=coop,
        by=by,
        kind="donation",
        amount=Decimal("1000"),
        received_on=today,
        source="Friends",
    )
    criterion = billing.waiver_criterion_create(
        coop=coop, by=by, name="Poorest", description="No income"
    )
    application = billing.waiver_apply(
        coop=coop,
        by=by,
        household=household,
        criterion=criterion,
        percent=50,
        first_month=last,
        last_month=month,
        reason="Lost work",
    )
    billing.waiver_decide(application=application, by=by, approve=True, on=today)
    for m in (last, month):
        assert billing.waivers_apply(coop=coop, by=by, month=m, on=today).granted == 1
    invoices = list(Invoice.objects.filter(coop=coop).order_by("month", "pk"))
    paid = []
    for i, invoice in enumerate(invoices):
        invoice.refresh_from_db()
        paid.append(
            billing.payment_record(
                invoice=invoice,
                by=by,
                method="cash",
                amount=str(Decimal(invoice.due_minor - 1000 * i) / 100),
                received_on=today,
                key=f"pay-{invoice.pk}",
            )
        )
    billing.payment_reverse(payment=paid[1], by=by, on=today, reason="Bounced")
    funder = services.funder_create(coop=coop, by=None, name="Scheme", kind="government")
    grant = services.grant_create(
        coop=coop,
        by=None,
        funder=funder,
        title="Running cost",
        amount=Decimal(10000),
        currency="INR",
        starts_on=last - 60 * DAY,
        ends_on=month + 300 * DAY,
        centre=centre,
    )
    for on, amount, reference in ((last, 2000, "a"), (month, 300, "b"), (today, 50, "c")):
        money = services.disbursement_record(
            grant=grant, by=None, received_on=on, amount=Decimal(amount), reference=reference
        )
    services.disbursement_reverse(disbursement=money, by=by, on=today, reason="Twice")
    for on, amount, where in ((last + 14 * DAY, 450, centre), (month, 120, centre2)):
        expense = services.expense_record(
            coop=coop,
            by=None,
            date=on,
            category="salaries",
            amount=Decimal(amount),
            paid_from="bank",
            description="Wages",
            centre=where,
        )
    services.expense_reverse(expense=expense, by=by, on=today, reason="Wrong centre")
    hand = [
        (last - 70 * DAY, chart.RENT, 7000, centre),
        (last + 4 * DAY, chart.FOOD, 3300, centre2),
        (last + 20 * DAY, chart.FOOD, 1100, None),
        (month, chart.RENT, 2500, centre),
        (today, chart.FOOD, 800, centre2),
        (today + 2 * DAY, chart.RENT, 600, None),
    ]
    for i, (on, account, amount, where) in enumerate(hand):
        entry_post(
            coop=coop,
            by=by,
            date=on,
            memo="By hand",
            lines=[
                debit(account, amount, where.pk if where else None),
                credit(chart.CASH, amount, where.pk if where else None),
            ],
            source_key=f"manual:test-{i}",
        )
    entry_reverse(
        entry=Entry.objects.get(coop=coop, source_key="manual:test-1"),
        by=by,
        date=last + 25 * DAY,
        reason="Typo",
    )
    other = billed.world.other
    with scope(coop=other.pk):
        entry_post(
            coop=other,
            by=None,
            date=month,
            memo="Elsewhere",
            lines=[debit(chart.RENT, 99900), credit(chart.CASH, 99900)],
        )


def _periods(today):
    month = today.replace(day=1)
    last = previous_month(month)
    return [
        selectors.six_months(today),
        (month, today),
        (last, month_end(last)),
        (last + 9 * DAY, month + 2 * DAY),
        (last + 4 * DAY, last + 19 * DAY),
        (last + 15 * DAY, today + 10 * DAY),
        (today, today),
        (month, month),
        (last - 100 * DAY, last - 1 * DAY),
    ]


def _both(access, since, until, centre_id=None):
    kept = selectors.sustainability(access=access, since=since, until=until, centre_id=centre_id)
    raw = selectors.sustainability(
        access=access, since=since, until=until, centre_id=centre_id, from_rows=True
    )
    return kept, raw


def test_the_kept_totals_give_the_figures_of_every_line_and_invoice(billed):
    _series(billed)
    access = Access(user=billed.by, org=billed.coop, roles=frozenset({"manager"}))
    since, until = selectors.six_months(billed.today)
    kept, raw = _both(access, since, until)
    # The books are not empty: every figure the totals keep is there to be got wrong.
    total = raw.total
    assert total.cost_minor and total.child_months and total.full_fees_minor
    assert total.billed_minor and total.collected_minor and total.waived_minor
    assert total.other_income_minor and raw.cash_minor
    assert kept == raw
    for since, until in _periods(billed.today):
        for centre_id in (None, billed.creche.centre.pk, billed.world.centre2.pk):
            kept, raw = _both(access, since, until, centre_id)
            assert kept == raw, (since, until, centre_id)


def test_the_default_period_reads_no_line_dated_up_to_today():
    today = datetime.date(2026, 12, 6)
    since, until = selectors.six_months(today)
    first, last, cuts = selectors._period_plan(since, until, today)
    assert (first, last) == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 1))
    assert cuts == [(today + DAY, datetime.date(2026, 12, 31), -1)]
    # Whole months read nothing but their totals; a few days read their own lines.
    assert (
        selectors._period_plan(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), today)[2]
        == []
    )
    assert selectors._period_plan(datetime.date(2026, 3, 9), datetime.date(2026, 3, 11), today) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 2, 28),
        [(datetime.date(2026, 3, 9), datetime.date(2026, 3, 11), 1)],
    )
