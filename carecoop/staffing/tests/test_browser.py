"""The day view on a phone: a facilitator sees where the room is short of carers, in words."""

import datetime

import pytest
from django_scopes import scope

from carecoop.browser import screenshot
from carecoop.staffing import services
from carecoop.staffing.tests.conftest import Staffed
from carecoop.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_day_view_shows_the_gap_on_a_phone(world, live_server, phone, today):
    with scope(coop=world.home.pk):
        staffed = Staffed(world, today)
        day = staffed.monday
        staffed.babies(10, day=day, start=datetime.time(9), end=datetime.time(12))
        for carer in (staffed.asha, staffed.bina):
            services.roster_entry_add(
                staff=carer,
                by=staffed.by,
                date=day,
                starts_at=datetime.time(9),
                ends_at=datetime.time(13),
                room=staffed.room,
            )
    path = f"/c/home-coop/staff/centres/{world.centre.pk}/day/?date={day.isoformat()}"
    page = phone
    page.goto(
        f"{live_server.url}/accounts/login/?next={path.replace('?', '%3F').replace('=', '%3D')}"
    )
    page.fill("input[name=username]", "facilitator.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/day/**")
    table = page.locator("#coverage")
    table.wait_for()
    first = table.locator("tbody tr").first
    assert first.locator("th").inner_text() == "09:00"
    room_cell = first.locator("td").first
    assert "2/4" in room_cell.inner_text()
    assert "below legal" in room_cell.inner_text()
    assert room_cell.get_attribute("data-status") == "legal"
    assert table.locator("td[data-status=legal]").count() == 12
    noon = table.locator("tbody tr").nth(6).locator("td").first
    assert noon.get_attribute("data-status") == "ok"
    # The page fits the phone's width; the table scrolls inside it.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1
    screenshot(page, "staffing-day")
