"""Who sees which family: the manager every family, a member her own household only (another's
page answers 404), the board, the treasurer, the auditors and the facilitators no family (403);
the board and the auditors read the counts. The manager records a step through the pages, a
bad one refused with its reason; another cooperative's rows are never reached."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from carecoop.protection.models import SchemeStep
from carecoop.protection.tests.factories import member_households, scheme, steps
from carecoop.testing import ROUTE_MODELS

pytestmark = pytest.mark.django_db

BASE = "/c/home-coop/protection/"
D = datetime.date(2025, 3, 1)


@pytest.fixture
def recorded(world):
    """Hansa's household (the member's) applied to Seguro; Kokila's is enrolled."""
    with scope(coop=world.home.pk):
        seguro = scheme(world.home, "Seguro")
        own = world.person.household
        theirs = world.elsewhere.person.household
        steps(own, seguro, ("applied", D))
        steps(theirs, seguro, ("enrolled", D))
    return world, seguro, own, theirs


def _household(pk):
    return f"{BASE}households/{pk}/"


def test_the_manager_sees_every_family(recorded):
    world, _seguro, own, theirs = recorded
    client = world.client("manager")
    page = client.get(BASE).content.decode()
    assert own.name in page and theirs.name in page
    assert "Kokila" in client.get(_household(theirs.pk)).content.decode()


def test_a_member_sees_her_own_household_only(recorded):
    world, _seguro, own, theirs = recorded
    client = world.client("member")
    page = client.get(BASE).content.decode()
    assert own.name in page and theirs.name not in page
    mine = client.get(_household(own.pk))
    assert mine.status_code == 200
    body = mine.content.decode()
    assert "Seguro" in body and "Applied" in body
    assert 'name="status"' not in body  # no form to record a step
    assert client.get(_household(theirs.pk)).status_code == 404
    assert client.get(f"{BASE}steps/new/").status_code == 403
    assert client.get(f"{BASE}indicators/").status_code == 403


@pytest.mark.parametrize("role", ["board", "treasurer", "auditor", "facilitator"])
def test_the_office_sees_no_family(recorded, role):
    world, _seguro, own, _theirs = recorded
    client = world.client(role)
    assert client.get(BASE).status_code == 403
    assert client.get(_household(own.pk)).status_code == 403
    assert client.get(f"{BASE}schemes/").status_code == 403


@pytest.mark.parametrize(("role", "status"), [("board", 200), ("auditor", 200), ("treasurer", 403)])
def test_the_board_and_the_auditors_read_the_counts_without_a_name(recorded, role, status):
    world, _seguro, own, theirs = recorded
    answer = world.client(role).get(f"{BASE}indicators/?on=2025-06-30")
    assert answer.status_code == status
    body = answer.content.decode()
    assert own.name not in body and theirs.name not in body
    if status == 200:
        assert "Seguro" in body and f'href="{BASE}"' not in body


def test_the_manager_records_a_step_on_the_page(recorded):
    world, seguro, own, _theirs = recorded
    client = world.client("manager")
    form = client.get(_household(own.pk)).content.decode()
    assert f'value="{own.pk}" checked' in form  # the household chosen already
    sent = {"household": own.pk, "scheme": seguro.pk, "status": "enrolled", "on": "2025-03-20"}
    answer = client.post(f"{BASE}steps/new/", {**sent, "helped_by": "Ramila"})
    assert answer.status_code == 302 and answer["Location"] == _household(own.pk)
    with scope(coop=world.home.pk):
        step = SchemeStep.objects.filter(household=own).latest("on", "pk")
        assert (step.status, step.helped_by, step.recorded_by) == (
            "enrolled",
            "Ramila",
            world.users["manager"],
        )


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"on": "2999-01-01"}, "This date is in the future."),
        ({"on": "2025-02-01"}, "in the order they happened"),
        ({"status": "refused", "on": "2025-03-02", "household": "OTHER"}, "a valid choice"),
        ({"on": "not a day"}, "Enter a valid date."),
        ({"status": "won"}, "a valid choice"),
        ({"status": "applied"}, "This cannot follow the family"),
    ],
)
def test_a_bad_step_is_refused_with_its_reason(recorded, changed, message):
    world, seguro, own, _theirs = recorded
    sent = {"household": own.pk, "scheme": seguro.pk, "status": "enrolled", "on": "2025-03-20"}
    sent.update(changed)
    if sent["household"] == "OTHER":
        sent["household"] = world.other_household.pk
    answer = world.client("manager").post(f"{BASE}steps/new/", sent)
    assert answer.status_code == 200
    assert message in answer.content.decode()
    with scope(coop=world.home.pk):
        assert SchemeStep.objects.count() == 2


def test_the_manager_finds_a_family_with_the_search_picker(recorded):
    world, _seguro, own, _theirs = recorded
    client = world.client("manager")
    found = client.get(BASE, {"_pick": "household", "household-q": "Hansa"}).content.decode()
    assert f'name="household" value="{own.pk}"' in found and '<select name="household"' not in found
    answer = client.get(BASE, {"household": own.pk})
    assert answer.status_code == 302 and answer["Location"] == _household(own.pk)
    refused = client.get(BASE, {"household": world.other_household.pk})
    assert refused.status_code == 200 and "Secretname" not in refused.content.decode()


def test_a_mistaken_step_is_taken_back(recorded):
    world, _seguro, own, _theirs = recorded
    with scope(coop=world.home.pk):
        (step,) = SchemeStep.objects.filter(household=own)
    client = world.client("manager")
    assert client.get(f"{BASE}steps/{step.pk}/remove/").status_code == 405
    assert world.client("member").post(f"{BASE}steps/{step.pk}/remove/").status_code == 403
    answer = client.post(f"{BASE}steps/{step.pk}/remove/")
    assert answer.status_code == 302
    with scope(coop=world.home.pk):
        assert not SchemeStep.objects.filter(household=own).exists()


def test_the_manager_adds_and_renames_a_scheme(world):
    client = world.client("manager")
    answer = client.post(f"{BASE}schemes/new/", {"name": "e-Shram", "kind": "registration"})
    assert answer.status_code == 302
    assert "e-Shram" in client.get(f"{BASE}schemes/").content.decode()
    again = client.post(f"{BASE}schemes/new/", {"name": "E-SHRAM", "kind": "registration"})
    assert "A scheme with this name already exists." in again.content.decode()
    assert world.client("member").get(f"{BASE}schemes/new/").status_code == 403


def test_another_cooperative_s_rows_answer_404(world):
    client = world.client("manager")
    for url in (
        _household(world.other_household.pk),
        f"{BASE}schemes/{world.other_scheme.pk}/",
    ):
        answer = client.get(url)
        assert answer.status_code == 404 and "Secret" not in answer.content.decode()
    assert client.post(f"{BASE}steps/{world.other_scheme_step.pk}/remove/").status_code == 404
    routes = {r for r, model in ROUTE_MODELS.items() if r.startswith("c/<slug:coop>/protection/")}
    assert len(routes) == 3  # and the walk of every route (core/tests/test_url_walk.py) has them


def test_the_list_does_not_grow_its_queries_with_its_rows(recorded):
    world, seguro, *_rest = recorded
    client = world.client("manager")
    client.get(BASE)
    with CaptureQueriesContext(connection) as before:
        client.get(BASE)
    with scope(coop=world.home.pk):
        for home in member_households(world.home, world.member_class, 6):
            steps(home, seguro, ("applied", D), ("enrolled", D))
    with CaptureQueriesContext(connection) as after:
        page = client.get(BASE)
    assert page.content.decode().count("/protection/households/") >= 14
    assert len(after) == len(before)
