"""A payment provider's signed call records the payment once, matched like a statement line."""

import json
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from carecoop.billing import services as billing
from carecoop.billing.models import Invoice, Payment, StatementLine
from carecoop.billing.tests.factories import InvoiceFactory
from carecoop.testing import World

pytestmark = pytest.mark.django_db


def provider(world: World) -> Any:
    with scope(coop=world.home.pk):
        return billing.provider_add(
            coop=world.home, by=world.users["manager"], name="upi-pay", method="mobile"
        )


def notify(found: Any, payload: dict[str, Any], *, secret: str = "", at: float = 0) -> Any:
    body = json.dumps(payload).encode()
    stamp = int(at or time.time())
    signature = billing.signature_for(secret or found.secret, stamp, body)
    return Client().post(
        reverse("api:payment_notify", kwargs={"coop": "home-coop", "provider": found.name}),
        body,
        content_type="application/json",
        HTTP_X_CARECOOP_SIGNATURE=f"t={stamp},v1={signature}",
    )


def an_invoice(world: World) -> Invoice:
    with scope(coop=world.home.pk):
        return InvoiceFactory(centre=world.centre, household=world.person.household)


def test_a_signed_notification_is_recorded_once(world: World) -> None:
    invoice = an_invoice(world)
    found = provider(world)
    payload = {
        "date": invoice.issued_on.isoformat(),
        "reference": "UPI-7781",
        "amount": str(invoice.total_minor / 100),
        "message": f"Fees {invoice.number}",
    }
    first = notify(found, payload)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "recorded"
    again = notify(found, payload)
    assert again.json()["status"] == "duplicate"
    with scope(coop=world.home.pk):
        assert Payment.objects.filter(invoice=invoice).count() == 1
        assert StatementLine.objects.filter(reference="UPI-7781").count() == 1
        invoice.refresh_from_db()
        assert invoice.status == "paid"


def test_a_notification_that_matches_nothing_waits_for_the_treasurer(world: World) -> None:
    found = provider(world)
    answer = notify(found, {"date": "2026-01-05", "reference": "UPI-1", "amount": "9.00"})
    assert answer.json()["status"] == "unmatched"
    with scope(coop=world.home.pk):
        assert StatementLine.objects.get(reference="UPI-1").status == "unmatched"
        assert not Payment.objects.exists()


def test_a_call_signed_wrongly_or_too_late_records_nothing(world: World) -> None:
    invoice = an_invoice(world)
    found = provider(world)
    payload = {
        "date": "2026-01-05",
        "reference": "UPI-2",
        "amount": "1.00",
        "message": invoice.number,
    }
    assert notify(found, payload, secret="not the secret").status_code == 401
    assert notify(found, payload, at=time.time() - 3600).status_code == 401
    unsigned = Client().post(
        reverse("api:payment_notify", kwargs={"coop": "home-coop", "provider": found.name}),
        json.dumps(payload),
        content_type="application/json",
    )
    assert unsigned.status_code == 401
    renewed = None
    with scope(coop=world.home.pk):
        renewed = billing.provider_secret_renew(provider=found)
        assert not StatementLine.objects.exists()
    assert notify(found, payload).status_code == 401  # signed with the old secret
    assert notify(renewed, payload).status_code == 200


def test_another_cooperatives_provider_is_not_found(world: World) -> None:
    theirs = world.other_provider
    body = json.dumps({"date": "2026-01-05", "reference": "X", "amount": "1.00"}).encode()
    stamp = int(time.time())
    signature = billing.signature_for(theirs.secret, stamp, body)
    answer = Client().post(
        reverse("api:payment_notify", kwargs={"coop": "home-coop", "provider": theirs.name}),
        body,
        content_type="application/json",
        HTTP_X_CARECOOP_SIGNATURE=f"t={stamp},v1={signature}",
    )
    assert answer.status_code == 404


def test_the_providers_page_shows_a_secret_once(world: World) -> None:
    client = world.client("treasurer")
    url = reverse("billing:providers", kwargs={"coop": "home-coop"})
    made = client.post(url, {"name": "mpesa", "method": "mobile"})
    assert made.status_code == 201
    secret = made.context["shown"].secret
    assert secret in made.content.decode()
    assert secret not in client.get(url).content.decode()
    assert world.client("member").get(url).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_notification_sent_twice_at_once_is_recorded_once(world: World) -> None:
    """Two deliveries of one notification race (a provider retrying): one payment."""
    import threading

    from django.db import connection

    assert connection.vendor == "postgresql", "Run with DATABASE_URL pointing at PostgreSQL."
    invoice = an_invoice(world)
    found = provider(world)
    line = {
        "date": invoice.issued_on.isoformat(),
        "reference": "UPI-RACE",
        "amount": str(invoice.total_minor / 100),
        "message": invoice.number,
    }
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def deliver() -> None:
        try:
            with scope(coop=world.home.pk):
                barrier.wait()
                answers.append(billing.notification_record(provider=found, line=line).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["duplicate", "recorded"]
    with scope(coop=world.home.pk):
        assert Payment.objects.filter(invoice=invoice).count() == 1
        invoice.refresh_from_db()
        assert invoice.paid_minor == invoice.total_minor
