"""The dashboard figures against a small set of books whose every number is known."""

import datetime
from decimal import Decimal

import pytest

from carecoop.billing import services as billing
from carecoop.billing.models import Invoice
from carecoop.core.money import format_money
from carecoop.core.permissions import Access
from carecoop.funding import selectors, services

pytestmark = pytest.mark.django_db


def _books(billed):
    """One child billed for the month, Rs 450 of running cost, a Rs 300 grant received in the
    month and Rs 2,000 received before it (cash on hand, not income of the period)."""
    household, _children = billed.enrol_family(1)
    billing.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    invoice = Invoice.objects.get(household=household)
    funder = services.funder_create(coop=billed.coop, by=None, name="Scheme", kind="government")
    grant = services.grant_create(
        coop=billed.coop,
        by=None,
        funder=funder,
        title="Running cost",
        amount=Decimal(10000),
        currency="INR",
        starts_on=billed.month - datetime.timedelta(days=60),
        ends_on=billed.month + datetime.timedelta(days=300),
        centre=billed.creche.centre,
    )
    services.disbursement_record(
        grant=grant,
        by=None,
        received_on=billed.month - datetime.timedelta(days=40),
        amount=Decimal(2000),
        reference="before",
    )
    services.disbursement_record(
        grant=grant, by=None, received_on=billed.month, amount=Decimal(300), reference="during"
    )
    services.expense_record(
        coop=billed.coop,
        by=None,
        date=billed.month,
        category="salaries",
        amount=Decimal(450),
        paid_from="bank",
        description="Wages",
        centre=billed.creche.centre,
    )
    return invoice


def _board(billed):
    access = Access(user=billed.by, org=billed.coop, roles=frozenset({"manager"}))
    return selectors.sustainability(access=access, since=billed.month, until=billed.today)


def _pay(invoice, billed, amount, key):
    billing.payment_record(
        invoice=invoice,
        by=billed.by,
        method="cash",
        amount=Decimal(amount),
        received_on=billed.today,
        key=key,
    )


def test_runway_counts_the_fees_collected_as_well_as_grants(billed):
    invoice = _books(billed)
    _pay(invoice, billed, 100, "first")
    board = _board(billed)
    assert board.months == 1
    assert board.total.cost_minor == 45000
    assert board.total.collected_minor == 10000 and board.total.other_income_minor == 30000
    # Cash: Rs 100 fees + Rs 2,000 + Rs 300 grants - Rs 450 wages.
    assert board.cash_minor == 195000
    # Net outflow: Rs 450 cost - (Rs 100 fees + Rs 300 grant) = Rs 50 a month.
    assert board.runway_months == pytest.approx(39.0)  # not 195000 / 15000 = 13 (fees ignored)
    assert board.net_outflow_minor == 5000

    # Once the family pays the rest of the invoice, income received covers the running cost:
    # the cash is not running down, shown as "no deficit".
    _pay(invoice, billed, Decimal(invoice.total_minor - 10000) / 100, "second")
    board = _board(billed)
    assert board.total.collected_minor == invoice.total_minor
    assert board.net_outflow_minor <= 0
    assert board.runway_months is None


def test_the_break_even_fee_with_the_other_income_covers_the_cost(billed):
    invoice = _books(billed)
    billing.fund_contribute(
        coop=billed.coop,
        by=billed.by,
        kind="donation",
        amount=Decimal(1000),
        received_on=billed.month,
        source="Festival",
    )
    criterion = billing.waiver_criterion_create(
        coop=billed.coop, by=billed.by, name="No income", description="Nothing earned."
    )
    application = billing.waiver_apply(
        coop=billed.coop,
        by=billed.by,
        household=invoice.household,
        criterion=criterion,
        percent=100,
        first_month=billed.month,
        last_month=billed.month,
        reason="Illness.",
    )
    billing.waiver_decide(application=application, by=billed.by, approve=True, on=billed.month)
    billing.waiver_grant(application=application, invoice=invoice, by=billed.by, on=billed.today)
    total = _board(billed).total
    assert total.waived_minor == invoice.total_minor and total.child_months == 1
    # The waived fee is paid by the solidarity fund out of the fee billed: it is not income on
    # top of the fee, so the break-even fee is (cost - other income) per child-month.
    assert total.break_even_fee_minor == 45000 - 30000


def test_the_funding_mix_calls_the_fee_income_billed_and_explains_the_runway(billed):
    invoice = _books(billed)
    _pay(invoice, billed, 100, "first")
    # This month, which the page shows when asked (by default it shows complete months only).
    page = (
        billed.world.client("board")
        .get(f"/c/{billed.coop.slug}/funding/", {"since": billed.month, "until": billed.today})
        .content.decode()
    )
    mix = page[page.index("Funding mix") :]
    # The fee income in the books is what was billed (Rs 175 here), of which Rs 100 is collected.
    assert "Fees billed" in mix and "Fees collected" not in mix
    assert format_money(invoice.total_minor, "INR") in mix
    assert "fees collected from families, grants and other income" in page
