"""Signs in, switches to Arabic, checks the page reads right to left, adds a member, finds them;
imports a register from a spreadsheet and downloads it."""

import pytest

from carecoop.browser import import_with_a_bad_row_then_download, screenshot
from carecoop.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page, live_server):
    """The manager, signed in, on the member list."""
    page.goto(f"{live_server.url}/accounts/login/?next=/c/home-coop/members/")
    page.fill("input[name=username]", "manager.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/c/home-coop/members/")
    return page


def test_sign_in_switch_to_arabic_add_a_member_and_find_them(world, live_server, phone):
    page = _signed_in(phone, live_server)
    assert page.locator("html").get_attribute("dir") == "ltr"

    page.select_option("select#language", "ar")
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    assert page.locator("html").get_attribute("lang") == "ar"
    # Logical properties mirror the layout: the table's text starts on the right.
    align = page.eval_on_selector("th", "e => getComputedStyle(e).textAlign")
    assert align == "start"
    direction = page.eval_on_selector("main", "e => getComputedStyle(e).direction")
    assert direction == "rtl"
    screenshot(page, "members-list-ar")

    page.click("a.button[href$='/members/new/']")
    page.fill("input[name=given_name]", "Layla")
    page.fill("input[name=family_name]", "Haddad")
    page.fill("input[name=date_of_birth]", "1992-07-14")
    page.select_option("select[name=member_class]", str(world.member_class.pk))
    page.fill("input[name=phone]", "+91 98250 33333")
    screenshot(page, "member-new-ar")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/c/home-coop/members/*/")
    assert "Haddad" in page.inner_text("h1")
    screenshot(page, "member-detail-ar")

    page.goto(f"{live_server.url}/c/home-coop/members/")
    page.fill("input#q", "hadd")
    page.wait_for_function("!document.querySelector('#rows').innerText.includes('Parmar')")
    assert "Haddad" in page.inner_text("#rows")
    assert "q=hadd" in page.url  # The search is in the address, so it can be shared or reloaded.
    screenshot(page, "members-search-ar")


def test_import_a_register_with_a_bad_row_fix_it_then_download_the_register(
    world, live_server, phone, tmp_path
):
    """On a phone: the template is downloaded and filled in, a bad date is named by its row and
    column and nothing is imported, the corrected file is previewed and imported, and the
    register downloads with the new members in it."""
    page = _signed_in(phone, live_server)
    import_with_a_bad_row_then_download(page, world.member_class.name, tmp_path)
