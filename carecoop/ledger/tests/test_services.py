import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carecoop.ledger import chart, selectors, services
from carecoop.ledger.models import Entry, Line
from carecoop.ledger.services import credit, debit

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)
CODES = [code for code, _name, _kind in chart.DEFAULT_CHART]


def test_a_balanced_entry_posts_and_an_unbalanced_one_is_refused(home_scope):
    coop = home_scope.home
    entry = services.entry_post(
        coop=coop,
        by=None,
        date=DAY,
        memo="Rent",
        lines=[debit(chart.RENT, 500_00, home_scope.centre.pk), credit(chart.CASH, 500_00)],
    )
    assert entry.lines.count() == 2
    with pytest.raises(ValidationError, match="does not balance"):
        services.entry_post(
            coop=coop,
            by=None,
            date=DAY,
            memo="x",
            lines=[debit(chart.RENT, 100), credit(chart.CASH, 99)],
        )
    with pytest.raises(ValidationError, match="keeps its books"):
        services.entry_post(
            coop=coop,
            by=None,
            date=DAY,
            memo="x",
            currency="XOF",
            lines=[debit(chart.RENT, 100), credit(chart.CASH, 100)],
        )
    with pytest.raises(ValidationError, match="another cooperative"):
        services.entry_post(
            coop=coop,
            by=None,
            date=DAY,
            memo="x",
            lines=[debit(chart.RENT, 100, home_scope.other_centre.pk), credit(chart.CASH, 100)],
        )
    assert Entry.objects.count() == 1


def test_the_same_source_posts_once_and_a_second_time_is_refused(home_scope):
    coop = home_scope.home
    lines = [debit(chart.CASH, 100), credit(chart.OTHER_INCOME, 100)]
    services.entry_post(coop=coop, by=None, date=DAY, memo="a", lines=lines, source_key="k")
    # Handing back the first entry would let a caller write its own record twice over one
    # entry (the solidarity fund's gift did): a repeated source is refused.
    with pytest.raises(ValidationError, match="already been posted"):
        services.entry_post(coop=coop, by=None, date=DAY, memo="a", lines=lines, source_key="k")
    assert Entry.objects.count() == 1 and Line.objects.count() == 2


def test_entries_are_append_only_and_corrected_by_reversal(home_scope):
    coop = home_scope.home
    entry = services.entry_post(
        coop=coop,
        by=None,
        date=DAY,
        memo="Food",
        lines=[debit(chart.FOOD, 700), credit(chart.CASH, 700)],
    )
    entry.memo = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    reversal = services.entry_reverse(entry=entry, by=None, date=DAY, reason="typo")
    assert reversal.reverses_id == entry.pk
    assert selectors.account_balance(coop_id=coop.pk, code=chart.FOOD) == 0
    with pytest.raises(ValidationError, match="already been reversed"):
        services.entry_reverse(entry=entry, by=None, date=DAY, reason="again")


def test_statements_add_up(home_scope):
    coop = home_scope.home
    services.entry_post(
        coop=coop,
        by=None,
        date=DAY,
        memo="fees",
        lines=[debit(chart.CASH, 1000), credit(chart.FEE_INCOME, 1000)],
    )
    services.entry_post(
        coop=coop,
        by=None,
        date=DAY,
        memo="rent",
        lines=[debit(chart.RENT, 400), credit(chart.CASH, 400)],
    )
    income = selectors.income_statement(coop=coop, since=DAY, until=DAY)
    assert income.totals == {"income": 1000, "expense": 400} and income.result_minor == 600
    sheet = selectors.balance_sheet(coop=coop, on=DAY)
    assert sheet.balanced and sheet.totals["assets"] == 600


def test_manual_entry_from_rows(home_scope):
    coop = home_scope.home
    accounts = services.chart_ensure(coop=coop)
    with pytest.raises(ValidationError, match="does not balance"):
        services.manual_entry_post(
            coop=coop,
            by=None,
            date=DAY,
            memo="m",
            rows=[
                (accounts[chart.CASH], 100, 0, None),
                (accounts[chart.OTHER_INCOME], 0, 90, None),
            ],
        )
    entry = services.manual_entry_post(
        coop=coop,
        by=None,
        date=DAY,
        memo="m",
        rows=[(accounts[chart.CASH], 100, 0, None), (accounts[chart.OTHER_INCOME], 0, 100, None)],
    )
    assert entry.lines.count() == 2


def test_exchange_rates_convert_with_the_cooperatives_own_table(world):
    from decimal import Decimal

    home, other = world.home.pk, world.other.pk
    with scope(coop=home):
        services.exchange_rate_set(
            coop=world.home, by=None, base="USD", quote="GTQ", on=DAY, rate=Decimal("7.75")
        )
        assert selectors.convert(home, 1500, "USD", "GTQ", DAY) == 11625
        assert selectors.convert(home, 11625, "GTQ", "USD", DAY) == 1500
        with pytest.raises(ValidationError, match="no exchange rate"):
            selectors.convert(home, 100, "USD", "GTQ", DAY - datetime.timedelta(days=1))
    with scope(coop=other):
        # Another cooperative's rate neither shows nor counts here.
        with pytest.raises(ValidationError, match="no exchange rate"):
            selectors.convert(other, 1500, "USD", "GTQ", DAY)
        services.exchange_rate_set(
            coop=world.other, by=None, base="USD", quote="GTQ", on=DAY, rate=Decimal("8")
        )
        assert selectors.convert(other, 1500, "USD", "GTQ", DAY) == 12000
        assert list(selectors.exchange_rates(coop_id=other).values_list("coop_id", flat=True)) == [
            other
        ]
    with scope(coop=home):
        assert selectors.convert(home, 1500, "USD", "GTQ", DAY) == 11625


line_strategy = st.tuples(st.sampled_from(CODES), st.integers(1, 10_000_000))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=st.lists(st.lists(line_strategy, min_size=1, max_size=5), min_size=1, max_size=6),
    unbalanced=st.integers(-5, 5),
)
def test_property_every_entry_balances_and_balances_equal_the_lines(
    home_scope, entries, unbalanced
):
    coop = home_scope.home

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            expected: dict[str, int] = {}
            for rows in entries:
                lines = [debit(code, amount) for code, amount in rows]
                total = sum(amount for _c, amount in rows)
                lines.append(credit(chart.GENERAL_RESERVE, total))
                services.entry_post(coop=coop, by=None, date=DAY, memo="p", lines=lines)
                for code, amount in rows:
                    expected[code] = expected.get(code, 0) + amount
                expected[chart.GENERAL_RESERVE] = expected.get(chart.GENERAL_RESERVE, 0) - total
            if unbalanced:
                with pytest.raises(ValidationError):
                    services.entry_post(
                        coop=coop,
                        by=None,
                        date=DAY,
                        memo="bad",
                        lines=[debit(chart.CASH, 100), credit(chart.RENT, 100 + unbalanced)],
                    )
            for entry in Entry.objects.all():
                assert sum(entry.lines.values_list("amount_minor", flat=True)) == 0
            balances = {b.account.code: b.net_minor for b in selectors.balances(coop_id=coop.pk)}
            for code in CODES:
                assert balances[code] == expected.get(code, 0)
            assert selectors.trial_balance(coop=coop).balanced
            raise Rollback
    except Rollback:
        pass
