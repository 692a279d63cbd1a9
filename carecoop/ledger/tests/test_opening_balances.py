"""The books start from the balances kept until now: one entry from a file, balanced, posted once."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from carecoop.ledger.models import Entry
from carecoop.ledger.selectors import trial_balance

pytestmark = pytest.mark.django_db

URL = "/c/home-coop/ledger/opening-balances/import/"


def _csv(rows: list[list[str]]) -> bytes:
    lines = ["Date,Account,Debit,Credit,Centre", *[",".join(row) for row in rows]]
    return ("\n".join(lines) + "\n").encode()


def _send(client, rows):
    return client.post(URL, {"file": SimpleUploadedFile("balances.csv", _csv(rows))})


def _opening(world):
    with scope(coop=world.home.pk):
        return list(Entry.objects.filter(source_key__startswith="opening:"))


def test_opening_balances_post_one_entry_once(world):
    client = world.client("treasurer")
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    rows = [
        [day, "1000", "1250.50", "", ""],
        [day, "Bank", "8000", "", "home-one"],
        [day, "3000", "", "9250.50", ""],
        [day, "4000", "0", "", ""],  # an account with nothing in it posts nothing
    ]
    with scope(coop=world.home.pk):
        before = trial_balance(coop=world.home).totals
    sent = _send(client, rows)
    assert sent.status_code == 302, sent.content.decode()[-1500:]
    preview = client.get(sent["Location"]).text
    assert "The import will post 3 balances" in preview
    done = client.post(sent["Location"])
    assert "3 balances posted." in client.get(done["Location"]).text
    (entry,) = _opening(world)
    with scope(coop=world.home.pk):
        lines = {(x.account.code, x.amount_minor, x.centre_id) for x in entry.lines.all()}
        after = trial_balance(coop=world.home).totals
    assert lines == {
        ("1000", 125050, None),
        ("1020", 800000, world.centre.pk),
        ("3000", -925050, None),
    }
    assert after["debit"] - before["debit"] == 925050
    assert entry.posted_by == world.users["treasurer"]

    # The same balances again post nothing; other balances of that date are refused.
    again = _send(client, rows)
    assert "The import will post 0 balances; 4 are already" in client.get(again["Location"]).text
    client.post(again["Location"])
    rows[0][2], rows[2][3] = "1300", "9300"
    other = _send(client, rows)
    assert other.status_code == 200
    assert [(p.row, p.column) for p in other.context["plan"].problems] == [(2, "date")]
    assert len(_opening(world)) == 1


def test_every_bad_row_is_named_and_nothing_is_posted(world):
    client = world.client("manager")
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = _send(
        client,
        [
            [day, "9999", "10", "", ""],
            ["31/12/2025", "1000", "ten", "", ""],
            [day, "1020", "5", "5", "Secret Centre Zeta"],
            ["2020-01-01", "1000", "1.234", "", ""],
        ],
    )
    assert response.status_code == 200
    problems = [(p.row, p.column) for p in response.context["plan"].problems]
    assert problems == [
        (2, "account"),
        (3, "date"),
        (3, "debit"),
        (4, "credit"),
        (4, "centre"),
        (5, "date"),  # not the first row's date
        (5, "debit"),  # more decimals than rupees have
    ]
    unbalanced = _send(client, [[day, "1000", "10", "", ""], [day, "3000", "", "9", ""]])
    (problem,) = unbalanced.context["plan"].problems
    assert (problem.row, problem.column) == (3, "credit")
    assert "do not balance" in problem.message
    assert _opening(world) == []


def test_only_those_who_post_import_balances(world):
    for role in ("board", "auditor", "member", "facilitator"):
        assert world.client(role).get(URL).status_code in (403, 404)
    assert world.client("outsider").get(URL).status_code == 404
    assert world.client("treasurer").get(URL).status_code == 200
    assert world.client("treasurer").get(URL + "template.csv").status_code == 200
