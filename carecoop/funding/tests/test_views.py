import gzip
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from carecoop.demo import money

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(billed):
    """The billed creche with the demo's fees, grants, expenses, waivers and payments."""
    from carecoop.tenancy.models import Organisation

    for _ in range(4):
        billed.enrol_family(random.Random(1).randint(1, 2))
    coop = billed.coop
    Organisation.objects.filter(pk=coop.pk).update(slug="shakti-creches")
    coop.refresh_from_db()
    from carecoop.billing.models import FeeCategory, FeeSchedule

    FeeSchedule.objects.all().delete()
    FeeCategory.objects.all().delete()
    money.load(coop, billed.by, random.Random(3), timezone.localdate())
    return billed


def test_sustainability_pages(funded):
    client = funded.world.client("board")
    slug = "shakti-creches"
    for page in (
        "",
        f"centres/{funded.creche.centre.pk}/",
        "what-if/",
        "planner/",
        "funders/",
        "expenses/",
        "budgets/",
    ):
        assert client.get(f"/c/{slug}/funding/{page}").status_code == 200, page
    page = client.get(f"/c/{slug}/funding/").content.decode()
    assert "<svg" in page and "Fees actually collected" in page
    plan = client.get(
        f"/c/{slug}/funding/planner/",
        {
            "places": 30,
            "fee": 175,
            "occupancy_start": 50,
            "occupancy_target": 100,
            "months_to_fill": 3,
            "setup_cost": 0,
            "running_cost": 22500,
            "setup_grant": 0,
            "subsidy": 0,
            "collection": 100,
        },
    )
    assert "23.3" in plan.content.decode() or "23,3" in plan.content.decode()
    assert funded.world.client("facilitator").get(f"/c/{slug}/funding/").status_code == 403


def test_dashboard_budget(funded):
    client = funded.world.client("manager")
    url = "/c/shakti-creches/funding/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert len(queries) <= 15, [q["sql"] for q in queries]
    body = (
        response.content
        if response.get("Content-Encoding") != "gzip"
        else gzip.decompress(response.content)
    )
    assert len(gzip.compress(body)) <= 14 * 1024


def test_the_demo_money_balances(funded):
    from carecoop.billing.models import Invoice, Payment, Waiver
    from carecoop.funding.models import Disbursement, Expense
    from carecoop.ledger.selectors import trial_balance

    with scope(coop=funded.coop.pk):
        assert Invoice.objects.count() >= 4 * 3
        assert (
            Payment.objects.exists() and Disbursement.objects.exists() and Expense.objects.exists()
        )
        assert Waiver.objects.exists()
        assert trial_balance(coop=funded.coop).balanced


def test_the_planner_chart_plots_the_cash_after_set_up(world):
    from carecoop.core.money import format_money
    from carecoop.funding import sustainability as sus

    coop = world.home
    page = (
        world.client("board")
        .get(
            f"/c/{coop.slug}/funding/planner/",
            {
                "places": 30,
                "fee": 900,
                "occupancy_start": 40,
                "occupancy_target": 90,
                "months_to_fill": 6,
                "setup_cost": 10000,
                "running_cost": 20000,
                "setup_grant": 2000,
                "subsidy": 0,
                "collection": 90,
            },
        )
        .content.decode()
    )
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "Cash after set-up, month by month" in chart and "income ÷ cost" not in chart
    # The line starts at the cash right after set-up: the Rs 2,000 grant less the Rs 10,000 cost,
    # and ends at the cash after three years.
    assert format_money(-800_000, coop.currency) in chart
    result = sus.plan(
        sus.Plan(
            places=30,
            fee_minor=90000,
            occupancy_start=0.4,
            occupancy_target=0.9,
            months_to_fill=6,
            setup_cost_minor=1_000_000,
            running_cost_minor=2_000_000,
            setup_grant_minor=200_000,
            collection_rate=0.9,
        )
    )
    assert result.opening_minor == -800_000 and result.payback_month is not None
    assert format_money(result.months[-1].cumulative_minor, coop.currency) in chart


def _grant(billed):
    """A government scheme's grant of Rs 10,000 for the year."""
    from carecoop.funding import services

    with scope(coop=billed.coop.pk):
        funder = services.funder_create(
            coop=billed.coop, by=billed.by, name="Scheme", kind="government"
        )
        return services.grant_create(
            coop=billed.coop,
            by=billed.by,
            funder=funder,
            title="Creche scheme",
            amount="10000",
            currency="INR",
            starts_on=billed.month,
            ends_on=billed.month.replace(year=billed.month.year + 1),
        )


def test_an_expense_and_a_disbursement_sent_twice_are_recorded_once(billed):
    from carecoop.funding.models import Disbursement, Expense
    from carecoop.ledger.models import Entry

    grant = _grant(billed)
    client = billed.world.client("treasurer")
    base = f"/c/{billed.coop.slug}/funding/"
    expense = {
        "date": str(billed.today),
        "category": "food",
        "amount": "1200",
        "paid_from": "cash",
        "description": "Rice and dal",
        "key": "expense-form-1",
    }
    money = {"received_on": str(billed.today), "amount": "2500", "key": "money-form-1"}
    for _ in range(2):  # a double tap, or the same form sent again on a slow link
        assert client.post(base + "expenses/new/", expense).status_code == 302
        assert client.post(base + f"grants/{grant.pk}/disburse/", money).status_code == 302
    with scope(coop=billed.coop.pk):
        assert Expense.objects.count() == 1 and Disbursement.objects.count() == 1
        assert Entry.objects.count() == 2


def test_an_expense_and_money_received_by_mistake_are_reversed_where_they_were_made(billed):
    from carecoop.funding import services
    from carecoop.funding.models import Disbursement, Expense
    from carecoop.ledger import chart
    from carecoop.ledger.selectors import account_balance

    grant = _grant(billed)
    with scope(coop=billed.coop.pk):
        money = services.disbursement_record(
            grant=grant, by=billed.by, received_on=billed.today, amount="10000", reference="T-1"
        )
        expense = services.expense_record(
            coop=billed.coop,
            by=billed.by,
            date=billed.today,
            category="food",
            amount="1200",
            paid_from="bank",
            description="Rice counted twice",
        )
    client = billed.world.client("treasurer")
    slug = billed.coop.slug
    why = {"date": str(billed.today), "reason": "Recorded by mistake"}
    # Not from the ledger's page: the expense would still count in the budgets.
    refused = client.post(f"/c/{slug}/ledger/entries/{expense.entry_id}/reverse/", why, follow=True)
    assert "Correct it there" in refused.content.decode()
    assert client.post(f"/c/{slug}/funding/expenses/{expense.pk}/reverse/", why).status_code == 302
    assert (
        client.post(f"/c/{slug}/funding/disbursements/{money.pk}/reverse/", why).status_code == 302
    )
    assert billed.world.client("board").post(
        f"/c/{slug}/funding/expenses/{expense.pk}/reverse/", why
    ).status_code in (403, 404)
    page = client.get(f"/c/{slug}/funding/expenses/").content.decode()
    assert "<s>" in page
    with scope(coop=billed.coop.pk):
        assert Expense.objects.get().reversal is not None
        assert Disbursement.objects.get().reversal is not None
        assert account_balance(coop_id=billed.coop.pk, code=chart.BANK) == 0
        # The grant no longer counts the reversed money: the whole grant can be received again.
        again = services.disbursement_record(
            grant=grant, by=billed.by, received_on=billed.today, amount="10000", reference="T-1"
        )
        assert again.pk != money.pk
        assert account_balance(coop_id=billed.coop.pk, code=chart.BANK) == 1_000_000


def test_the_dashboard_shows_its_centres_a_page_at_a_time_and_counts_them_all(funded, settings):
    """The table and chart show a page of centres; the cooperative's row counts every centre,
    and the period chosen stays in the links between pages."""
    from carecoop.tenancy.models import Centre
    from carecoop.tenancy.tests.factories import CentreFactory

    with scope(coop=funded.coop.pk):
        for i in range(3):
            CentreFactory(coop=funded.coop, name=f"Zz centre {i}")
        names = list(Centre.objects.order_by("name", "pk").values_list("name", flat=True))
    client = funded.world.client("manager")
    url = "/c/shakti-creches/funding/"
    whole = client.get(url).content.decode()
    settings.CARECOOP_PAGE_SIZE = 2
    shown, footers = [], set()
    for number in range(1, (len(names) + 1) // 2 + 1):
        html = client.get(url, {"page": number, "since": "", "until": ""}).content.decode()
        shown += [n for n in names if f">{n}</a>" in html]
        footers.add(html[html.index("<tfoot>") : html.index("</tfoot>")])
        if number == 1:
            assert "since=&amp;until=&amp;page=2" in html
    assert sorted(shown) == sorted(names)
    assert footers == {whole[whole.index("<tfoot>") : whole.index("</tfoot>")]}
    assert client.get(url, {"page": "x"}).status_code == 200
