import datetime
from typing import Any

import factory

from carecoop.ledger import chart
from carecoop.ledger.models import Entry
from carecoop.ledger.services import credit, debit, entry_post
from carecoop.tenancy.tests.factories import OrganisationFactory


class EntryFactory(factory.django.DjangoModelFactory):
    """A balanced entry of two lines, posted as every entry is (``entry_post``): the ledger has
    no entry without its lines."""

    class Meta:
        model = Entry

    coop = factory.SubFactory(OrganisationFactory)
    date = datetime.date(2025, 6, 1)
    memo = factory.Sequence(lambda n: f"Entry {n}")
    # Not fields of the entry: its two lines.
    debit_account = chart.RENT
    credit_account = chart.CASH
    amount_minor = 100
    centre = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Entry:
        centre_id = kwargs["centre"].pk if kwargs["centre"] is not None else None
        return entry_post(
            coop=kwargs["coop"],
            by=None,
            date=kwargs["date"],
            memo=kwargs["memo"],
            lines=[
                debit(kwargs["debit_account"], kwargs["amount_minor"], centre_id),
                credit(kwargs["credit_account"], kwargs["amount_minor"]),
            ],
        )
