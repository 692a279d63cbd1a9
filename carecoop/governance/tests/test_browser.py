"""A small general assembly end to end in a browser: convocation, attendance, quorum, a secret
vote by code on a phone-sized screen without an account, and the minutes."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from carecoop.browser import screenshot
from carecoop.governance.models import Attendee, BallotEntry, Meeting, Question
from carecoop.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_general_assembly_end_to_end(assembly, world, live_server, phone, chromium):
    base = f"{live_server.url}/c/home-coop/governance/"
    page = phone
    page.goto(f"{live_server.url}/accounts/login/?next=/c/home-coop/governance/meetings/new/")
    page.fill("input[name=username]", "manager.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/meetings/new/")

    # Convocation: the first call a few minutes ago, notice given three weeks before.
    starts = timezone.localtime() - datetime.timedelta(minutes=2)
    page.select_option("select[name=body]", str(assembly.assembly.pk))
    page.fill("input[name=title]", "Annual general assembly")
    page.fill("input[name=first_call_at]", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=notice_on]", (starts.date() - datetime.timedelta(days=21)).isoformat())
    page.fill("input[name=place]", "Community hall")
    page.fill("textarea[name=agenda]", "Accounts\nPurchase of a van")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#attendance")
    with scope(coop=world.home.pk):
        meeting = Meeting.objects.get()
    assert f"/meetings/{meeting.pk}/" in page.url

    # Attendance: six of the ten voting members.
    for member in assembly.voters[:6]:
        # The member picker: typing searches (htmx), a result is a radio.
        page.fill(
            "#attendance input[name=membership-q]", f"{member.person.full_name} {member.number}"
        )
        page.check(f"#attendance input[name=membership][value='{member.pk}']")
        page.select_option("#attendance select[name=presence]", "present")
        page.click("#attendance button[type=submit]:not([name=_pick])")
        page.wait_for_selector("p.msg")
    page.click("#open-meeting")
    page.wait_for_selector("text=The meeting is in session.")

    # A motion by secret ballot.
    page.goto(f"{base}meetings/{meeting.pk}/motions/new/")
    page.fill("input[name=title]", "Purchase of a van")
    page.select_option("select[name=method]", "secret")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#open-vote")
    page.click("#open-vote")
    page.wait_for_selector("#issue-codes")
    page.click("#issue-codes")
    page.wait_for_selector("#codes")
    codes = page.locator("#codes code").all_inner_texts()
    assert len(codes) == 6
    screenshot(page, "governance-codes")
    question_url = page.url.replace("codes/", "")

    # Each member votes on a phone without an account: three care workers and one parent for,
    # one of each against. Weighted 50 % / 50 %: 37.5 + 25 = 62.5 % for.
    voter = page.context.browser.new_context(viewport={"width": 360, "height": 740})
    ballot = voter.new_page()
    for i, code in enumerate(codes):
        ballot.goto(f"{base}vote/")
        ballot.fill("input[name=code]", code)
        ballot.click("form.card button[type=submit]")
        ballot.wait_for_selector("#ballot")
        if i == 0:
            screenshot(ballot, "governance-ballot-phone")
        ballot.check("text=For" if i in (0, 1, 2, 4) else "text=Against")
        ballot.click("#ballot button[type=submit]")
        ballot.wait_for_selector("#voted")
    # The same code again is refused.
    ballot.goto(f"{base}vote/")
    ballot.fill("input[name=code]", codes[0])
    ballot.click("form.card button[type=submit]")
    ballot.wait_for_selector("text=This code has already been used to vote.")
    voter.close()

    page.goto(question_url)
    page.click("#close-vote")
    page.wait_for_selector("text=Voting is closed and counted.")
    page.goto(f"{base}meetings/{meeting.pk}/")
    page.click("#close-meeting")
    page.wait_for_selector("text=The meeting is closed.")
    page.goto(f"{base}meetings/{meeting.pk}/minutes/")
    minutes = page.inner_text("article.minutes")
    screenshot(page, "governance-minutes")
    assert "quorum met with 6 of 10" in minutes
    assert "Purchase of a van" in minutes and "Carried" in minutes and "62.5% for" in minutes
    with scope(coop=world.home.pk):
        assert BallotEntry.objects.count() == 6
        assert Question.objects.get().carried


def test_many_members_recorded_present_on_a_phone(assembly, world, live_server, phone):
    """Ticking several members found by a search, then typing member numbers from the printed
    register: both fit a 360 px screen."""
    with scope(coop=world.home.pk):
        meeting = assembly.meeting()
        ticked = assembly.parents[:2]
        typed = assembly.parents[2:5]
        search = ticked[0].person.family_name
    base = f"{live_server.url}/c/home-coop/governance/meetings/{meeting.pk}/"
    page = phone
    page.goto(f"{live_server.url}/accounts/login/?next=/c/home-coop/governance/")
    page.fill("input[name=username]", "manager.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/governance/")

    page.goto(base)
    page.fill("#find-q", search)
    page.click("#find-many")
    page.wait_for_selector(f"input[name=members][value='{ticked[0].pk}']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "governance-present-many-phone")
    page.check(f"input[name=members][value='{ticked[0].pk}']")
    page.click("#record-present")
    page.wait_for_selector("text=1 member recorded present.")
    assert page.locator(f"input[name=members][value='{ticked[0].pk}']").count() == 0

    page.click("#register-link")
    page.wait_for_selector("#numbers")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("textarea[name=numbers]", ", ".join(m.number for m in typed) + "\n9999")
    page.click("#record-numbers")
    page.wait_for_selector("text=Number 9999: no such member.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("textarea[name=numbers]", "\n".join(m.number for m in typed))
    page.click("#record-numbers")
    page.wait_for_selector("text=3 members recorded present.")
    screenshot(page, "governance-register-phone")
    with scope(coop=world.home.pk):
        assert Attendee.objects.filter(meeting=meeting, presence="present").count() == 4
