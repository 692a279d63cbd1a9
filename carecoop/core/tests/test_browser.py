"""Under the Content-Security-Policy, the htmx search, the language switcher and the charts work,
and the browser reports no violation; an inline script, the thing the policy forbids, is refused."""

import re
import time

import pytest
from playwright.sync_api import expect

from carecoop.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_pages_work_under_the_policy_with_no_violation(world, live_server, strict_phone):
    page = strict_phone
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)

    page.goto(f"{live_server.url}/accounts/login/?next=/c/home-coop/members/")
    page.fill("input[name=username]", "manager.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/c/home-coop/members/")
    assert _violations(page) == []

    # The htmx search: rows swapped in place, the address updated.
    rows = page.locator("#rows")
    expect(rows).to_contain_text("Parmar")
    page.fill("input#q", "vagh")
    expect(rows).not_to_contain_text("Parmar")
    expect(rows).to_contain_text("Vaghela")
    expect(page).to_have_url(re.compile(r"q=vagh"))
    assert _violations(page) == []

    # The language switcher sends its form from the static script, not an inline handler.
    page.select_option("select#language", "es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert _violations(page) == []

    # The server-drawn charts take their look from the stylesheet.
    page.goto(f"{live_server.url}/c/home-coop/funding/")
    chart = page.locator("svg.chart").first
    assert chart.evaluate("e => getComputedStyle(e).fontSize") == "11px"
    assert _violations(page) == []
    assert not [m for m in console if "Content Security Policy" in m]

    # The watch is real: an inline script is refused, and reported.
    ran = page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__inline = 1"; document.head.append(s);
                   return window.__inline === 1; }"""
    )
    assert ran is False
    deadline = time.monotonic() + 5
    while not _violations(page) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert [v.split()[0] for v in _violations(page)] == ["script-src-elem"]
