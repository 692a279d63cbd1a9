"""The period the sustainability pages show by default, what each figure says it is, and why the
runway is what it is."""

import datetime
from html import unescape

import pytest
from django.utils import translation
from django_scopes import scope

from carecoop.billing.fees import month_end, previous_month
from carecoop.core.money import format_money
from carecoop.core.permissions import Access
from carecoop.funding import labels, selectors
from carecoop.ledger import chart
from carecoop.ledger.services import credit, debit, entry_post

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _months_back(today, n):
    """The first day of the month ``n`` months before ``today``'s."""
    month = today.replace(day=1)
    for _ in range(n):
        month = previous_month(month)
    return month


def _post(billed, on, debit_to, credit_to, amount, key, centre=None):
    entry_post(
        coop=billed.coop,
        by=billed.by,
        date=on,
        memo=key,
        lines=[debit(debit_to, amount, centre), credit(credit_to, amount, centre)],
        source_key=f"manual:{key}",
    )


def _cost(billed, on, amount, key, centre=None):
    """Rent paid in cash."""
    _post(billed, on, chart.RENT, chart.CASH, amount, key, centre)


def _grant(billed, on, amount, key):
    """A public grant received in the bank."""
    _post(billed, on, chart.BANK, chart.GRANT_PUBLIC, amount, key)


def _access(billed):
    return Access(user=billed.by, org=billed.coop, roles=frozenset({"manager"}))


def _english_span(since, until):
    """Whole months as English writes them, without babel."""
    if (since.year, since.month) == (until.year, until.month):
        return f"{since:%B %Y}"
    first = f"{since:%B}" if since.year == until.year else f"{since:%B %Y}"
    return f"{first}\u2009\u2013\u2009{until:%B %Y}"


def test_the_default_period_is_the_last_complete_months_with_figures(billed):
    """Three months back and last month have figures, the month between has none, and this
    month is not over: the period runs from the first to the last of the two complete months,
    and its averages are over those two months only."""
    today = billed.today
    three, two, last = (_months_back(today, n) for n in (3, 2, 1))
    centre = billed.creche.centre.pk
    _cost(billed, three + 4 * DAY, 300_000, "three", centre)
    _cost(billed, last + 2 * DAY, 100_000, "last", centre)
    _cost(billed, today, 50_000, "today", centre)
    access = _access(billed)
    since, until = selectors.default_period(access=access, today=today)
    assert (since, until) == (three, month_end(last))
    board = selectors.sustainability(access=access, since=since, until=until)
    assert board.months == 2 and board.calendar_months == 3
    assert board.total.cost_minor == 400_000  # nothing of this month
    assert board.average_cost_minor == 200_000  # not 400,000 / 3: the empty month is no month
    assert board == selectors.sustainability(
        access=access, since=since, until=until, from_rows=True
    )
    assert two not in (since, until)

    page = unescape(
        billed.world.client("board")
        .get(f"/c/{billed.coop.slug}/funding/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    span = _english_span(three, last)
    assert f"The last 2 complete months with figures: {span}." in page
    per_month = f"a month on average over the 2 months with figures in {span}"
    assert f'{format_money(200_000, "INR")}</dd><dd class="per">{per_month}</dd>' in page
    assert f"Amounts in total over {span}" in page
    assert format_money(400_000, "INR") in page  # the table's total
    # What fees would bring, against the cost a month, not the period's total called "a month".
    assert f"against a running cost of {format_money(200_000, 'INR')}, {per_month}:" in page
    assert "₹4,000.00 a month" not in page and "₹4,000.00 against" not in page
    # A centre's page over the same months says how many of them it has figures for.
    client = billed.world.client("board")
    base = f"/c/{billed.coop.slug}/funding/centres/"
    creche = unescape(client.get(f"{base}{centre}/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert f"{span}: 2 of its 3 months have figures; the averages are over those months" in creche
    other = client.get(f"{base}{billed.world.centre2.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"No figures have been recorded for {span}." in unescape(other.content.decode())


def test_a_cooperative_with_figures_only_this_month_has_no_default_months(billed):
    _cost(billed, billed.today, 50_000, "today")
    access = _access(billed)
    last = previous_month(billed.today)
    assert selectors.default_period(access=access, today=billed.today) == (last, month_end(last))
    board = selectors.sustainability(access=access, since=last, until=month_end(last))
    assert board.months == 0 and board.average_cost_minor is None
    with translation.override("en"):
        assert labels.period(board, chosen=False).startswith("No complete month has figures yet")
        assert labels.runway(board, "INR").why.startswith("No runway can be worked out")
    # This month so far, asked for, is shown.
    page = (
        billed.world.client("board")
        .get(
            f"/c/{billed.coop.slug}/funding/",
            {"since": billed.month, "until": billed.today},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        .content.decode()
    )
    assert format_money(50_000, "INR") in page


def test_the_default_period_takes_at_most_six_months(billed):
    for n in range(1, 9):
        _cost(billed, _months_back(billed.today, n) + DAY, 10_000 * n, f"m{n}")
    access = _access(billed)
    since, until = selectors.default_period(access=access, today=billed.today)
    assert (since, until) == (
        _months_back(billed.today, 6),
        month_end(_months_back(billed.today, 1)),
    )
    board = selectors.sustainability(access=access, since=since, until=until)
    assert board.months == board.calendar_months == 6
    assert board.average_cost_minor == 10_000 * sum(range(1, 7)) // 6
    with translation.override("en"):
        span = _english_span(since, until)
        assert labels.averaged(board) == f"a month on average over 6 months: {span}"
        assert labels.totalled(board) == f"in total over {span}"
        assert labels.period(board, chosen=False) == (
            f"The last 6 complete months with figures: {span}. "
            "The current month is counted once it is over."
        )


def test_each_runway_says_why_it_is_what_it_is(billed):
    """Five months back: Rs 1,000 of rent from the cash, nothing in the reserve. Three months
    back: a grant of Rs 5,200 and no cost. Last month: Rs 1,000 of rent, the reserve of Rs 3,200
    left. Two months back: nothing."""
    today = billed.today
    five, three, two, last = (_months_back(today, n) for n in (5, 3, 2, 1))
    _cost(billed, five + DAY, 100_000, "five")
    _grant(billed, three + DAY, 520_000, "three")
    _cost(billed, last + DAY, 100_000, "last")
    access = _access(billed)

    def runway(month):
        board = selectors.sustainability(access=access, since=month, until=month_end(month))
        with translation.override("en"):
            return board, labels.runway(board, "INR")

    board, empty = runway(five)
    assert board.cash_minor == -100_000 and board.runway_months == 0
    assert empty.figure == "0"
    assert empty.why == (
        "0 months: the reserve (cash, mobile money and bank) is empty, and the running cost "
        "exceeds the income received by ₹1,000.00, a month on average over 1 month: "
        f"{_english_span(five, five)}."
    )

    board, covered = runway(three)
    assert board.runway_months is None
    assert covered.figure == "not needed"
    assert covered.why.startswith(
        "No runway is needed: the income received covered the running cost, a month on average"
    )

    board, lasting = runway(last)
    assert board.cash_minor == 320_000 and board.net_outflow_minor == 100_000
    assert lasting.figure == "3.2"
    assert lasting.why == (
        "3.2 months: the reserve of ₹3,200.00 covers the average monthly shortfall of ₹1,000.00 "
        f"(a month on average over 1 month: {_english_span(last, last)})."
    )

    board, none = runway(two)
    assert board.months == 0 and none.figure == "—"
    assert none.why == "No runway can be worked out: the period has no figures."

    # Over the four months from five back to two back, two have figures: the shortfall is
    # averaged over those two, (Rs 1,000 - Rs 5,200) / 2 < 0, so no runway is needed.
    board = selectors.sustainability(access=access, since=five, until=month_end(two))
    assert board.months == 2 and board.calendar_months == 4
    assert board.net_outflow_minor == round((100_000 - 520_000) / 2)
    with translation.override("en"):
        assert labels.averaged(board) == (
            f"a month on average over the 2 months with figures in {_english_span(five, two)}"
        )
        assert labels.period(board, chosen=True) == (
            f"{_english_span(five, two)}: 2 of its 4 months have figures; the averages are "
            "over those months only."
        )


def test_the_runway_figure_and_its_plural_follow_the_language(billed):
    today = billed.today
    last = _months_back(today, 1)
    _grant(billed, _months_back(today, 3) + DAY, 520_000, "grant")
    _cost(billed, last + DAY, 100_000, "last")
    board = selectors.sustainability(access=_access(billed), since=last, until=month_end(last))
    with translation.override("fr"):
        assert labels.runway(board, "INR").figure == "4,2"
    # A decimal takes the plural category CLDR gives it: "other" in English and Arabic (100
    # is the first whole number of that category in Arabic, whose 2 is "two"), "one" for 1.5 in
    # French.
    with translation.override("en"):
        assert labels.plural_count(4.2) == 0 and labels.plural_count(1) == 1
    with translation.override("ar"):
        assert labels.plural_count(4.2) == 100 and labels.plural_count(2) == 2
    with translation.override("fr"):
        assert labels.plural_count(1.5) in (0, 1)


def test_the_kept_months_are_those_of_every_line_and_invoice(billed):
    """A month whose only entry is reversed within it has no figures, read either way."""
    from carecoop.billing import services as billing
    from carecoop.ledger.models import Entry
    from carecoop.ledger.services import entry_reverse

    last = _months_back(billed.today, 1)
    two = _months_back(billed.today, 2)
    billed.enrol_family(1)
    billing.billing_run(coop=billed.coop, by=billed.by, month=two, today=billed.today)
    _cost(billed, last + DAY, 70_000, "undone")
    with scope(coop=billed.coop.pk):
        entry_reverse(
            entry=Entry.objects.get(coop=billed.coop, source_key="manual:undone"),
            by=billed.by,
            date=last + 2 * DAY,
            reason="Typo",
        )
    access = _access(billed)
    since, until = _months_back(billed.today, 4), month_end(last)
    kept = selectors.sustainability(access=access, since=since, until=until)
    raw = selectors.sustainability(access=access, since=since, until=until, from_rows=True)
    assert kept == raw and kept.months == 1
    assert selectors.default_period(access=access, today=billed.today) == (two, month_end(two))
