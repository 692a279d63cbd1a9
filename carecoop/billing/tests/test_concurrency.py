"""Two people record the same mobile money payment at the same moment: it posts once."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope

from carecoop.billing import services
from carecoop.billing.models import Invoice, Payment
from carecoop.ledger.models import Entry

# SQLite lets one writer in at a time, so nothing races there: this runs in the PostgreSQL pass.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_payment_recorded_twice_at_once_posts_once(world, billed):
    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    household, _ = billed.enrol_family(2)
    services.billing_run(coop=billed.coop, by=None, month=billed.month)
    invoice = Invoice.objects.get(household=household)
    barrier = threading.Barrier(2)
    answers: list[object] = []

    def record() -> None:
        try:
            with scope(coop=world.home.pk):
                barrier.wait()
                try:
                    payment = services.payment_record(
                        invoice=invoice,
                        by=None,
                        method="mobile",
                        amount=Decimal("100"),
                        received_on=billed.today,
                        reference="UPI-777",
                    )
                    answers.append(payment.pk)
                except ValidationError as error:
                    answers.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with scope(coop=world.home.pk):
        assert Payment.objects.count() == 1
        assert Entry.objects.filter(source_key__startswith="payment:").count() == 1
        invoice.refresh_from_db()
        assert invoice.paid_minor == 10000
    assert len(answers) == 2 and answers[0] == answers[1]  # both see the one payment
