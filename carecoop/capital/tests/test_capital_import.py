"""Share capital already paid, from a spreadsheet: subscribed, receipted and posted, once."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from carecoop.capital import services as capital
from carecoop.capital.models import Certificate, Payment, Subscription
from carecoop.ledger.models import Entry

pytestmark = pytest.mark.django_db

URL = "/c/home-coop/capital/import/"
HEADS = "Reference,Member reference,Share class,Shares,Subscribed on,Paid,Paid on,Method"


def _send(client, rows):
    content = "\n".join([HEADS, *[",".join(row) for row in rows]]) + "\n"
    return client.post(URL, {"file": SimpleUploadedFile("capital.csv", content.encode())})


@pytest.fixture
def ordinary(world):
    with scope(coop=world.home.pk):
        return capital.share_class_create(
            coop=world.home,
            by=world.users["manager"],
            code="ordinary",
            name="Ordinary share",
            par_value=100,
            currency=world.home.currency,
        )


def test_shares_paid_are_subscribed_receipted_and_posted_once(world, ordinary):
    client = world.client("manager")
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    number = world.membership.number
    rows = [
        ["R-101", number, "ordinary", "2", day, "200", day, "cash"],
        ["R-102", number, "Ordinary share", "3", day, "150", day, "Mobile money"],
    ]
    sent = _send(client, rows)
    assert sent.status_code == 302, sent.content.decode()[-1500:]
    assert "The import will record 2 payments of shares" in client.get(sent["Location"]).text
    done = client.post(sent["Location"])
    assert "2 payments of shares recorded." in client.get(done["Location"]).text
    with scope(coop=world.home.pk):
        subscriptions = Subscription.objects.filter(membership=world.membership).order_by("shares")
        assert [(s.shares, s.paid_minor, s.status) for s in subscriptions] == [
            (2, 20000, "paid"),
            (3, 15000, "open"),
        ]
        payments = Payment.objects.filter(subscription__in=subscriptions)
        assert {p.client_reference for p in payments} == {"R-101", "R-102"}
        assert Certificate.objects.filter(membership=world.membership).count() == 1
        posted = Entry.objects.filter(source_key__startswith="share-payment:").count()
        assert posted == 2

    # Sent again: nothing more; a reference used for something else is refused on its row.
    again = _send(client, rows)
    assert "record 0 payments of shares; 2 are already" in client.get(again["Location"]).text
    client.post(again["Location"])
    rows[1][5] = "160"
    other = _send(client, rows)
    assert [(p.row, p.column) for p in other.context["plan"].problems] == [(3, "reference")]
    with scope(coop=world.home.pk):
        assert Payment.objects.filter(subscription__membership=world.membership).count() == 2


def test_every_bad_row_is_named_and_nothing_is_recorded(world, ordinary):
    client = world.client("manager")
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    earlier = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    number = world.membership.number
    response = _send(
        client,
        [
            ["R-1", "NO-SUCH", "ordinary", "1", day, "100", day, ""],
            ["R-2", number, "Secret Class Zeta", "none", day, "ten", day, ""],
            ["R-3", number, "ordinary", "1", day, "150", earlier, "cheque"],
            ["R-3", number, "ordinary", "1", day, "100", day, ""],
        ],
    )
    assert response.status_code == 200
    problems = [(p.row, p.column) for p in response.context["plan"].problems]
    assert problems == [
        (2, "member reference"),
        (3, "share class"),  # another cooperative's class is no class of this one
        (3, "shares"),
        (3, "paid"),
        (4, "paid"),  # more than one share is worth
        (4, "paid on"),  # before the subscription
        (4, "method"),
        (5, "reference"),  # row 4's
    ]
    with scope(coop=world.home.pk):
        assert not Subscription.objects.filter(membership=world.membership).exists()


def test_only_those_who_manage_capital_import_it(world):
    for role in ("member", "auditor", "facilitator"):
        assert world.client(role).get(URL).status_code in (403, 404)
    assert world.client("outsider").get(URL).status_code == 404
    assert world.client("manager").get(URL).status_code == 200
