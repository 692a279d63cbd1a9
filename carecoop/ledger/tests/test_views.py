import csv
import datetime
import io

import pytest
from django_scopes import scope
from python_calamine import CalamineWorkbook

from carecoop.ledger.models import Entry
from carecoop.ledger.services import credit, debit, entry_post

pytestmark = pytest.mark.django_db


def test_books_are_for_the_treasurer_board_and_auditors(world):
    slug = world.home.slug
    pages = ["", "income/", "balance-sheet/", "entries/", "rates/"]
    for role in ("manager", "treasurer", "board", "auditor"):
        for page in pages:
            assert world.client(role).get(f"/c/{slug}/ledger/{page}").status_code == 200, (
                role,
                page,
            )
    for role in ("facilitator", "member"):
        assert world.client(role).get(f"/c/{slug}/ledger/").status_code == 403


def test_a_manual_entry_must_balance_and_can_be_reversed(world):
    from django_scopes import scope

    slug = world.home.slug
    client = world.client("treasurer")
    client.get(f"/c/{slug}/ledger/")  # the chart of accounts
    with scope(coop=world.home.pk):
        from carecoop.ledger.models import Account

        cash = Account.objects.get(code="1000").pk
        income = Account.objects.get(code="4900").pk
    data = {
        "date": "2026-03-01",
        "memo": "Sale",
        "account_1": cash,
        "debit_1": "10",
        "account_2": income,
        "credit_2": "9",
        "key": "form-shown-once",
    }
    response = client.post(f"/c/{slug}/ledger/entries/new/", data)
    assert response.status_code == 200 and "does not balance" in response.content.decode()
    data = {**data, "credit_2": "10"}
    response = client.post(f"/c/{slug}/ledger/entries/new/", data)
    assert response.status_code == 302
    # The same form sent again (a double tap, a resend on a slow link) posts nothing more.
    assert client.post(f"/c/{slug}/ledger/entries/new/", data).status_code == 302
    with scope(coop=world.home.pk):
        entry = Entry.objects.get()
    response = client.post(
        f"/c/{slug}/ledger/entries/{entry.pk}/reverse/", {"date": "2026-03-02", "reason": "wrong"}
    )
    assert response.status_code == 302
    with scope(coop=world.home.pk):
        assert Entry.objects.count() == 2


def _rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_trial_balance_and_the_journal_download_with_amounts_as_numbers(world):
    slug = world.home.slug
    client = world.client("treasurer")
    client.get(f"/c/{slug}/ledger/")  # the chart of accounts
    with scope(coop=world.home.pk):
        entry_post(
            coop=world.home,
            by=None,
            date=datetime.date(2026, 3, 1),
            memo="=Sale of crafts",
            lines=[debit("1000", 1050, world.centre.pk), credit("4900", 1050)],
            source_key="test:sale",
        )
    period = {"since": "2026-01-01", "until": "2026-12-31"}
    balance = _rows(client.get(f"/c/{slug}/ledger/trial-balance.csv", period))
    by_code = {row[0]: row for row in balance[1:]}
    assert by_code["1000"][3:] == ["10.50", ""] and by_code["4900"][3:] == ["", "10.50"]

    journal = _rows(client.get(f"/c/{slug}/ledger/journal.csv", period))
    header, *lines = journal
    assert [(r[3], r[-2], r[-1]) for r in lines] == [("1000", "10.50", ""), ("4900", "", "10.50")]
    assert {r[2] for r in lines} == {"'=Sale of crafts"}  # a description is never run
    assert lines[0][header.index("Centre")] == world.centre.name
    book = b"".join(client.get(f"/c/{slug}/ledger/journal.xlsx", period).streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_index(0).to_python()
    assert sheet[1][0] == datetime.date(2026, 3, 1) and sheet[1][-2] == 10.5
    assert world.client("facilitator").get(f"/c/{slug}/ledger/journal.csv").status_code == 403

    income = _rows(client.get(f"/c/{slug}/ledger/income.csv", period))
    assert [r[1:] for r in income[1:] if r[1] == "4900"] == [["4900", by_code["4900"][1], "10.50"]]
