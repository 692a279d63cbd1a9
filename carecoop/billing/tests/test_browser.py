"""A month in the browser: the billing run, a cash payment and its receipt, a waiver from the
solidarity fund, and the sustainability dashboard."""

from decimal import Decimal

import pytest
from django_scopes import scope

from carecoop.billing import services
from carecoop.billing.models import Invoice, Payment, Waiver
from carecoop.browser import screenshot
from carecoop.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_month_of_money(world, billed, live_server, phone):
    with scope(coop=world.home.pk):
        household, _ = billed.enrol_family(2)
        waived_household, _ = billed.enrol_family(1)
        criterion = services.waiver_criterion_create(
            coop=billed.coop, by=None, name="Poorest", description="No income"
        )
        application = services.waiver_apply(
            coop=billed.coop,
            by=None,
            household=waived_household,
            criterion=criterion,
            percent=100,
            first_month=billed.month,
            last_month=billed.month,
            reason="Flood",
        )
        services.fund_contribute(
            coop=billed.coop,
            by=None,
            kind="donation",
            amount=Decimal(1000),
            received_on=billed.today,
            source="Friends",
        )
    page = phone
    slug = billed.coop.slug
    page.goto(f"{live_server.url}/accounts/login/?next=/c/{slug}/billing/")
    page.fill("input[name=username]", "manager.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/billing/")
    # The board decides the waiver (the manager may).
    page.goto(f"{live_server.url}/c/{slug}/billing/waivers/")
    page.select_option("select[name=approve]", "yes")
    page.click("form.acts button[type=submit]")
    page.wait_for_selector("text=Decision recorded.")
    # The billing run, from its button.
    page.goto(f"{live_server.url}/c/{slug}/billing/")
    page.click("#run-billing")
    page.wait_for_url("**/invoices/**")
    screenshot(page, "billing-invoices")
    with scope(coop=world.home.pk):
        # The run caught up the earlier months of the enrolment too.
        invoice = Invoice.objects.get(household=household, month=billed.month)
        assert Invoice.objects.filter(household=household).count() >= 3
        assert Waiver.objects.filter(application=application).count() == 1
    page.click(f"text={invoice.number}")
    page.click("#pay")
    page.fill("input[name=amount]", "200")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#receipt")
    assert "R0000001" in page.inner_text("#receipt")
    screenshot(page, "billing-receipt")
    with scope(coop=world.home.pk):
        assert Payment.objects.get().amount_minor == 20000
    # This month so far (the dashboard shows complete months unless asked).
    page.goto(f"{live_server.url}/c/{slug}/funding/?since={billed.month}&until={billed.today}")
    page.wait_for_selector("#totals")
    assert page.locator("svg").count() >= 1
    screenshot(page, "sustainability")
    # The cooperative's row counts this month's cash and the fund's waiver.
    footer = page.locator("tfoot th")
    assert footer.nth(5).inner_text() == "₹200.00"  # collected
    assert footer.nth(6).inner_text() == "₹175.00"  # waived
