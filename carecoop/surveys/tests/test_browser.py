"""The care impact survey filled on a phone with no signal: the skip logic follows the answers
as they are typed, a wrong answer is said at once, and the finished submission waits in the
outbox until the connection is back, then is recorded once."""

import datetime

import pytest
from django_scopes import scope

from carecoop.browser import screenshot
from carecoop.surveys.models import Response, Round
from carecoop.surveys.services import (
    care_impact_ship,
    instance_id_new,
    response_record,
    round_save,
)
from carecoop.surveys.tests.conftest import respondents
from carecoop.surveys.tests.test_rounds import _answers
from carecoop.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_survey_filled_offline_is_sent_once_on_reconnection(world, live_server, phone):
    with scope(coop=world.home.pk):
        world.home.currency = "INR"
        version = care_impact_ship(coop=world.home, by=world.users["manager"])
        round_ = round_save(
            coop=world.home,
            by=world.users["manager"],
            version=version,
            name="Baseline",
            opens_on=datetime.date.today() - datetime.timedelta(days=3),
        )
        number = world.membership.number
    page = phone
    fill = f"/c/home-coop/surveys/rounds/{round_.pk}/fill/"
    page.goto(f"{live_server.url}/accounts/login/?next={fill}")
    page.fill("input[name=username]", "facilitator.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"**{fill}")
    page.wait_for_function("document.getElementById('outbox').dataset.count === '0'")
    page.wait_for_function("document.getElementById('survey').dataset.offlineReady === '1'")
    assert page.evaluate(WIDTH)
    page.context.set_offline(True)

    days = page.locator("[data-q=days_worked]")
    assert days.is_hidden()  # asked only once she agrees
    page.fill("input[name=member]", number)
    page.check("input[name=consent][value=yes]")
    assert days.is_visible()
    page.fill("input[name=days_worked]", "9")
    page.click("#survey button[type=submit]")
    assert "From 0 to 7 days." in days.inner_text()
    page.fill("input[name=days_worked]", "0")
    assert page.locator("[data-q=hours_worked]").is_hidden()  # no paid work: no hours asked
    page.fill("input[name=days_worked]", "5")
    page.fill("input[name=hours_worked]", "40")
    page.fill("input[name=income]", "250")
    page.check("input[name=income_period][value=day]")
    page.check("input[name=income_currency][value=INR]")
    page.check("input[name=child_carer][value=centre]")
    page.fill("input[name=unpaid_care_hours]", "3")
    page.check("input[name=public_services][value=yes]")
    page.check("input[name=insurance][value=no]")
    page.click("[data-add]")  # a second person who lives with her
    page.fill("input[name='household_member.1.member_age']", "34")
    page.check("input[name='household_member.1.member_sex'][value=male]")
    page.fill("input[name='household_member.2.member_age']", "7")
    page.check("input[name='household_member.2.member_sex'][value=female]")
    page.click("#survey button[type=submit]")
    page.wait_for_function("document.getElementById('outbox').dataset.count === '1'")
    screenshot(page, "survey-offline")
    with scope(coop=world.home.pk):
        assert not Response.objects.exists()  # nothing reached the server

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('outbox').dataset.count === '0'")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # sent again: nothing more
    with scope(coop=world.home.pk):
        (response,) = Response.objects.filter(round=Round.objects.get(pk=round_.pk))
    assert response.respondent_id == world.person.pk
    assert response.answers["days_worked"] == 5 and response.answers["monthly_income"] == 5417
    assert [m["member_age"] for m in response.answers["household_member"]] == [34, 7]
    assert "member_works" not in response.answers["household_member"][1]  # under ten: not asked


def test_the_figures_fit_a_phone_in_arabic_with_bars_from_the_right(world, live_server, phone):
    by = world.users["manager"]
    with scope(coop=world.home.pk):
        world.home.currency = "INR"
        version = care_impact_ship(coop=world.home, by=by)
        round_ = round_save(
            coop=world.home,
            by=by,
            version=version,
            name="Baseline",
            opens_on=datetime.date.today() - datetime.timedelta(days=3),
        )
        people = respondents(world, 12)
        for number, person in enumerate(people):
            response_record(
                round_=round_,
                by=by,
                respondent=person,
                instance_id=instance_id_new(),
                given=_answers(3 + number % 3, insurance="yes" if number % 2 else "no"),
            )
        indicator = round_.survey.indicators.get(code="insurance")
    page = phone
    page.goto(f"{live_server.url}/accounts/login/?next=/c/home-coop/surveys/")
    page.fill("input[name=username]", "manager.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/surveys/")
    page.select_option("select#language", "ar")
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    for path in (
        f"/c/home-coop/surveys/rounds/{round_.pk}/",
        f"/c/home-coop/surveys/indicators/{indicator.pk}/?round={round_.pk}",
        f"/c/home-coop/surveys/rounds/{round_.pk}/fill/",
    ):
        page.goto(live_server.url + path)
        assert page.evaluate(WIDTH), path
    screenshot(page, "survey-form-ar")
    page.goto(f"{live_server.url}/c/home-coop/surveys/indicators/{indicator.pk}/?round={round_.pk}")
    screenshot(page, "survey-indicator-ar")
    # Everyone's bar grows from the right edge (zero at 320) to the left.
    bar = page.locator(".chart svg rect").first
    x, width = float(bar.get_attribute("x")), float(bar.get_attribute("width"))
    assert width > 0 and abs(x + width - 320) < 0.5
