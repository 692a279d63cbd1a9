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
