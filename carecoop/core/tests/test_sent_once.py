"""Every form that writes money writes once, however often it is sent: twice in a row, or ten
times at the same moment (PostgreSQL). One mechanism: the form's token, claimed first thing by
the service in a row the database keeps unique (``core.services.submitted_once``)."""

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django_scopes import scope

from carecoop.billing import services as billing
from carecoop.billing.models import FundContribution, Invoice
from carecoop.billing.models import Payment as FeePayment
from carecoop.capital import services as capital
from carecoop.capital.models import Payment as SharePayment
from carecoop.capital.models import Redemption, Subscription, Transfer
from carecoop.core.models import Submission
from carecoop.funding import services as funding
from carecoop.funding.models import Disbursement, Expense, Grant
from carecoop.governance import services as governance
from carecoop.ledger import chart
from carecoop.ledger import services as ledger
from carecoop.ledger.models import Account, Entry

TOKEN = "0123456789abcdef0123456789abcdef"


@dataclass
class Case:
    role: str
    url: str
    data: dict[str, Any]
    model: Any
    entries: int  # ledger entries one submission posts


def _fund_gift(billed: Any) -> Case:
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/billing/waivers/fund/",
        {"kind": "donation", "amount": "500", "received_on": billed.today, "source": "Neighbours"},
        FundContribution,
        1,
    )


def _invoice(billed: Any) -> Invoice:
    household, _ = billed.enrol_family(1)
    billing.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    return Invoice.objects.get(household=household)


def _fee_payment(billed: Any) -> Case:
    invoice = _invoice(billed)
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/billing/invoices/{invoice.pk}/pay/",
        {"method": "cash", "amount": "100", "currency": "INR", "received_on": billed.today},
        FeePayment,
        1,
    )


def _fee_payment_by_number(billed: Any) -> Case:
    invoice = _invoice(billed)
    return Case(
        "facilitator",
        f"/c/{billed.coop.slug}/billing/payments/new/",
        {
            "invoice": invoice.number,
            "method": "mobile",
            "reference": "MP-55",
            "amount": "100",
            "currency": "INR",
            "received_on": billed.today,
        },
        FeePayment,
        1,
    )


def _manual_entry(billed: Any) -> Case:
    ledger.chart_ensure(coop=billed.coop)
    accounts = dict(Account.objects.values_list("code", "pk"))
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/ledger/entries/new/",
        {
            "date": billed.today,
            "memo": "Sale of produce",
            "account_1": accounts[chart.CASH],
            "debit_1": "10",
            "account_2": accounts[chart.OTHER_INCOME],
            "credit_2": "10",
        },
        Entry,
        1,
    )


def _expense(billed: Any) -> Case:
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/funding/expenses/new/",
        {
            "date": billed.today,
            "category": "food",
            "amount": "1200",
            "paid_from": "cash",
            "description": "Rice and dal",
        },
        Expense,
        1,
    )


def _funder(billed: Any) -> Any:
    return funding.funder_create(coop=billed.coop, by=billed.by, name="Scheme", kind="government")


def _grant_money(billed: Any) -> Case:
    grant = funding.grant_create(
        coop=billed.coop,
        by=billed.by,
        funder=_funder(billed),
        title="Creche scheme",
        amount=Decimal(100_000),
        currency="INR",
        starts_on=billed.month,
        ends_on=billed.month + datetime.timedelta(days=365),
    )
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/funding/grants/{grant.pk}/disburse/",
        {"received_on": billed.today, "amount": "2500"},
        Disbursement,
        1,
    )


def _grant(billed: Any) -> Case:
    return Case(
        "manager",
        f"/c/{billed.coop.slug}/funding/grants/new/",
        {
            "funder": _funder(billed).pk,
            "title": "Creche scheme",
            "amount": "10000",
            "currency": "INR",
            "starts_on": billed.month,
            "ends_on": billed.month + datetime.timedelta(days=365),
        },
        Grant,
        0,
    )


def _share_class(billed: Any) -> Any:
    return capital.share_class_create(
        coop=billed.coop, by=billed.by, code="ordinary", name="Ordinary", par_value=100, currency=""
    )


def _share_subscription(billed: Any) -> Case:
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/capital/subscriptions/new/",
        {
            "membership": billed.world.membership.pk,
            "share_class": _share_class(billed).pk,
            "shares": "1",
            "subscribed_on": billed.today,
            "interval_months": "1",
        },
        Subscription,
        0,
    )


def _share_payment(billed: Any) -> Case:
    subscription = capital.subscription_create(
        coop=billed.coop,
        by=billed.by,
        membership=billed.world.membership,
        share_class=_share_class(billed),
        shares=4,
        subscribed_on=billed.today - datetime.timedelta(days=10),
        instalment=25,
    )
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/capital/subscriptions/{subscription.pk}/",
        {"amount": "25", "method": "cash", "paid_on": billed.today},
        SharePayment,
        1,
    )


def _paid_shares(billed: Any) -> tuple[Any, Any]:
    """Three paid-up shares of the first member, and a board decision of today."""
    shares = _share_class(billed)
    subscription = capital.subscription_create(
        coop=billed.coop,
        by=billed.by,
        membership=billed.world.membership,
        share_class=shares,
        shares=3,
        subscribed_on=billed.today - datetime.timedelta(days=10),
    )
    capital.payment_record(
        subscription=subscription,
        by=billed.by,
        amount=300,
        method="cash",
        paid_on=billed.today - datetime.timedelta(days=10),
    )
    decision = governance.decision_record(
        coop=billed.coop, by=billed.by, decided_on=billed.today, title="Shares approved"
    )
    return shares, decision


def _redemption(billed: Any) -> Case:
    shares, decision = _paid_shares(billed)
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/capital/redemptions/new/",
        {
            "membership": billed.world.membership.pk,
            "share_class": shares.pk,
            "shares": "1",
            "redeemed_on": billed.today,
            "method": "cash",
            "reason": "Needs the money back",
            "board_decision": decision.pk,
        },
        Redemption,
        1,
    )


def _transfer(billed: Any) -> Case:
    shares, decision = _paid_shares(billed)
    return Case(
        "treasurer",
        f"/c/{billed.coop.slug}/capital/transfers/new/",
        {
            "from_membership": billed.world.membership.pk,
            "to_membership": billed.world.elsewhere.pk,
            "share_class": shares.pk,
            "shares": "1",
            "transferred_on": billed.today,
            "board_decision": decision.pk,
        },
        Transfer,
        0,
    )


# Every form that writes money (or shares) from a page.
CASES: dict[str, Callable[[Any], Case]] = {
    "fund gift": _fund_gift,
    "fee payment": _fee_payment,
    "fee payment by invoice number": _fee_payment_by_number,
    "manual ledger entry": _manual_entry,
    "expense": _expense,
    "grant money received": _grant_money,
    "grant": _grant,
    "share subscription": _share_subscription,
    "share payment": _share_payment,
    "share redemption": _redemption,
    "share transfer": _transfer,
}


def _counts(billed: Any, case: Case) -> tuple[int, int]:
    with scope(coop=billed.coop.pk):
        return case.model.objects.count(), Entry.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_a_money_form_sent_twice_records_once(billed, name):
    case = CASES[name](billed)
    records, entries = _counts(billed, case)
    client = billed.world.client(case.role)
    data = {**case.data, "key": TOKEN}
    first = client.post(case.url, data)
    again = client.post(case.url, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert _counts(billed, case) == (records + 1, entries + case.entries)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", CASES)
def test_a_money_form_sent_ten_times_at_once_records_once(billed, name):
    """Ten identical requests at the same moment, each in its own transaction under READ
    COMMITTED: one record, and ten answers that lead to it. No server error, no second row."""
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    case = CASES[name](billed)
    records, entries = _counts(billed, case)
    clients = [billed.world.client(case.role) for _ in range(10)]
    data = {**case.data, "key": TOKEN}
    barrier = threading.Barrier(len(clients))
    answers: list[tuple[int, str]] = []

    def send(client: Any) -> None:
        try:
            barrier.wait()
            response = client.post(case.url, data)
            answers.append((response.status_code, response.get("Location", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 10
    assert {status for status, _location in answers} == {302}
    assert len({location for _status, location in answers}) == 1
    assert _counts(billed, case) == (records + 1, entries + case.entries)
    with scope(coop=billed.coop.pk):
        assert Submission.objects.filter(key=TOKEN).count() == 1


def test_every_money_service_claims_the_form_key():
    services = [
        billing.payment_record,
        billing.fund_contribute,
        capital.subscription_create,
        capital.payment_record,
        capital.transfer_record,
        capital.redemption_record,
        funding.grant_create,
        funding.disbursement_record,
        funding.expense_record,
        ledger.manual_entry_post,
    ]
    assert all(getattr(s, "submitted_once", False) for s in services)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["a" * 65, "", "not a key", "k\x00ey", "\u202ekey"])
def test_a_malformed_form_key_says_the_form_expired_and_changes_nothing(billed, key):
    case = _fund_gift(billed)
    before = _counts(billed, case)
    response = billed.world.client("treasurer").post(case.url, {**case.data, "key": key})
    assert response.status_code == 200
    assert "This form has expired. Open it again" in response.content.decode()
    assert _counts(billed, case) == before


@pytest.mark.django_db
def test_a_malformed_key_on_a_form_posted_from_another_page_says_so_too(billed):
    case = _grant_money(billed)
    before = _counts(billed, case)
    response = billed.world.client("treasurer").post(
        case.url, {**case.data, "key": "a" * 65}, follow=True
    )
    assert "This form has expired. Open it again" in response.content.decode()
    assert _counts(billed, case) == before


@pytest.mark.django_db
def test_a_key_sent_to_another_form_is_refused(billed):
    gift, expense = _fund_gift(billed), _expense(billed)
    client = billed.world.client("treasurer")
    assert client.post(gift.url, {**gift.data, "key": TOKEN}).status_code == 302
    before = _counts(billed, expense)
    response = client.post(expense.url, {**expense.data, "key": TOKEN})
    assert "This form was already sent for something else" in response.content.decode()
    assert _counts(billed, expense) == before


@pytest.mark.django_db
def test_a_form_is_claimed_under_its_apps_services_name_whichever_module_holds_it(billed):
    """A form sent before the services were split into modules by topic, and sent again after,
    is still known: the claim names the app's services, not the file."""
    case = CASES["fee payment"](billed)
    client = billed.world.client(case.role)
    client.post(case.url, {**case.data, "key": TOKEN})
    with scope(coop=billed.coop.pk):
        claimed = Submission.objects.get(key=TOKEN)
    assert billing.payment_record.__module__ == "carecoop.billing.services.payments"
    assert claimed.service == "carecoop.billing.services.payment_record"
