"""On a phone: the operator sets up a cooperative from a kind; its first manager chooses her
password with the link, imports the members from a spreadsheet with one bad row, fixes it, and
downloads the member register."""

import pytest

from carecoop.browser import import_with_a_bad_row_then_download, screenshot
from carecoop.testing import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_up_a_cooperative_then_bring_its_members_in(world, live_server, phone, tmp_path):
    make_user("operator", is_superuser=True, is_staff=True)
    page = phone
    page.goto(f"{live_server.url}/accounts/login/?next=/setup/")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/setup/")
    for name, value in {
        "name": "Shakti Creches of Vadodara",
        "slug": "shakti-vadodara",
        "country": "IN",
        "city": "Vadodara",
        "currency": "INR",
        "languages": "en,gu",
        "time_zone": "Asia/Kolkata",
        "manager_username": "hansa.manager",
    }.items():
        page.fill(f"[name={name}]", value)
    page.check("input[name=kind][value=union-creches]")
    page.select_option("select[name=ilo_type]", "user")
    screenshot(page, "setup-form")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("code.secret")
    link = page.inner_text("code.secret")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "setup-done")

    # The first manager, on her own phone.
    page.context.clear_cookies()
    page.goto(link)
    page.fill("input[name=new_password1]", "Hansa chooses a long password 2026")
    page.fill("input[name=new_password2]", "Hansa chooses a long password 2026")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/accounts/login/**")
    page.goto(f"{live_server.url}/accounts/login/?next=/c/shakti-vadodara/members/")
    page.fill("input[name=username]", "hansa.manager")
    page.fill("input[name=password]", "Hansa chooses a long password 2026")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/c/shakti-vadodara/members/")
    import_with_a_bad_row_then_download(page, "Union member", tmp_path)
