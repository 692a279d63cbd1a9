import datetime

import factory

from carecoop.billing.models import (
    Invoice,
    Payment,
    StatementImport,
    StatementLine,
    WaiverApplication,
    WaiverCriterion,
)
from carecoop.ledger import chart
from carecoop.ledger.tests.factories import EntryFactory
from carecoop.members.tests.factories import HouseholdFactory
from carecoop.tenancy.tests.factories import CentreFactory, OrganisationFactory

MONTH = datetime.date(2025, 6, 1)


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A month's invoice of a household, posted to the fees receivable as a billing run posts it
    (invoices are only ever written by the billing run, a month for all households at once)."""

    class Meta:
        model = Invoice

    centre = factory.SubFactory(CentreFactory)
    coop = factory.SelfAttribute("centre.coop")
    household = factory.SubFactory(
        HouseholdFactory,
        coop=factory.SelfAttribute("..coop"),
        centre=factory.SelfAttribute("..centre"),
    )
    month = MONTH
    number = factory.Sequence(lambda n: f"F{MONTH:%Y%m}-{n + 1:06d}")
    currency = factory.SelfAttribute("coop.currency")
    total_minor = 17500
    issued_on = factory.SelfAttribute("month")
    due_on = factory.LazyAttribute(lambda i: i.month + datetime.timedelta(days=9))
    entry = factory.SubFactory(
        EntryFactory,
        coop=factory.SelfAttribute("..coop"),
        date=factory.SelfAttribute("..issued_on"),
        memo=factory.LazyAttribute(lambda e: f"Invoice {e.factory_parent.number}"),
        debit_account=chart.FEES_RECEIVABLE,
        credit_account=chart.FEE_INCOME,
        amount_minor=factory.SelfAttribute("..total_minor"),
        centre=factory.SelfAttribute("..centre"),
    )


class PaymentFactory(factory.django.DjangoModelFactory):
    """A fee payment in cash against an invoice, with its entry."""

    class Meta:
        model = Payment

    invoice = factory.SubFactory(InvoiceFactory)
    coop = factory.SelfAttribute("invoice.coop")
    method = "cash"
    amount_minor = 100
    currency = factory.SelfAttribute("invoice.currency")
    received_on = factory.SelfAttribute("invoice.issued_on")
    receipt_number = factory.Sequence(lambda n: f"R{n + 1:07d}")
    key = factory.Sequence(lambda n: f"cash:{n}")
    entry = factory.SubFactory(
        EntryFactory,
        coop=factory.SelfAttribute("..coop"),
        date=factory.SelfAttribute("..received_on"),
        debit_account=chart.CASH,
        credit_account=chart.FEES_RECEIVABLE,
        amount_minor=factory.SelfAttribute("..amount_minor"),
    )


class StatementImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatementImport

    coop = factory.SubFactory(OrganisationFactory)
    provider = "Provider"
    file_name = factory.Sequence(lambda n: f"statement-{n}.csv")


class StatementLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatementLine

    statement = factory.SubFactory(StatementImportFactory)
    coop = factory.SelfAttribute("statement.coop")
    provider = factory.SelfAttribute("statement.provider")
    reference = factory.Sequence(lambda n: f"REF{n}")
    paid_on = MONTH
    amount_minor = 100
    currency = factory.SelfAttribute("coop.currency")
    status = "unmatched"


class WaiverCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaiverCriterion

    coop = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    description = "A household in hardship."


class WaiverApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaiverApplication

    criterion = factory.SubFactory(WaiverCriterionFactory)
    coop = factory.SelfAttribute("criterion.coop")
    household = factory.SubFactory(HouseholdFactory, coop=factory.SelfAttribute("..coop"))
    percent = 50
    first_month = MONTH
    last_month = MONTH
    reason = "Hardship."
