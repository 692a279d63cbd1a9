import datetime
import random

from django_scopes import scope

from carecoop.demo import money as demo_money
from carecoop.ledger import chart
from carecoop.ledger.models import Entry
from carecoop.ledger.selectors import account_balance


def test_the_demo_money_never_leaves_a_till_bank_or_reserve_below_zero(world, today, monkeypatch):
    by = world.users["manager"]
    # The home cooperative keeps its books in rupees, as the Shakti creches do.
    monkeypatch.setitem(demo_money.PLANS, world.home.slug, demo_money.PLANS["shakti-creches"])
    with scope(coop=world.home.pk):
        demo_money.load(world.home, by, random.Random(3), today)

        first = Entry.objects.filter(coop_id=world.home.pk).earliest("date").date
        opening = Entry.objects.get(coop_id=world.home.pk, source_key="demo:brought-forward")
        assert opening.date == first
        day = first
        while day <= today:
            for code in (*demo_money.HELD, *demo_money.RESERVES):
                balance = account_balance(coop_id=world.home.pk, code=code, until=day)
                assert balance >= 0, (day, code, balance)
            day += datetime.timedelta(days=1)
        # The expenses needed money brought forward: without it the bank goes below zero.
        assert account_balance(coop_id=world.home.pk, code=chart.BANK, until=first) > 0
        assert demo_money.lowest_balances(world.home.pk, demo_money.HELD) == dict.fromkeys(
            demo_money.HELD, 0
        )


def test_the_demo_budget_reads_like_a_cooperative_s(world, today, monkeypatch):
    """Budgets in round figures, a line for what each centre really spends on (rent only where it
    pays rent), centres that differ, and supervision once for the whole cooperative."""
    from carecoop.funding.models import Budget

    by = world.users["manager"]
    monkeypatch.setitem(demo_money.PLANS, world.home.slug, demo_money.PLANS["shakti-creches"])
    with scope(coop=world.home.pk):
        demo_money.load(world.home, by, random.Random(5), today)
        lines = list(Budget.objects.filter(coop_id=world.home.pk))
    by_centre: dict = {}
    for line in lines:
        by_centre.setdefault(line.centre_id, {})[line.category] = line.amount_minor
        whole = line.amount_minor // 100
        assert line.amount_minor % 100 == 0 and int(str(whole)[2:] or 0) == 0, whole
    assert set(by_centre.pop(None)) == {"supervision"}
    assert all("supervision" not in costs for costs in by_centre.values())
    assert all({"salaries", "food"} <= set(costs) for costs in by_centre.values())
    assert len({tuple(sorted(costs.items())) for costs in by_centre.values()}) == len(by_centre)


def test_a_budget_figure_keeps_two_significant_digits():
    from decimal import Decimal

    assert demo_money.budget_round(Decimal("64812.4")) == Decimal(65000)
    assert demo_money.budget_round(Decimal("9360")) == Decimal(9400)
    assert demo_money.budget_round(Decimal("812")) == Decimal(810)
    assert demo_money.budget_round(Decimal("7.4")) == Decimal(7)
