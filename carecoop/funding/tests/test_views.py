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
