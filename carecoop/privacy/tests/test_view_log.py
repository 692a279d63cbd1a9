"""Viewing a child's health record or a member's sensitive fields leaves a row the manager sees."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from carecoop.members.models import Seen, ViewLog
from carecoop.members.services import view_log_record
from carecoop.members.tests.factories import MembershipFactory
from carecoop.testing import make_child

pytestmark = pytest.mark.django_db


def _log(world, **filters):
    with scopes_disabled():
        return list(ViewLog.objects.filter(**filters).values_list("viewer__username", "seen"))


def test_the_manager_viewing_a_member_record_is_logged_once_a_minute(world):
    client = world.client("manager")
    url = f"/c/home-coop/members/{world.person.pk}/"
    # Both looks within one minute of the clock: not in its last seconds, where the second
    # look could fall in the next minute and be logged apart, as it should.
    second = timezone.now().second
    if second >= 55:
        time.sleep(61 - second)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert _log(world, person=world.person) == [("manager.home", Seen.SENSITIVE)]


def test_a_facilitator_seeing_a_phone_is_logged(world):
    assert world.client("facilitator").get(f"/c/home-coop/members/{world.person.pk}/").status_code
    assert _log(world, person=world.person) == [("facilitator.home", Seen.PHONE)]


def test_a_page_without_sensitive_fields_writes_nothing(world):
    # An auditor sees the registry but neither phones nor sensitive fields.
    assert (
        world.client("auditor").get(f"/c/home-coop/members/{world.person.pk}/").status_code == 200
    )
    assert _log(world) == []


def test_viewing_a_childs_health_record_is_logged(world):
    with scope(coop=world.home.pk):
        child = make_child(world.person, "Diya", datetime.date(2024, 3, 1))
    response = world.client("member").get(f"/c/home-coop/health/children/{child.pk}/")
    assert response.status_code == 200
    assert _log(world, person=child) == [("member.home", Seen.HEALTH)]


def test_the_manager_sees_the_log_and_each_persons_part(world):
    world.client("facilitator").get(f"/c/home-coop/members/{world.person.pk}/")
    client = world.client("manager")
    body = client.get("/c/home-coop/privacy/views/").content.decode()
    assert "facilitator.home" in body and world.person.full_name in body
    own = client.get(f"/c/home-coop/privacy/people/{world.elsewhere.person_id}/views/")
    assert own.status_code == 200
    assert "facilitator.home" not in own.content.decode()


@pytest.mark.parametrize("role", ["board", "treasurer", "facilitator", "member", "auditor"])
def test_other_roles_are_refused_the_log(world, role):
    client = world.client(role)
    assert client.get("/c/home-coop/privacy/views/").status_code == 403
    assert client.get(f"/c/home-coop/privacy/people/{world.person.pk}/views/").status_code == 403


@pytest.mark.parametrize("role", ["analyst", "outsider"])
def test_people_outside_the_cooperative_get_404(world, role):
    assert world.client(role).get("/c/home-coop/privacy/views/").status_code == 404


def test_another_cooperatives_log_is_never_shown(world):
    world.client("outsider").get(f"/c/other-coop/members/{world.other_person.pk}/")
    assert _log(world, coop=world.other) == [("manager.other", Seen.SENSITIVE)]
    client = world.client("manager")
    body = client.get("/c/home-coop/privacy/views/").content.decode()
    assert "manager.other" not in body and "Zenobia" not in body
    assert client.get("/c/other-coop/privacy/views/").status_code == 404
    other = client.get(f"/c/home-coop/privacy/people/{world.other_person.pk}/views/")
    assert other.status_code == 404


def test_the_log_page_does_not_grow_with_its_rows(world):
    client = world.client("manager")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/c/home-coop/privacy/views/").status_code == 200
        return len(captured)

    with scope(coop=world.home.pk):
        view_log_record(
            coop_id=world.home.pk,
            viewer=world.users["board"],
            person_id=world.person.pk,
            seen=Seen.PHONE,
        )
    few = queries()
    with scope(coop=world.home.pk):
        for n in range(40):
            person = MembershipFactory(coop=world.home, member_class=world.member_class).person
            view_log_record(
                coop_id=world.home.pk,
                viewer=world.users[("board", "treasurer")[n % 2]],
                person_id=person.pk,
                seen=Seen.HEALTH,
            )
    assert queries() == few
    body = client.get("/c/home-coop/privacy/views/?page=2").content.decode()
    assert 'rel="prev"' in body


def test_a_childs_care_page_with_her_allergies_and_notes_is_logged(world):
    with scope(coop=world.home.pk):
        child = make_child(world.person, "Diya", datetime.date(2024, 3, 1))
    response = world.client("manager").get(f"/c/home-coop/centres/children/{child.pk}/")
    assert response.status_code == 200
    assert _log(world, person=child) == [("manager.home", Seen.HEALTH)]
