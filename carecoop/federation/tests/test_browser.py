"""The federation's statistics on a phone, in Arabic: every page fits 360 px, its bars grow from
the right, and its tables become cards."""

import datetime

import pytest
from django_scopes import scope

from carecoop.browser import screenshot
from carecoop.federation.services import statistics_count
from carecoop.members.tests.factories import MembershipFactory
from carecoop.tenancy.services import affiliation_create
from carecoop.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_statistics_fit_a_phone_in_arabic(world, live_server, phone):
    affiliation_create(
        member=world.home, parent=world.federation, started_on=datetime.date(2020, 1, 1)
    )
    affiliation_create(
        member=world.other, parent=world.federation, started_on=datetime.date(2020, 1, 1)
    )
    with scope(coop=world.home.pk):
        for i in range(12):
            MembershipFactory(
                coop=world.home,
                member_class=world.member_class,
                person__sex="female" if i % 3 else "male",
            )
    statistics_count()
    page = phone
    start = "/f/the-network/"
    page.goto(f"{live_server.url}/accounts/login/?next={start}")
    page.fill("input[name=username]", "analyst.network")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"**{start}")
    page.select_option("select#language", "ar")
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    for address in (
        start,
        f"{start}members/?element=CC_MEMBERS_SEX",
        f"{start}work/",
        f"{start}care/",
        f"{start}care/{world.home.slug}/",
        f"{start}money/",
    ):
        page.goto(f"{live_server.url}{address}")
        assert page.evaluate(WIDTH), address
    page.goto(f"{live_server.url}{start}members/?element=CC_MEMBERS_SEX")
    screenshot(page, "federation-members-ar")
    # Bars start at the right edge and grow leftwards.
    bars = page.locator("figure svg rect:not(.legend)")
    drawn = [
        (float(b.get_attribute("x")), float(b.get_attribute("width")))
        for b in bars.all()
        if float(b.get_attribute("width")) > 0
    ]
    assert drawn
    for x, width in drawn:
        assert x + width == pytest.approx(360 - 110, abs=1)
