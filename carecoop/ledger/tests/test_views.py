import pytest

from carecoop.ledger.models import Entry

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
