"""The invoice and arrears lists come a page at a time, by cursor, and leave nothing out: every
invoice is on exactly one page, in order, and no page shows more than a page of them."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django_scopes import scope
from python_calamine import CalamineWorkbook

from carecoop.billing import services as billing
from carecoop.billing.tests.factories import InvoiceFactory
from carecoop.core.money import to_decimal

pytestmark = pytest.mark.django_db

SIZE = settings.CARECOOP_PAGE_SIZE
LINK = re.compile(r'href="\?([^"]*cursor=[^"]*)" rel="(next|prev)"')


def _invoices(world, n, **fields):
    with scope(coop=world.home.pk):
        return [
            InvoiceFactory(
                coop=world.home,
                centre=world.centre,
                household__centre=world.centre,
                month=datetime.date(2025, 1 + i % 6, 1),
                due_on=datetime.date(2025, 1 + i % 6, 10) + datetime.timedelta(days=i % 3),
                total_minor=1000 + i,
                **fields,
            )
            for i in range(n)
        ]


def _walk(client, url):
    """Every page of a list, following its Next links: the numbers on each page."""
    pages, query = [], ""
    while True:
        body = client.get(f"{url}?{query}").content.decode()
        pages.append(re.findall(r">(F\d{6}-\d{6})</a>", body))
        links = dict((rel, href.replace("&amp;", "&")) for href, rel in LINK.findall(body))
        if "next" not in links:
            return pages, body
        query = links["next"]


def test_the_invoice_list_shows_every_invoice_once_a_page_at_a_time(world):
    made = _invoices(world, 2 * SIZE + 7)
    client = world.client("treasurer")
    pages, _last = _walk(client, f"/c/{world.home.slug}/billing/invoices/")
    assert [len(p) for p in pages] == [SIZE, SIZE, 7]
    expected = sorted(made, key=lambda i: (-i.month.toordinal(), i.number))
    assert [n for p in pages for n in p] == [i.number for i in expected]
    first = client.get(f"/c/{world.home.slug}/billing/invoices/").content.decode()
    assert f"{2 * SIZE + 7} invoices" in first
    assert 'rel="prev"' not in first


def test_previous_goes_back_to_the_page_before(world):
    _invoices(world, SIZE + 3)
    client = world.client("treasurer")
    url = f"/c/{world.home.slug}/billing/invoices/"
    first = client.get(url).content.decode()
    after = dict((r, h.replace("&amp;", "&")) for h, r in LINK.findall(first))["next"]
    second = client.get(f"{url}?{after}").content.decode()
    before = dict((r, h.replace("&amp;", "&")) for h, r in LINK.findall(second))["prev"]
    again = client.get(f"{url}?{before}").content.decode()
    numbers = re.compile(r">(F\d{6}-\d{6})</a>")
    assert numbers.findall(again) == numbers.findall(first)
    assert len(numbers.findall(second)) == 3


def test_a_filter_is_kept_from_page_to_page_and_a_forged_cursor_is_the_first_page(world):
    _invoices(world, 2 * SIZE)
    client = world.client("treasurer")
    url = f"/c/{world.home.slug}/billing/invoices/"
    body = client.get(url, {"status": "open"}).content.decode()
    assert "status=open" in dict((r, h) for h, r in LINK.findall(body))["next"]
    forged = client.get(url, {"cursor": "eyJhZnRlciI6WyIyMDk5LTAxLTAxIl19"})
    assert forged.status_code == 200
    first = re.findall(r">(F\d{6}-\d{6})</a>", client.get(url).content.decode())
    assert re.findall(r">(F\d{6}-\d{6})</a>", forged.content.decode()) == first


def test_the_arrears_list_pages_and_sums_every_overdue_invoice_in_the_database(world):
    made = _invoices(world, SIZE + 4)
    client = world.client("treasurer")
    url = f"/c/{world.home.slug}/billing/arrears/"
    pages, _last = _walk(client, url)
    assert [len(p) for p in pages] == [SIZE, 4]
    expected = sorted(made, key=lambda i: (i.due_on, i.number))
    assert [n for p in pages for n in p] == [i.number for i in expected]
    first = client.get(url)
    total = sum(i.total_minor for i in made)
    assert first.context["total"] == total
    assert f"{SIZE + 4} invoices overdue" in first.content.decode()


def test_the_lists_query_as_much_for_many_invoices_as_for_a_few(
    world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("treasurer")
    _invoices(world, 3)
    counts = {}
    for url in ("invoices/", "arrears/"):
        with CaptureQueriesContext(connection) as few:
            client.get(f"/c/{world.home.slug}/billing/{url}")
        counts[url] = len(few)
    _invoices(world, 3 * SIZE)
    for url in ("invoices/", "arrears/"):
        with CaptureQueriesContext(connection) as many:
            response = client.get(f"/c/{world.home.slug}/billing/{url}")
        assert len(many) <= counts[url], url
        assert len(response.context["page"].object_list) == SIZE


def test_the_invoices_listed_download_every_page_with_amounts_a_spreadsheet_adds(world):
    made = _invoices(world, SIZE + 3, paid_minor=250)
    client = world.client("treasurer")
    url = f"/c/{world.home.slug}/billing/invoices"
    response = client.get(f"{url}.csv", {"month": "2025-02"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    wanted = sorted(
        (i for i in made if i.month == datetime.date(2025, 2, 1)), key=lambda i: i.number
    )
    assert [r[0] for r in rows] == [i.number for i in wanted]
    amount, paid, due = (header.index(h) for h in ("amount", "paid", "Still due"))
    first = wanted[0]
    expected = to_decimal(first.total_minor, first.currency)  # 1,002 paise: Rs 10.02
    assert expected.as_tuple().exponent == -2 and Decimal(rows[0][amount]) == expected
    assert Decimal(rows[0][paid]) == Decimal("2.50")
    assert Decimal(rows[0][due]) == expected - Decimal("2.50")

    book = b"".join(client.get(f"{url}.xlsx", {"month": "2025-02"}).streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in sheet[1:]] == [i.number for i in wanted]
    assert sheet[1][amount] == float(expected)  # a number cell, which a spreadsheet adds up
    assert world.client("member").get(f"{url}.csv").status_code == 403


def test_the_arrears_and_a_month_s_payments_download(world):
    made = _invoices(world, 4)
    client = world.client("treasurer")
    base = f"/c/{world.home.slug}/billing"
    text = b"".join(client.get(f"{base}/arrears.csv").streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    overdue = sorted(made, key=lambda i: (i.due_on, i.number))
    assert [r[1] for r in rows] == [i.number for i in overdue]  # all due in 2025: overdue now
    late = header.index("days overdue")
    today = datetime.date.today()
    assert int(rows[0][late]) in {(today - overdue[0].due_on).days + d for d in (-1, 0, 1)}

    with scope(coop=world.home.pk):
        payment = billing.payment_record(
            invoice=made[0],
            by=None,
            method="cash",
            amount=Decimal("3.00"),
            received_on=datetime.date(2025, 3, 4),
            payer="=Asha",
            key="form-1",
        )
    response = client.get(f"{base}/payments.csv", {"month": "2025-03"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows] == [payment.receipt_number]
    assert (
        rows[0][header.index("amount")] == "3.00" and rows[0][header.index("paid by")] == "'=Asha"
    )
    empty = client.get(f"{base}/payments.csv", {"month": "2025-04"})
    assert len(b"".join(empty.streaming_content).decode("utf-8-sig").splitlines()) == 1
