import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from carecoop.funding import services
from carecoop.ledger import chart
from carecoop.ledger.selectors import account_balance, income_statement, trial_balance
from carecoop.ledger.services import exchange_rate_set

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 5)


def test_grants_and_expenses_post_to_the_centre(home_scope):
    coop = home_scope.home
    coop.currency = "GTQ"
    coop.save()
    donor = services.funder_create(coop=coop, by=None, name="Fundación", kind="donor")
    grant = services.grant_create(
        coop=coop,
        by=None,
        funder=donor,
        title="Meals",
        amount=Decimal(1000),
        currency="USD",
        starts_on=DAY,
        ends_on=DAY + datetime.timedelta(days=300),
        centre=home_scope.centre,
        restricted=True,
        purpose="Food",
    )
    with pytest.raises(ValidationError, match="no exchange rate"):
        services.disbursement_record(grant=grant, by=None, received_on=DAY, amount=Decimal(500))
    exchange_rate_set(
        coop=home_scope.home, by=None, base="USD", quote="GTQ", on=DAY, rate=Decimal("7.70")
    )
    d = services.disbursement_record(
        grant=grant, by=None, received_on=DAY, amount=Decimal(500), reference="T1"
    )
    assert d.books_minor == 385000
    with pytest.raises(ValidationError, match="above the"):
        services.disbursement_record(grant=grant, by=None, received_on=DAY, amount=Decimal(501))
    services.expense_record(
        coop=coop,
        by=None,
        date=DAY,
        category="food",
        amount=Decimal("1200.50"),
        paid_from="bank",
        description="Rice",
        centre=home_scope.centre,
        grant=grant,
    )
    # US$ 1,000 at 7.70 is GTQ 7,700.00; GTQ 1,200.50 is spent: GTQ 6,500 more is too much.
    with pytest.raises(ValidationError, match=r"GTQ7,700\.50, above the GTQ7,700\.00 granted"):
        services.expense_record(
            coop=coop,
            by=None,
            date=DAY,
            category="food",
            amount=Decimal("6500"),
            paid_from="bank",
            description="Beans",
            centre=home_scope.centre,
            grant=grant,
        )
    with pytest.raises(ValidationError, match="GTQ"):
        services.expense_record(
            coop=coop,
            by=None,
            date=DAY,
            category="rent",
            amount=Decimal(1),
            paid_from="cash",
            description="x",
            currency="USD",
        )
    statement = income_statement(coop=coop, since=DAY, until=DAY, centre_id=home_scope.centre.pk)
    assert statement.totals == {"income": 385000, "expense": 120050}
    assert account_balance(coop_id=coop.pk, code=chart.BANK) == 385000 - 120050
    assert trial_balance(coop=coop).balanced


def test_budget_lines_are_set_once_per_category(home_scope):
    coop = home_scope.home
    services.budget_set(coop=coop, by=None, year=2026, category="rent", amount=Decimal(100))
    services.budget_set(coop=coop, by=None, year=2026, category="rent", amount=Decimal(200))
    from carecoop.funding.models import Budget

    assert Budget.objects.get().amount_minor == 20000
