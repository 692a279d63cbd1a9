"""The attendance page on a phone with no signal: records wait in the outbox and sync once."""

import datetime

import pytest
from django_scopes import scope

from carecoop.browser import screenshot
from carecoop.care import services
from carecoop.care.models import Attendance, SyncOperation
from carecoop.testing import PASSWORD, make_child

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attendance_offline_then_synced(world, live_server, phone, today):
    with scope(coop=world.home.pk):
        world.centre.licensed_capacity = 30
        world.centre.save()
        room = services.room_create(
            centre=world.centre,
            by=None,
            name="Little ones",
            min_age_months=0,
            max_age_months=72,
            capacity=10,
        )
        children = [
            make_child(world.person, name, today - datetime.timedelta(days=days))
            for name, days in [("Diya", 800), ("Krish", 1200)]
        ]
        for child in children:
            services.enrolment_create(
                child=child, room=room, starts_on=today - datetime.timedelta(days=5), by=None
            )
    page = phone
    page.goto(
        f"{live_server.url}/accounts/login/?next=/c/home-coop/centres/{world.centre.pk}/attendance/"
    )
    page.fill("input[name=username]", "facilitator.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/attendance/")
    page.wait_for_function("document.getElementById('outbox').dataset.count === '0'")
    page.wait_for_function("document.getElementById('sheet').dataset.offlineReady === '1'")
    page.context.set_offline(True)
    # The page and its files are kept for use without a connection (the service worker answers
    # from this cache; Playwright's offline mode does not reach service workers, so a reload
    # cannot prove it here).
    kept = page.evaluate(
        "caches.match(location.href, {ignoreVary: true}).then(r => r ? r.text() : '')"
    )
    assert f'data-child="{children[0].pk}"' in kept
    first = page.locator(f"[data-child='{children[0].pk}']")
    second = page.locator(f"[data-child='{children[1].pk}']")
    first.locator("button[data-kind=check_in]").click()
    second.locator("button[data-kind=check_in]").click()
    first.locator("button[data-kind=check_out]").click()
    page.wait_for_function("document.getElementById('outbox').dataset.count === '3'")
    screenshot(page, "attendance-offline")
    with scope(coop=world.home.pk):
        assert Attendance.objects.count() == 0  # Nothing reached the server.

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('outbox').dataset.count === '0'")
    screenshot(page, "attendance-synced")
    with scope(coop=world.home.pk):
        records = {a.child_id: a for a in Attendance.objects.all()}
        assert set(records) == {children[0].pk, children[1].pk}
        assert records[children[0].pk].checked_out_at is not None
        assert records[children[0].pk].collected_by == world.person.full_name
        assert records[children[1].pk].checked_out_at is None
        assert SyncOperation.objects.filter(status="applied").count() == 3


WIDTH = "document.documentElement.scrollWidth <= window.innerWidth"


def test_waitlist_reasons_and_release_date_fit_a_phone(world, live_server, phone, today):
    with scope(coop=world.home.pk):
        by = world.users["manager"]
        services.centre_update(centre=world.centre, by=by, licensed_capacity=6)
        room = services.room_create(
            centre=world.centre,
            by=by,
            name="Toddlers",
            min_age_months=24,
            max_age_months=72,
            capacity=6,
        )
        services.pool_create(
            centre=world.centre,
            by=by,
            name="Children of the waste pickers' association members",
            places=4,
            member_classes=[world.member_class],
            release_on=today + datetime.timedelta(days=100),
        )
        community = services.pool_create(centre=world.centre, by=by, name="Community", places=2)
        for i in range(2):
            kid = make_child(world.person, f"Kid{i}", today - datetime.timedelta(days=1000))
            services.enrolment_create(child=kid, room=room, pool=community, starts_on=today, by=by)
        baby = make_child(world.person, "Om", today - datetime.timedelta(days=100))
        other = make_child(world.person, "Diya", today - datetime.timedelta(days=1100))
        for child, days in [(baby, 90), (other, 0)]:
            services.application_submit(
                child=child,
                centre=world.centre,
                by=by,
                wanted_from=today,
                applied_on=today - datetime.timedelta(days=days),
            )
    page = phone
    base = f"/c/home-coop/centres/{world.centre.pk}"
    page.goto(f"{live_server.url}/accounts/login/?next={base}/waitlist/")
    page.fill("input[name=username]", "manager.home")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/waitlist/")
    assert "Skipped:" in page.content()
    assert page.evaluate(WIDTH)
    screenshot(page, "waitlist-reasons")
    page.goto(f"{live_server.url}{base}/")
    assert page.evaluate(WIDTH)
    screenshot(page, "centre-pools")
    page.click("text=Change >> nth=0")
    page.wait_for_url("**/pools/*/")
    assert page.evaluate(WIDTH)
    page.fill("input[name=release_on]", (today + datetime.timedelta(days=10)).isoformat())
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"**{base}/")
    screenshot(page, "pool-release-saved")
