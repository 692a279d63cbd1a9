"""The inputs that once ended in a server error, or were stored though no form would take them:
each is now refused with a clear message, and nothing is written."""

import datetime
import json
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from carecoop.core.tests.test_hostile_walk import Walk, row_counts

pytestmark = pytest.mark.django_db

HUGE = ["9" * 27, "1e30", "1E+19", "10000000000000000000", "NaN", "Infinity", "-1"]
FAR = ["9999-12-31", "0001-01-01"]


@pytest.fixture
def walk(world: Any) -> Walk:
    return Walk(world)


def refused(walk: Walk, role: str, url: str, data: Any, **extra: Any) -> Any:
    """Send ``data``; it must be answered without a server error and write nothing."""
    before = row_counts(walk.tables)
    response = walk.clients[role].post(url, data, **extra)
    assert response.status_code in (200, 400), (url, data, response.status_code)
    assert row_counts(walk.tables) == before, (url, data)
    return response


def today() -> str:
    return timezone.localdate().isoformat()


# Amounts ---------------------------------------------------------------------------------------


def test_one_parse_refuses_what_is_not_an_amount() -> None:
    from carecoop.core.money import MAX_MINOR, parse_amount

    for text in ["1e30", "NaN", "Infinity", "-Infinity", "9" * 27, "1E+2", "-1", "", "1,5", "x"]:
        with pytest.raises(ValidationError):
            parse_amount(text, "INR")
    with pytest.raises(ValidationError, match="at most 2 decimals"):
        parse_amount("1.005", "INR")
    with pytest.raises(ValidationError, match="no decimals"):
        parse_amount("1.5", "XOF")
    with pytest.raises(ValidationError, match="too large"):
        parse_amount(str(MAX_MINOR // 100 + 1), "INR")
    assert parse_amount("1250.50", "INR") == 125050
    assert parse_amount(" 1250.500 ", "KWD") == 1250500
    assert parse_amount(str(MAX_MINOR // 100), "INR") == MAX_MINOR // 100 * 100


def test_paying_an_invoice_or_giving_to_the_fund_refuses_an_impossible_amount(
    walk: Walk,
) -> None:
    pay = f"/c/{walk.coop.slug}/billing/invoices/{walk.world.other_invoice.pk}/pay/"
    gift = f"/c/{walk.coop.slug}/billing/waivers/fund/"
    for amount in HUGE:
        data = {"method": "cash", "amount": amount, "currency": "INR", "received_on": today()}
        response = refused(walk, "treasurer", pay, {**data, "key": uuid.uuid4().hex})
        assert response.context["form"].errors["amount"]
        data = {"kind": "donation", "amount": amount, "received_on": today(), "source": "A"}
        response = refused(walk, "treasurer", gift, {**data, "key": uuid.uuid4().hex})
        assert response.context["form"].errors["amount"]


def test_a_manual_entry_and_an_expense_refuse_an_impossible_amount(walk: Walk) -> None:
    for amount in ["10000000000000000000", "1e30"]:
        _entry_and_expense(walk, amount)


def _entry_and_expense(walk: Walk, amount: str) -> None:
    with scope(coop=walk.coop.pk):
        from carecoop.ledger.models import Account

        cash = Account.objects.get(coop=walk.coop, code="1000")
        rent = Account.objects.get(coop=walk.coop, code="5100")
    slug = walk.coop.slug
    entry = {"date": today(), "memo": "x", "key": uuid.uuid4().hex}
    entry |= {"account_1": rent.pk, "debit_1": amount, "account_2": cash.pk, "credit_2": amount}
    response = refused(walk, "treasurer", f"/c/{slug}/ledger/entries/new/", entry)
    assert response.context["form"].errors["debit_1"]
    expense = {"date": today(), "category": "rent", "amount": amount, "paid_from": "cash"}
    expense |= {"description": "x", "key": uuid.uuid4().hex}
    response = refused(walk, "treasurer", f"/c/{slug}/funding/expenses/new/", expense)
    assert response.context["form"].errors["amount"]


def test_a_disbursement_and_a_budget_refuse_what_the_currency_cannot_hold(walk: Walk) -> None:
    slug = walk.coop.slug
    url = f"/c/{slug}/funding/grants/{walk.world.other_grant.pk}/disburse/"
    data = {"received_on": today(), "amount": "9" * 27, "key": uuid.uuid4().hex}
    before = row_counts(walk.tables)
    walk.clients["treasurer"].post(url, data)
    assert row_counts(walk.tables) == before
    budget = {"year": 2026, "category": "rent", "amount": "1.005"}
    response = refused(walk, "treasurer", f"/c/{slug}/funding/budgets/", budget)
    assert "at most 2 decimals" in str(response.context["form"].errors["amount"])


def test_the_what_if_and_the_planner_refuse_an_impossible_amount(walk: Walk) -> None:
    client, slug = walk.clients["board"], walk.coop.slug
    what_if = {"places": 30, "occupancy": 90, "fee": "1e30", "wages": 1, "other_costs": 1}
    what_if |= {"subsidy": 0, "collection": 90, "waivers": 0}
    response = client.get(f"/c/{slug}/funding/what-if/", what_if)
    assert response.status_code == 200 and response.context["form"].errors["fee"]
    plan = {"places": 30, "fee": 100, "occupancy_start": 40, "occupancy_target": 90}
    plan |= {"months_to_fill": 6, "setup_cost": "9" * 27, "running_cost": 1}
    plan |= {"setup_grant": 0, "subsidy": 0, "collection": 90}
    response = client.get(f"/c/{slug}/funding/planner/", plan)
    assert response.status_code == 200 and response.context["form"].errors["setup_cost"]


# Statements ------------------------------------------------------------------------------------

HEAD = "date,reference,amount,currency,payer,phone,message\n"


STATEMENTS = [
    HEAD + "2025-06-01,R1,Infinity,INR,A,1,m\n",
    HEAD + "2025-06-01,R1,1e30,INR,A,1,m\n",
    HEAD + "2025-06-01,R1,10,INRINRINR,A,1,m\n",
    HEAD + "2025-06-01,R\x001,10,INR,A,1,m\n",
    HEAD + "9999-12-31,R1,10,INR,A,1,m\n",
    HEAD + "0001-01-01,R1,10,INR,A,1,m\n",
    HEAD + "2025-06-01,R1,10,INR," + "x" * 200_000 + ",1,m\n",
    "\x00" * 2_000_000,
]


def test_a_statement_that_cannot_be_right_is_refused(walk: Walk) -> None:
    for content in STATEMENTS:
        upload = SimpleUploadedFile("statement.csv", content.encode(), "text/csv")
        data = {"provider": "M-Pesa", "method": "mobile", "file": upload}
        response = refused(walk, "treasurer", f"/c/{walk.coop.slug}/billing/statements/", data)
        assert response.context["form"].errors["file"], content[:60]


# Dates -----------------------------------------------------------------------------------------


def test_a_staffing_day_or_week_out_of_range_shows_today(walk: Walk) -> None:
    for view in ["day/?date=", "week/?week="]:
        for value in [*FAR, "9999-W52", "0001-W01"]:
            url = f"/c/{walk.coop.slug}/staff/centres/{walk.world.other_centre.pk}/{view}{value}"
            response = walk.clients["manager"].get(url)
            assert response.status_code == 200
            assert "not a date that can be shown here" in response.content.decode()


def test_a_month_or_a_year_out_of_range_shows_today(walk: Walk) -> None:
    slug, centre = walk.coop.slug, walk.world.other_centre.pk
    for value in ["9" * 27, "-1", "9999-13", "0-0"]:
        response = walk.clients["manager"].get(f"/c/{slug}/funding/budgets/?year={value}")
        assert response.status_code == 200 and response.context["year"] == timezone.localdate().year
        response = walk.clients["manager"].get(
            f"/c/{slug}/centres/{centre}/register/?month={value}"
        )
        assert response.status_code == 200


def test_a_payment_far_in_time_is_refused(walk: Walk) -> None:
    url = f"/c/{walk.coop.slug}/billing/invoices/{walk.world.other_invoice.pk}/pay/"
    for paid_on in FAR:
        data = {"method": "cash", "amount": "10", "currency": "INR", "received_on": paid_on}
        response = refused(walk, "treasurer", url, {**data, "key": uuid.uuid4().hex})
        assert response.context["form"].errors["received_on"]


def test_money_is_dated_between_the_founding_and_a_few_days_ahead(world: Any) -> None:
    from carecoop.core.dates import money_date_check

    coop, now = world.home, timezone.localdate()
    money_date_check(coop, datetime.date(1950, 1, 1))
    money_date_check(coop, now + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="too long ago"):
        money_date_check(coop, datetime.date(1899, 12, 31))
    with pytest.raises(ValidationError, match="after today"):
        money_date_check(coop, now + datetime.timedelta(days=4))
    coop.founded_on = datetime.date(1986, 6, 1)
    with pytest.raises(ValidationError, match="before the cooperative was founded"):
        money_date_check(coop, datetime.date(1986, 5, 31))
    money_date_check(coop, datetime.date(1986, 6, 1))


def test_every_money_service_checks_its_date(world: Any) -> None:
    """Share payments, gifts, expenses and manual entries dated in year 1 are refused."""
    from carecoop.billing import services as billing
    from carecoop.capital import services as capital
    from carecoop.funding import services as funding
    from carecoop.ledger import services as ledger

    far = datetime.date(1, 1, 1)
    by = world.users["manager"]
    with scope(coop=world.other.pk):
        calls = [
            lambda: capital.payment_record(
                subscription=world.other_subscription, by=by, amount=1, method="cash", paid_on=far
            ),
            lambda: billing.fund_contribute(
                coop=world.other, by=by, kind="donation", amount=1, received_on=far, source="x"
            ),
            lambda: funding.expense_record(
                coop=world.other,
                by=by,
                date=far,
                category="rent",
                amount=1,
                paid_from="cash",
                description="x",
            ),
            lambda: funding.disbursement_record(
                grant=world.other_grant, by=by, received_on=far, amount=1
            ),
            lambda: ledger.manual_entry_post(coop=world.other, by=by, date=far, memo="x", rows=[]),
        ]
        for call in calls:
            with pytest.raises(ValidationError, match="too long ago"):
                call()


# NUL -------------------------------------------------------------------------------------------


def test_a_nul_in_a_query_or_a_form_is_refused(walk: Walk) -> None:
    client, slug = walk.clients["manager"], walk.coop.slug
    response = client.get(f"/c/{slug}/members/?q=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    refused(walk, "manager", f"/c/{slug}/members/classes/new/", {"name": "a\x00b"})


# The offline sync ------------------------------------------------------------------------------


def _sync_world(world: Any) -> tuple[Any, dict[str, Any]]:
    from carecoop.care.models import Enrolment
    from carecoop.care.tests.factories import RoomFactory
    from carecoop.testing import make_child

    with scope(coop=world.home.pk):
        child = make_child(world.person, "Diya", datetime.date(2023, 1, 1))
        room = RoomFactory(coop=world.home, centre=world.centre)
        Enrolment.objects.create(
            coop=world.home,
            child=child,
            centre=world.centre,
            room=room,
            starts_on=datetime.date(2020, 1, 1),
        )
    op = {"kind": "check_in", "child": child.pk, "centre": world.centre.pk}
    return child, op | {"date": today(), "time": "08:30"}


CHANGES: list[dict[str, Any]] = [
    {"brought_by": "x" * 10_000},
    {"brought_by": "a\x00b"},
    {"date": "2099-01-01"},
    {"child": 10**30},
    {"child": True},
    {"brought_by": ["a"]},
]


def test_the_sync_applies_the_form_rules_per_operation(world: Any) -> None:
    from carecoop.care.models import Attendance, SyncOperation

    _child, op = _sync_world(world)
    good = op | {"op_id": str(uuid.uuid4())}
    bad = [op | change | {"op_id": str(uuid.uuid4())} for change in CHANGES]
    body = json.dumps({"operations": [*bad, good]})
    url = f"/api/v1/c/{world.home.slug}/attendance/sync"
    response = world.client("facilitator").post(url, body, content_type="application/json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(CHANGES) + ["applied"]
    assert [r["op_id"] for r in results[:-1]] == [b["op_id"] for b in bad]
    assert all(r["message"] for r in results[:-1])
    with scope(coop=world.home.pk):
        assert Attendance.objects.get().brought_by == ""
        assert list(SyncOperation.objects.values_list("status", flat=True)) == ["applied"]


def test_the_sync_refuses_a_body_nested_too_deep(world: Any) -> None:
    url = f"/api/v1/c/{world.home.slug}/attendance/sync"
    response = world.client("facilitator").post(url, "[" * 100_000, content_type="application/json")
    assert response.status_code == 400
