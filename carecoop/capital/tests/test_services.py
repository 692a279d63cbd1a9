"""Share capital: instalments and receipts, the register, transfers and redemptions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope
from hypothesis import given
from hypothesis import strategies as st

from carecoop.capital import schedule, selectors, services
from carecoop.capital.models import Certificate, Payment, Subscription
from carecoop.governance import services as governance
from carecoop.ledger import chart
from carecoop.ledger.models import Entry
from carecoop.ledger.selectors import account_balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def capital(world):
    with scope(coop=world.home.pk):
        by = world.users["treasurer"]
        shares = services.share_class_create(
            coop=world.home,
            by=by,
            code="ordinary",
            name="Ordinary",
            par_value="250.00",
            currency="inr",
        )
        services.share_limit_set(
            share_class=shares, by=by, member_class=world.member_class, min_shares=1, max_shares=4
        )
        yield world, by, shares


def test_instalments_receipts_and_the_certificate(capital):
    world, by, shares = capital
    member = world.membership
    subscription = services.subscription_create(
        coop=world.home,
        by=by,
        membership=member,
        share_class=shares,
        shares=2,
        subscribed_on=datetime.date(2026, 1, 10),
        instalment=100,
    )
    assert subscription.total_minor == 50_000
    first = services.payment_record(
        subscription=subscription,
        by=by,
        amount=100,
        method="mobile_money",
        paid_on=datetime.date(2026, 1, 10),
        client_reference="MPESA-1",
    )
    # The phone sent it twice: the same payment, not a second one.
    again = services.payment_record(
        subscription=subscription,
        by=by,
        amount=100,
        method="mobile_money",
        paid_on=datetime.date(2026, 1, 10),
        client_reference="MPESA-1",
    )
    assert again.pk == first.pk and Payment.objects.count() == 1
    with pytest.raises(ValidationError, match="already used for another payment"):
        services.payment_record(
            subscription=subscription,
            by=by,
            amount=50,
            method="cash",
            paid_on=datetime.date(2026, 1, 11),
            client_reference="MPESA-1",
        )
    with pytest.raises(ValidationError, match="remain to be paid"):
        services.payment_record(
            subscription=subscription,
            by=by,
            amount=500,
            method="cash",
            paid_on=datetime.date(2026, 2, 1),
        )
    with pytest.raises(ValidationError, match="decimals"):
        services.payment_record(
            subscription=subscription,
            by=by,
            amount="1.001",
            method="cash",
            paid_on=datetime.date(2026, 2, 1),
        )
    held = selectors.holdings(coop_id=world.home.pk, on=datetime.date(2026, 4, 15))[member.pk]
    # Due by 15 April: Jan, Feb, Mar, Apr = 400.00, capped at 500.00; paid 100.00; oldest unpaid
    # instalment fell due on 10 February: 2 whole months.
    assert (held.paid_shares, held.due_minor, held.arrears_minor, held.arrears_months) == (
        0,
        40_000,
        30_000,
        2,
    )
    second = services.payment_record(
        subscription=subscription,
        by=by,
        amount=400,
        method="cash",
        paid_on=datetime.date(2026, 4, 20),
    )
    assert (first.receipt_number, second.receipt_number) == (1, 2)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PAID
    certificate = Certificate.objects.get()
    assert (certificate.number, certificate.shares, certificate.issued_on) == (
        1,
        2,
        datetime.date(2026, 4, 20),
    )
    assert (
        selectors.holdings(coop_id=world.home.pk, on=datetime.date(2026, 5, 1))[
            member.pk
        ].paid_shares
        == 2
    )
    assert second.history.first().history_user == by
    # Each payment posted once: into mobile money or cash, and the members' share capital.
    assert Entry.objects.filter(source_key__startswith="share-payment:").count() == 2
    assert account_balance(coop_id=world.home.pk, code=chart.MOBILE_MONEY) == 10_000
    assert account_balance(coop_id=world.home.pk, code=chart.CASH) == 40_000
    assert account_balance(coop_id=world.home.pk, code=chart.SHARE_CAPITAL) == 50_000


def test_shares_are_in_the_books_currency(world):
    with scope(coop=world.home.pk), pytest.raises(ValidationError, match="keeps its books in"):
        services.share_class_create(
            coop=world.home, by=None, code="usd", name="Dollar", par_value=10, currency="USD"
        )


def test_maximum_per_member_class(capital):
    world, by, shares = capital
    with pytest.raises(ValidationError, match="at most 4"):
        services.subscription_create(
            coop=world.home,
            by=by,
            membership=world.membership,
            share_class=shares,
            shares=5,
            subscribed_on=datetime.date(2026, 1, 1),
        )


def _paid(world, by, shares, member, count=2):
    subscription = services.subscription_create(
        coop=world.home,
        by=by,
        membership=member,
        share_class=shares,
        shares=count,
        subscribed_on=datetime.date(2025, 1, 1),
    )
    services.payment_record(
        subscription=subscription,
        by=by,
        amount=250 * count,
        method="cash",
        paid_on=datetime.date(2025, 1, 1),
    )


def test_transfer_cites_a_board_decision_and_redemption_on_exit(capital):
    world, by, shares = capital
    seller, buyer = world.membership, world.elsewhere
    _paid(world, by, shares, seller, 3)
    with pytest.raises(ValidationError, match="needs the board decision"):
        services.transfer_record(
            coop=world.home,
            by=by,
            from_membership=seller,
            to_membership=buyer,
            share_class=shares,
            shares=1,
            transferred_on=datetime.date(2026, 3, 1),
            board_decision=None,
        )
    decision = governance.decision_record(
        coop=world.home, by=by, decided_on=datetime.date(2026, 2, 20), title="Transfer approved"
    )
    transfer = services.transfer_record(
        coop=world.home,
        by=by,
        from_membership=seller,
        to_membership=buyer,
        share_class=shares,
        shares=1,
        transferred_on=datetime.date(2026, 3, 1),
        board_decision=decision,
    )
    assert transfer.board_decision.number == "BD-2026-001"
    on = datetime.date(2026, 3, 2)
    held = selectors.holdings(coop_id=world.home.pk, on=on)
    assert held[seller.pk].paid_shares == 2 and held[buyer.pk].paid_shares == 1
    # The old certificate is cancelled; the seller's remaining shares and the buyer's are new.
    assert list(
        Certificate.objects.order_by("number").values_list("number", "shares", "cancelled_on")
    ) == [
        (1, 3, datetime.date(2026, 3, 1)),
        (2, 2, None),
        (3, 1, None),
    ]
    with pytest.raises(ValidationError, match="only by a board decision"):
        services.redemption_record(
            coop=world.home,
            by=by,
            membership=seller,
            share_class=shares,
            shares=2,
            redeemed_on=datetime.date(2026, 4, 1),
            reason="Leaving",
        )
    seller.status, seller.exited_on = "exited", datetime.date(2026, 4, 1)
    seller.save()
    redemption = services.redemption_record(
        coop=world.home,
        by=by,
        membership=seller,
        share_class=shares,
        shares=2,
        redeemed_on=datetime.date(2026, 4, 1),
        reason="Left the cooperative",
    )
    assert redemption.amount_minor == 50_000
    # Paid back in cash out of the share capital paid in (3 shares of 250.00).
    assert account_balance(coop_id=world.home.pk, code=chart.SHARE_CAPITAL) == 25_000
    assert account_balance(coop_id=world.home.pk, code=chart.CASH) == 25_000
    assert (
        selectors.holdings(coop_id=world.home.pk, on=datetime.date(2026, 4, 2))[
            seller.pk
        ].paid_shares
        == 0
    )


@given(
    total=st.integers(1, 100_000),
    instalment=st.integers(1, 100_000),
    paid=st.integers(0, 100_000),
    days=st.integers(0, 2000),
)
def test_arrears_never_count_what_is_not_yet_due(total, instalment, paid, days):
    instalment = min(instalment, total)
    paid = min(paid, total)
    first = datetime.date(2024, 1, 31)
    on = first + datetime.timedelta(days=days)
    due = schedule.due_by(
        total=total, instalment=instalment, first_due_on=first, interval_months=1, on=on
    )
    months = schedule.arrears_months(
        total=total, instalment=instalment, first_due_on=first, interval_months=1, paid=paid, on=on
    )
    assert 0 <= due <= total
    if paid >= due:
        assert months == 0
