import datetime

import factory

from carecoop.funding.models import Disbursement, Expense, Funder, Grant
from carecoop.ledger import chart
from carecoop.ledger.tests.factories import EntryFactory
from carecoop.tenancy.tests.factories import OrganisationFactory

DAY = datetime.date(2025, 6, 1)


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    coop = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Funder {n}")
    kind = "donor"


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    funder = factory.SubFactory(FunderFactory)
    coop = factory.SelfAttribute("funder.coop")
    title = factory.Sequence(lambda n: f"Grant {n}")
    amount_minor = 100000
    currency = factory.SelfAttribute("coop.currency")
    starts_on = DAY
    ends_on = datetime.date(2026, 5, 31)


class DisbursementFactory(factory.django.DjangoModelFactory):
    """Money received under a grant, with its entry (in the books' currency)."""

    class Meta:
        model = Disbursement

    grant = factory.SubFactory(GrantFactory)
    coop = factory.SelfAttribute("grant.coop")
    received_on = DAY
    amount_minor = 100
    books_minor = factory.SelfAttribute("amount_minor")
    entry = factory.SubFactory(
        EntryFactory,
        coop=factory.SelfAttribute("..coop"),
        date=factory.SelfAttribute("..received_on"),
        debit_account=chart.BANK,
        credit_account=chart.GRANT_DONOR,
        amount_minor=factory.SelfAttribute("..books_minor"),
    )


class ExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expense

    coop = factory.SubFactory(OrganisationFactory)
    date = DAY
    category = "rent"
    amount_minor = 100
    currency = factory.SelfAttribute("coop.currency")
    paid_from = "cash"
    description = factory.Sequence(lambda n: f"Expense {n}")
    entry = factory.SubFactory(
        EntryFactory,
        coop=factory.SelfAttribute("..coop"),
        date=factory.SelfAttribute("..date"),
        memo=factory.SelfAttribute("..description"),
        debit_account=chart.RENT,
        credit_account=chart.CASH,
        amount_minor=factory.SelfAttribute("..amount_minor"),
    )
