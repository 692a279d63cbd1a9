"""A payment's reference is the same reference in any case or spacing: "MP-DUP-1" and
" mp-dup-1 " are one payment, wherever a reference identifies one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from carecoop.billing import services as billing
from carecoop.billing.models import Invoice, LineStatus, StatementLine
from carecoop.billing.models import Payment as FeePayment
from carecoop.capital import services as capital
from carecoop.capital.models import Payment as SharePayment
from carecoop.core.services import reference_clean, reference_key
from carecoop.funding import services as funding
from carecoop.funding.models import Disbursement
from carecoop.ledger.models import Entry

pytestmark = pytest.mark.django_db


def test_a_reference_is_kept_without_stray_spaces_and_compared_without_case():
    assert reference_clean("  MP-DUP-1 ") == "MP-DUP-1"
    assert reference_clean("TRF\t 12\u00a0 34\n") == "TRF 12 34"
    assert reference_key(" mp-dup-1 ") == reference_key("MP-DUP-1") == "mp-dup-1"
    assert reference_key("STRASSE-9") == reference_key("straße-9")


def _invoices(billed, n):
    households = [billed.enrol_family(1)[0] for _ in range(n)]
    billing.billing_run(coop=billed.coop, by=billed.by, month=billed.month)
    return [Invoice.objects.get(household=h) for h in households]


def _pay(billed, invoice, reference, method="mobile"):
    return billing.payment_record(
        invoice=invoice,
        by=billed.by,
        method=method,
        amount="100",
        received_on=billed.today,
        reference=reference,
    )


def test_a_fee_payment_reference_in_another_case_or_spacing_is_the_same_payment(billed):
    first, second = _invoices(billed, 2)
    payment = _pay(billed, first, "MP-DUP-1")
    assert _pay(billed, first, " mp-dup-1 ").pk == payment.pk
    assert _pay(billed, first, "mp-dup-1", method="bank").pk == payment.pk
    with pytest.raises(ValidationError, match="already been recorded against invoice"):
        _pay(billed, second, "Mp-Dup-1")
    assert FeePayment.objects.count() == 1
    assert Entry.objects.filter(source_key__startswith="payment:").count() == 1
    assert payment.reference == "MP-DUP-1"


def test_a_statement_line_met_again_in_another_spelling_is_a_duplicate(billed):
    (invoice,) = _invoices(billed, 1)
    typed = _pay(billed, invoice, " mp-dup-1 ")
    statement = billing.statement_import(
        coop=billed.coop,
        by=billed.by,
        provider="M-Pesa",
        file_name="may.csv",
        content=(
            "date,reference,amount,currency,payer,phone,message\n"
            f"{billed.today},MP-DUP-1,100,INR,A,,\n"
            f"{billed.today},MP-7,50,INR,B,,\n"
            f"{billed.today}, mp-7 ,50,INR,B,,\n"
        ),
    )
    line = StatementLine.objects.get(statement=statement, reference="MP-DUP-1")
    assert (line.status, line.payment_id) == (LineStatus.RECORDED, typed.pk)
    assert statement.duplicates == 1
    again = billing.statement_import(
        coop=billed.coop,
        by=billed.by,
        provider="M-Pesa",
        file_name="may-again.csv",
        content=(
            f"date,reference,amount,currency,payer,phone,message\n{billed.today},Mp-7  ,50,INR,B,,\n"
        ),
    )
    assert again.duplicates == 1 and not again.lines.exists()


def test_a_share_payment_reference_in_another_case_or_spacing_is_the_same_payment(billed):
    shares = capital.share_class_create(
        coop=billed.coop, by=billed.by, code="o", name="Ordinary", par_value=100, currency=""
    )
    subscription = capital.subscription_create(
        coop=billed.coop,
        by=billed.by,
        membership=billed.world.membership,
        share_class=shares,
        shares=2,
        subscribed_on=billed.today - datetime.timedelta(days=5),
        instalment=50,
    )

    def pay(reference, amount=50):
        return capital.payment_record(
            subscription=subscription,
            by=billed.by,
            amount=amount,
            method="mobile_money",
            paid_on=billed.today,
            client_reference=reference,
        )

    first = pay("MP-DUP-1")
    assert pay(" mp-dup-1 ").pk == first.pk
    with pytest.raises(ValidationError, match="already used for another payment"):
        pay("mp-DUP-1", amount=25)
    assert SharePayment.objects.count() == 1
    assert (first.client_reference, first.reference_key) == ("MP-DUP-1", "mp-dup-1")


def test_grant_money_received_twice_under_one_reference_is_refused(billed):
    grant = funding.grant_create(
        coop=billed.coop,
        by=billed.by,
        funder=funding.funder_create(coop=billed.coop, by=billed.by, name="S", kind="donor"),
        title="Scheme",
        amount=Decimal(10_000),
        currency="INR",
        starts_on=billed.month,
        ends_on=billed.month + datetime.timedelta(days=365),
    )

    def receive(reference):
        return funding.disbursement_record(
            grant=grant,
            by=billed.by,
            received_on=billed.today,
            amount=Decimal(100),
            reference=reference,
        )

    assert receive("  NEFT 0042 ").reference == "NEFT 0042"
    with pytest.raises(ValidationError, match="already been recorded"):
        receive("neft   0042")
    assert Disbursement.objects.count() == 1
