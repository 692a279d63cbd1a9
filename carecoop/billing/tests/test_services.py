import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carecoop.billing import fees, services
from carecoop.billing.fees import previous_month
from carecoop.billing.models import (
    BillingRun,
    FeeSchedule,
    Invoice,
    InvoiceLine,
    LineStatus,
    Payment,
    Reminder,
    StatementLine,
    Waiver,
    WaiverSkipped,
)
from carecoop.billing.services import invoicing
from carecoop.core.dates import day_text, month_text
from carecoop.core.sms import MemoryBackend
from carecoop.ledger import chart
from carecoop.ledger import services as ledger
from carecoop.ledger.models import Entry, Line
from carecoop.ledger.selectors import account_balance, trial_balance

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Invoice.objects.values_list("household_id", "month", "total_minor", "number")),
        sorted(InvoiceLine.objects.values_list("enrolment_id", "month", "amount_minor")),
        sorted(Line.objects.values_list("account__code", "centre_id", "amount_minor")),
    )


def test_one_invoice_per_household_with_a_line_per_child(billed):
    household, _kids = billed.enrol_family(2)
    services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    invoice = Invoice.objects.get(household=household)
    amounts = sorted(invoice.lines.values_list("amount_minor", flat=True))
    assert amounts == [8750, 17500]  # the second child half price
    assert invoice.total_minor == 26250
    assert account_balance(coop_id=billed.coop.pk, code=chart.FEES_RECEIVABLE) == 26250
    assert trial_balance(coop=billed.coop).balanced


def test_billing_twice_changes_nothing(billed):
    billed.enrol_family(2)
    billed.enrol_family(1)
    first = services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    before = snapshot()
    second = services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    assert first.invoices == 2 and second.invoices == 0 and second.already == 3
    assert snapshot() == before


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(families=st.lists(st.integers(1, 3), min_size=1, max_size=4), batch=st.integers(1, 3))
def test_property_billing_twice_changes_nothing_and_every_entry_balances(billed, families, batch):
    from django.db import transaction

    try:
        with transaction.atomic():
            for n in families:
                billed.enrol_family(n)
            services.billing_run(
                coop=billed.coop, by=billed.by, month=billed.month, batch_size=batch
            )
            before = snapshot()
            services.billing_run(
                coop=billed.coop, by=billed.by, month=billed.month, batch_size=batch
            )
            assert snapshot() == before
            for entry in Entry.objects.all():
                assert sum(entry.lines.values_list("amount_minor", flat=True)) == 0
            total = sum(Invoice.objects.values_list("total_minor", flat=True))
            assert account_balance(coop_id=billed.coop.pk, code=chart.FEE_INCOME) == total
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def test_a_run_killed_half_way_is_finished_by_the_next(billed, monkeypatch):
    for n in (1, 2, 1, 2, 1):
        billed.enrol_family(n)
    real = invoicing.numbers_reserve
    calls = {"n": 0}

    def failing(*, coop_id, key, count):
        calls["n"] += 1
        numbers = real(coop_id=coop_id, key=key, count=count)
        if calls["n"] == 3:
            # Number 2 is taken (the first batch had 1 and 2): the batch's ledger entry is
            # posted, then the invoice number constraint fails and the whole batch, entry
            # included, is undone.
            return [2] * count
        return numbers

    monkeypatch.setattr(invoicing, "numbers_reserve", failing)
    with pytest.raises(IntegrityError):
        services.billing_run(coop=billed.coop, by=billed.by, month=billed.month, batch_size=2)
    assert BillingRun.objects.get().status == "failed"
    assert Invoice.objects.count() == 4  # two whole batches, nothing of the third
    monkeypatch.setattr(invoicing, "numbers_reserve", real)
    services.billing_run(coop=billed.coop, by=billed.by, month=billed.month, batch_size=2)
    assert BillingRun.objects.get().status == "done"
    assert Invoice.objects.count() == 5
    assert InvoiceLine.objects.count() == 7
    total = sum(Invoice.objects.values_list("total_minor", flat=True))
    assert total == 3 * 17500 + 2 * (17500 + 8750)
    assert account_balance(coop_id=billed.coop.pk, code=chart.FEES_RECEIVABLE) == total
    assert trial_balance(coop=billed.coop).balanced


def test_catch_up_bills_the_missed_months(billed):
    billed.enrol_family(1, starts_on=billed.month - datetime.timedelta(days=120))
    earlier = previous_month(previous_month(billed.month))
    services.billing_run(coop=billed.coop, by=billed.by, month=earlier)
    results = services.billing_catch_up(coop=billed.coop, by=billed.by, through=billed.month)
    assert [r.month for r in results] == [previous_month(billed.month), billed.month]
    assert Invoice.objects.count() == 3


def test_a_part_month_and_a_community_child(billed):
    household, _ = billed.enrol_family(
        1, pool=False, starts_on=billed.month + datetime.timedelta(days=14)
    )
    services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    line = InvoiceLine.objects.get(invoice__household=household)
    assert line.full_minor == 25000
    assert line.days == line.month_days - 14
    assert line.amount_minor == (2 * 25000 * line.days + line.month_days) // (2 * line.month_days)


def _invoice(billed):
    household, _ = billed.enrol_family(1)
    services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    return Invoice.objects.get(household=household)


def test_cash_payment_gets_a_numbered_receipt_and_posts_once(billed):
    invoice = _invoice(billed)
    kwargs = dict(
        invoice=invoice,
        by=billed.by,
        method="cash",
        amount=Decimal("100"),
        received_on=billed.today,
        key="form-1",
    )
    first = services.payment_record(**kwargs)
    again = services.payment_record(**kwargs)
    assert first.pk == again.pk and first.receipt_number == "R0000001"
    invoice.refresh_from_db()
    assert invoice.paid_minor == 10000 and invoice.due_minor == 7500
    assert Entry.objects.filter(source_key__startswith="payment:").count() == 1
    assert account_balance(coop_id=billed.coop.pk, code=chart.CASH) == 10000


def test_bad_payments_are_refused_with_a_reason(billed):
    invoice = _invoice(billed)
    with pytest.raises(ValidationError, match="more than"):
        services.payment_record(
            invoice=invoice,
            by=billed.by,
            method="cash",
            amount=Decimal("176"),
            received_on=billed.today,
            key="k",
        )
    with pytest.raises(ValidationError, match="USD"):
        services.payment_record(
            invoice=invoice,
            by=billed.by,
            method="cash",
            currency="USD",
            amount=Decimal("1"),
            received_on=billed.today,
            key="k",
        )
    with pytest.raises(ValidationError, match="reference"):
        services.payment_record(
            invoice=invoice,
            by=billed.by,
            method="mobile",
            amount=Decimal("1"),
            received_on=billed.today,
        )
    with pytest.raises(ValidationError, match="no invoice numbered"):
        services.invoice_by_number(coop=billed.coop, number="F000000-000000")
    assert Payment.objects.count() == 0
    assert not Entry.objects.filter(source_key__startswith="payment:").exists()


def test_statement_import_matches_skips_duplicates_and_records_once(billed):
    invoice = _invoice(billed)
    phone = invoice.household.people.exclude(phone="").first().phone
    other = _invoice(billed)
    csv = (
        "date,reference,amount,currency,payer,phone,message\n"
        f"{billed.today},MP-1,175.00,INR,A,,fees {invoice.number}\n"
        f"{billed.today},MP-2,175.00,INR,B,{phone},fees\n"
        f"{billed.today},MP-3,199.00,INR,C,+1 555,hello\n"
    )
    statement = services.statement_import(
        coop=billed.coop, by=billed.by, provider="UPI", file_name="s.csv", content=csv
    )
    statuses = dict(StatementLine.objects.values_list("reference", "status"))
    assert statuses == {"MP-1": "proposed", "MP-2": "unmatched", "MP-3": "unmatched"}
    # MP-2's phone is the household of the invoice already matched by number, not of ``other``.
    outcome = services.statement_record(statement=statement, by=billed.by)
    assert outcome.recorded == 1
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    again = services.statement_import(
        coop=billed.coop, by=billed.by, provider="UPI", file_name="s.csv", content=csv
    )
    assert again.duplicates == 3 and again.lines.count() == 0
    line = StatementLine.objects.get(reference="MP-3")
    services.statement_line_match(line=line, by=billed.by, invoice=other)
    assert services.statement_record(statement=statement, by=billed.by).refused == 1
    line.refresh_from_db()
    assert line.status == LineStatus.UNMATCHED and "more than" in line.reason
    assert Payment.objects.count() == 1


def test_a_bank_statement_posts_to_the_bank_and_knows_payments_typed_in_by_hand(billed):
    invoice, other = _invoice(billed), _invoice(billed)
    services.payment_record(
        invoice=invoice,
        by=billed.by,
        method="bank",
        amount=Decimal("100"),
        received_on=billed.today,
        reference="TRF-9",
    )
    csv = (
        "date,reference,amount,currency,payer,phone,message\n"
        f"{billed.today},TRF-9,100.00,INR,A,,fees {invoice.number}\n"
        f"{billed.today},TRF-10,175.00,INR,B,,fees {other.number}\n"
    )
    statement = services.statement_import(
        coop=billed.coop,
        by=billed.by,
        provider="State Bank",
        file_name="s.csv",
        content=csv,
        method="bank",
    )
    typed = StatementLine.objects.get(reference="TRF-9")
    assert typed.status == LineStatus.RECORDED and "R0000001" in typed.reason
    assert services.statement_record(statement=statement, by=billed.by).recorded == 1
    assert Payment.objects.count() == 2
    assert account_balance(coop_id=billed.coop.pk, code=chart.BANK) == 27500
    assert account_balance(coop_id=billed.coop.pk, code=chart.MOBILE_MONEY) == 0
    # Typed in again by hand after the import, with another method: still the same payment.
    again = services.payment_record(
        invoice=other,
        by=billed.by,
        method="mobile",
        amount=Decimal("175"),
        received_on=billed.today,
        reference="TRF-10",
    )
    assert again.method == "bank" and Payment.objects.count() == 2
    with pytest.raises(ValidationError, match="mobile money or a bank"):
        services.statement_import(
            coop=billed.coop,
            by=billed.by,
            provider="X",
            file_name="s.csv",
            content=csv,
            method="cash",
        )


def test_a_payment_on_the_wrong_invoice_is_reversed_and_recorded_again(billed):
    wrong, right = _invoice(billed), _invoice(billed)
    payment = services.payment_record(
        invoice=wrong,
        by=billed.by,
        method="mobile",
        amount=Decimal("175"),
        received_on=billed.today,
        reference="MP-77",
    )
    # Not from the ledger's page: the invoice would still say it was paid.
    with pytest.raises(ValidationError, match="Correct it there"):
        ledger.entry_reverse_by_hand(
            entry=payment.entry, by=billed.by, date=billed.today, reason="wrong"
        )
    for _ in range(2):  # asked twice, reversed once
        services.payment_reverse(
            payment=payment, by=billed.by, on=billed.today, reason="Wrong household"
        )
    wrong.refresh_from_db()
    assert wrong.status == "open" and wrong.paid_minor == 0
    assert account_balance(coop_id=billed.coop.pk, code=chart.MOBILE_MONEY) == 0
    assert Entry.objects.filter(reverses=payment.entry).count() == 1
    again = services.payment_record(
        invoice=right,
        by=billed.by,
        method="mobile",
        amount=Decimal("175"),
        received_on=billed.today,
        reference="MP-77",
    )
    right.refresh_from_db()
    assert again.pk != payment.pk and right.status == "paid"
    assert account_balance(coop_id=billed.coop.pk, code=chart.MOBILE_MONEY) == 17500
    # Ledger lines are never changed nor deleted.
    line = Line.objects.filter(entry=again.entry).first()
    with pytest.raises(RuntimeError, match="append-only"):
        line.save()
    with pytest.raises(RuntimeError, match="append-only"):
        line.delete()


def test_waiver_only_while_the_fund_can_pay(billed):
    invoice = _invoice(billed)
    criterion = services.waiver_criterion_create(
        coop=billed.coop, by=billed.by, name="Poorest", description="No income"
    )
    application = services.waiver_apply(
        coop=billed.coop,
        by=billed.by,
        household=invoice.household,
        criterion=criterion,
        percent=100,
        first_month=billed.month,
        last_month=billed.month,
        reason="Lost work",
    )
    services.waiver_decide(application=application, by=billed.by, approve=True, on=billed.today)
    with pytest.raises(ValidationError, match="overdraw"):
        services.waiver_grant(
            application=application, invoice=invoice, by=billed.by, on=billed.today
        )
    assert services.waivers_apply(coop=billed.coop, by=billed.by, month=billed.month).unfunded == 1
    services.fund_contribute(
        coop=billed.coop,
        by=billed.by,
        kind="donation",
        amount=Decimal("500"),
        received_on=billed.today,
        source="Friends",
    )
    outcome = services.waivers_apply(coop=billed.coop, by=billed.by, month=billed.month)
    assert outcome.granted == 1
    invoice.refresh_from_db()
    assert invoice.waived_minor == 17500 and invoice.status == "paid"
    assert services.fund_balance(coop=billed.coop) == 50000 - 17500
    assert Waiver.objects.count() == 1
    assert services.waivers_apply(coop=billed.coop, by=billed.by, month=billed.month).granted == 0
    assert trial_balance(coop=billed.coop).balanced


def test_closing_a_month_bills_it_then_waives_what_was_approved(billed):
    household, _ = billed.enrol_family(1)
    services.fund_contribute(
        coop=billed.coop,
        by=billed.by,
        kind="donation",
        amount=Decimal("500"),
        received_on=billed.today,
        source="Friends",
    )
    criterion = services.waiver_criterion_create(
        coop=billed.coop, by=billed.by, name="Poorest", description="No income"
    )
    application = services.waiver_apply(
        coop=billed.coop,
        by=billed.by,
        household=household,
        criterion=criterion,
        percent=100,
        first_month=billed.month,
        last_month=billed.month,
        reason="Lost work",
    )
    services.waiver_decide(application=application, by=billed.by, approve=True, on=billed.today)
    results = services.month_close(coop=billed.coop, by=billed.by, month=billed.month)
    assert [r.month for r in results] == [billed.month]
    invoice = Invoice.objects.get(household=household, month=billed.month)
    assert invoice.waived_minor == 17500 and invoice.status == "paid"
    # Closed again, nothing is billed nor waived twice.
    (again,) = services.month_close(coop=billed.coop, by=billed.by, month=billed.month)
    assert (again.invoices, again.already) == (0, 1)
    assert Invoice.objects.count() == 1 and Waiver.objects.count() == 1


def test_fee_in_another_currency_is_refused(billed):
    with pytest.raises(ValidationError, match="INR"):
        services.fee_schedule_create(
            coop=billed.coop,
            by=billed.by,
            centre=billed.creche.centre,
            category=billed.members,
            amount=Decimal(15),
            currency="USD",
            effective_from=billed.month,
            board_decision="x",
        )


def test_a_fee_runs_from_the_first_to_the_last_day_of_months(billed):
    kwargs = dict(
        coop=billed.coop,
        by=billed.by,
        centre=billed.creche.centre,
        category=billed.members,
        amount=Decimal(200),
        board_decision="Board 2026/11",
    )
    with pytest.raises(ValidationError, match="first day of a month"):
        services.fee_schedule_create(
            **kwargs, effective_from=billed.month + datetime.timedelta(days=14)
        )
    with pytest.raises(ValidationError, match="last day of a month"):
        services.fee_schedule_create(
            **kwargs,
            effective_from=billed.month,
            effective_until=billed.month + datetime.timedelta(days=14),
        )
    assert not FeeSchedule.objects.filter(amount_minor=20000).exists()
    # From the form, a month: the fee runs to the end of the last month named.
    client = billed.world.client("treasurer")
    month = billed.month.strftime("%Y-%m")
    response = client.post(
        f"/c/{billed.coop.slug}/billing/fees/new/",
        {
            "centre": billed.creche.centre.pk,
            "category": billed.members.pk,
            "amount": "200",
            "effective_from": month,
            "effective_until": month,
            "board_decision": "Board 2026/11",
            "sibling_discount_percent": 0,
            "prorate": "on",
            "absence_credit_percent": 0,
        },
    )
    assert response.status_code == 302
    fee = FeeSchedule.objects.get(amount_minor=20000)
    assert (fee.effective_from, fee.effective_until) == (billed.month, fees.month_end(billed.month))


def test_reminders_go_once_to_the_household_phone(billed, django_capture_on_commit_callbacks):
    invoice = _invoice(billed)
    later = invoice.due_on + datetime.timedelta(days=1)
    backend = MemoryBackend()
    MemoryBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.reminders_send(coop=billed.coop, by=billed.by, on=later, backend=backend) == 1
        )
        assert (
            services.reminders_send(coop=billed.coop, by=billed.by, on=later, backend=backend) == 0
        )
    assert invoice.number in MemoryBackend.outbox[0][1]
    assert Reminder.objects.count() == 1


def test_a_reminder_is_texted_once_it_is_committed(billed, django_capture_on_commit_callbacks):
    invoice = _invoice(billed)
    later = invoice.due_on + datetime.timedelta(days=1)
    backend = MemoryBackend()
    MemoryBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = services.reminders_send(coop=billed.coop, by=billed.by, on=later, backend=backend)
        assert MemoryBackend.outbox == []  # not before the reminder is committed
    assert sent == 1 and len(callbacks) == 1
    assert len(MemoryBackend.outbox) == 1
    assert invoice.number in MemoryBackend.outbox[0][1]


def test_a_reminder_rolled_back_texts_nothing(billed, django_capture_on_commit_callbacks):
    invoice = _invoice(billed)
    later = invoice.due_on + datetime.timedelta(days=1)
    backend = MemoryBackend()
    MemoryBackend.outbox.clear()
    sent = []
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(_Rollback),
        transaction.atomic(),
    ):
        # A caller's transaction sends the reminders, then fails and is rolled back.
        sent.append(
            services.reminders_send(coop=billed.coop, by=billed.by, on=later, backend=backend)
        )
        raise _Rollback
    assert sent == [1]
    assert callbacks == []
    assert MemoryBackend.outbox == []
    assert not Reminder.objects.exists()
    # Nothing was sent, so the household is reminded the next time.
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(coop=billed.coop, by=billed.by, on=later, backend=backend)
    assert len(MemoryBackend.outbox) == 1


def test_a_second_run_still_counts_the_children_without_a_fee(billed):
    from carecoop.care import services as care
    from carecoop.testing import make_child

    _household, (member_child,) = billed.enrol_family(1)
    billed.enrol_family(1, pool=False)
    # A brother outside the members' places, in a household that is billed for his sister.
    brother = make_child(member_child, "Brother", member_child.date_of_birth, sex="male")
    care.enrolment_create(
        child=brother,
        room=billed.creche.toddlers,
        pool=None,
        starts_on=billed.month - datetime.timedelta(days=60),
        by=billed.by,
    )
    FeeSchedule.objects.filter(category=billed.community).delete()
    for _ in range(2):
        services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
        run = BillingRun.objects.get(month=billed.month)
        assert (run.invoices, run.lines, run.skipped) == (1, 1, 2)


@pytest.mark.parametrize("month", [datetime.date(9999, 12, 1), datetime.date(1, 1, 1)])
def test_a_month_that_cannot_be_billed_is_refused_and_leaves_no_run(billed, month):
    billed.enrol_family(1)
    for call in (
        lambda: services.billing_run(coop=billed.coop, by=billed.by, month=month),
        lambda: services.billing_catch_up(coop=billed.coop, by=billed.by, through=month),
    ):
        with pytest.raises(ValidationError):
            call()
    assert not BillingRun.objects.filter(coop_id=billed.coop.pk).exists()
    # Next month may be billed ahead only when asked; the month after is refused even then.
    ahead = fees.next_month(billed.month)
    for call in (
        lambda: services.billing_run(coop=billed.coop, by=billed.by, month=ahead),
        lambda: services.month_close(coop=billed.coop, by=billed.by, month=ahead, catch_up=True),
    ):
        with pytest.raises(ValidationError, match="has not begun") as refused:
            call()
        assert "in_advance" in refused.value.error_dict
    assert not BillingRun.objects.filter(coop_id=billed.coop.pk).exists()
    services.billing_run(coop=billed.coop, by=billed.by, month=ahead, in_advance=True)
    with pytest.raises(ValidationError, match="too far ahead"):
        services.billing_run(
            coop=billed.coop, by=billed.by, month=fees.next_month(ahead), in_advance=True
        )


def _approved(billed, household, first_month, last_month):
    criterion = services.waiver_criterion_create(
        coop=billed.coop, by=billed.by, name="Poorest", description="No income"
    )
    application = services.waiver_apply(
        coop=billed.coop,
        by=billed.by,
        household=household,
        criterion=criterion,
        percent=100,
        first_month=first_month,
        last_month=last_month,
        reason="Lost work",
    )
    services.waiver_decide(application=application, by=billed.by, approve=True, on=billed.today)
    return application


def test_a_waiver_on_next_months_invoice_is_dated_with_that_invoice(billed):
    household, _ = billed.enrol_family(1)
    services.fund_contribute(
        coop=billed.coop,
        by=billed.by,
        kind="donation",
        amount=Decimal("500"),
        received_on=billed.today,
        source="Friends",
    )
    ahead = fees.next_month(billed.month)
    _approved(billed, household, ahead, ahead)
    services.billing_run(coop=billed.coop, by=billed.by, month=ahead, in_advance=True)
    assert services.waivers_apply(coop=billed.coop, by=billed.by, month=ahead).granted == 1
    waiver = Waiver.objects.get(invoice__household=household)
    assert waiver.entry.date == ahead
    # Today the books hold neither next month's invoice nor its waiver: nothing owed is negative.
    owed = account_balance(coop_id=billed.coop.pk, code=chart.FEES_RECEIVABLE, until=billed.today)
    assert owed == 0
    assert account_balance(coop_id=billed.coop.pk, code=chart.FEES_RECEIVABLE, until=ahead) == 0


def test_a_waiver_the_fund_cannot_pay_is_recorded_on_the_run_and_texted_once(
    billed, django_capture_on_commit_callbacks
):
    household, _ = billed.enrol_family(1)
    application = _approved(billed, household, billed.month, billed.month)
    backend = MemoryBackend()
    MemoryBackend.outbox.clear()
    services.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = services.waivers_apply(
            coop=billed.coop, by=billed.by, month=billed.month, backend=backend
        )
        assert MemoryBackend.outbox == []  # not before the record is committed
    assert outcome.unfunded == 1 and len(callbacks) == 1
    invoice = Invoice.objects.get(household=household, month=billed.month)
    skipped = WaiverSkipped.objects.get()
    run = BillingRun.objects.get(coop_id=billed.coop.pk, month=billed.month)
    assert (skipped.run_id, skipped.application_id, skipped.invoice_id) == (
        run.pk,
        application.pk,
        invoice.pk,
    )
    assert (skipped.amount_minor, skipped.available_minor) == (17500, 0)
    assert "overdraw" in skipped.reason
    ((to, text),) = MemoryBackend.outbox
    assert to == skipped.texted_to != ""
    assert invoice.number in text
    # The month and the day as the household's language writes them, not 12/2026 or 2026-12-10.
    adult = household.people.exclude(phone="").order_by("pk").first()
    with translation.override(adult.preferred_language or billed.coop.language_list[0]):
        assert month_text(invoice.month) in text and day_text(invoice.due_on) in text
    assert invoice.due_on.isoformat() not in text and invoice.month.strftime("%m/%Y") not in text
    # Closing the month again records and texts nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        (again,) = services.month_close(coop=billed.coop, by=billed.by, month=billed.month)
    assert again.waivers_unpaid == 1
    assert WaiverSkipped.objects.count() == 1 and len(MemoryBackend.outbox) == 1
    # Once the fund can pay, the waiver is granted and no longer listed as unpaid.
    services.fund_contribute(
        coop=billed.coop,
        by=billed.by,
        kind="donation",
        amount=Decimal("500"),
        received_on=billed.today,
        source="Friends",
    )
    assert services.waivers_apply(coop=billed.coop, by=billed.by, month=billed.month).granted == 1
    assert not WaiverSkipped.objects.exists()
