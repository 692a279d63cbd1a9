"""The API's pages on a 360-pixel phone, in Arabic (right to left): a token and a provider's
secret, shown once, and the documentation fit the screen."""

import pytest

from carecoop.browser import screenshot
from carecoop.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_tokens_providers_and_the_documentation_fit_a_phone(world, live_server, phone):
    page = phone
    page.goto(f"{live_server.url}/accounts/login/?next=/c/home-coop/")
    page.fill("input[name=username]", "manager.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/c/home-coop/")
    page.select_option("select#language", "ar")
    page.wait_for_function("document.documentElement.dir === 'rtl'")

    page.click("a[href$='/api/tokens/']")
    page.fill("input[name=name]", "تطبيق الاستبيان")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("code.secret")
    assert page.inner_text("code.secret").startswith("cc_")
    assert _fits(page)
    screenshot(page, "api-token-ar")

    page.goto(f"{live_server.url}/c/home-coop/billing/providers/")
    page.fill("input[name=name]", "upi-pay")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("code.secret")
    assert "/payments/notify/upi-pay" in page.inner_text("main")
    assert _fits(page)
    screenshot(page, "payment-providers-ar")

    page.goto(f"{live_server.url}/api/v1/docs")
    assert "/api/v1/c/{coop}/members" in page.inner_text("main")
    assert _fits(page)
