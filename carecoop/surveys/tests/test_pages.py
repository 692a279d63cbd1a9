"""The survey pages: the manager takes the care impact survey and opens rounds; a facilitator
interviews her centres' members (the form sent to the page, or an outbox sent to the API, each
submission once); the report and the indicators' charts say what the answers say, and no page
shows one member's answers to a role that may not read them."""

import datetime
import io
import json
import uuid
import zipfile

import pytest
from django_scopes import scope

from carecoop.surveys.models import Response, Round, Survey
from carecoop.surveys.tests.conftest import OPENED
from carecoop.surveys.tests.test_rounds import _answers

pytestmark = pytest.mark.django_db

SURVEYS = "/c/home-coop/surveys/"
SYNC = "/api/v1/c/home-coop/surveys/sync"


@pytest.fixture
def round_(world):
    manager = world.client("manager")
    assert manager.post(SURVEYS + "care-impact/").status_code == 302
    with scope(coop=world.home.pk):
        survey = Survey.objects.get(coop=world.home, code="care_impact")
        version = survey.versions.get()
    made = manager.post(
        f"{SURVEYS}{survey.pk}/rounds/new/",
        {"name": "Baseline", "version": version.pk, "opens_on": OPENED.isoformat()},
    )
    assert made.status_code == 302, made.content.decode()[:2000]
    with scope(coop=world.home.pk):
        return Round.objects.get(coop=world.home, survey=survey)


def _number(world, membership):
    with scope(coop=world.home.pk):
        return type(membership).objects.get(pk=membership.pk).number


def test_a_facilitator_interviews_a_member_of_her_centre_once(world, round_):
    facilitator = world.client("facilitator")
    fill = f"{SURVEYS}rounds/{round_.pk}/fill/"
    page = facilitator.get(fill)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="days_worked"' in text and "data-trees=" in text
    instance_id = f"uuid:{uuid.uuid4()}"
    posted = _answers(4) | {"member": _number(world, world.membership), "instance_id": instance_id}
    assert facilitator.post(fill, posted).status_code == 302
    assert facilitator.post(fill, posted).status_code == 302  # sent twice: recorded once
    # Kokila's household is at the other centre, which is not the facilitator's.
    elsewhere = _answers(4) | {
        "member": _number(world, world.elsewhere),
        "instance_id": f"uuid:{uuid.uuid4()}",
    }
    refused = facilitator.post(fill, elsewhere)
    assert refused.status_code == 200 and "No member you may interview" in refused.content.decode()
    wrong = facilitator.post(
        fill,
        _answers(12)
        | {"member": _number(world, world.membership), "instance_id": f"uuid:{uuid.uuid4()}"},
    )
    assert wrong.status_code == 200 and "From 0 to 7 days." in wrong.content.decode()
    with scope(coop=world.home.pk):
        assert Response.objects.filter(round=round_).count() == 1


def test_an_outbox_is_recorded_once_and_each_refusal_said(world, round_):
    facilitator = world.client("facilitator")
    good = {
        "instance_id": f"uuid:{uuid.uuid4()}",
        "round": round_.pk,
        "member": _number(world, world.membership),
        "answered_on": datetime.date.today().isoformat(),
        "answers": _answers(5),
    }
    unreadable = {"submissions": [good, "nonsense"]}
    assert (
        facilitator.post(SYNC, json.dumps(unreadable), content_type="application/json").status_code
        == 422
    )
    body = {
        "submissions": [
            good,
            good,
            {"instance_id": "x"},
            good | {"answers": []},
            good | {"round": 2**70},
        ]
    }
    sent = facilitator.post(SYNC, json.dumps(body), content_type="application/json")
    assert sent.status_code == 200, sent.content
    statuses = [r["status"] for r in sent.json()["results"]]
    assert statuses == ["recorded", "duplicate", "rejected", "rejected", "rejected"]
    again = facilitator.post(
        SYNC, json.dumps({"submissions": [good]}), content_type="application/json"
    )
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"]
    with scope(coop=world.home.pk):
        assert Response.objects.filter(round=round_).count() == 1


def test_the_report_shows_figures_and_no_one(world, round_):
    manager = world.client("manager")
    report = manager.get(f"{SURVEYS}rounds/{round_.pk}/")
    assert report.status_code == 200
    assert "No answers yet." in report.content.decode()
    with scope(coop=world.home.pk):
        indicator = round_.survey.indicators.get(code="insurance")
    page = manager.get(f"{SURVEYS}indicators/{indicator.pk}/?round={round_.pk}")
    assert page.status_code == 200
    for role in ("board", "auditor"):
        assert world.client(role).get(f"{SURVEYS}rounds/{round_.pk}/").status_code == 200
        assert world.client(role).get(f"{SURVEYS}rounds/{round_.pk}/fill/").status_code == 403
    assert world.client("member").get(f"{SURVEYS}rounds/{round_.pk}/").status_code == 403


def test_figures_and_the_data_package_hold_figures_and_no_one(world, round_):
    facilitator = world.client("facilitator")
    fill = f"{SURVEYS}rounds/{round_.pk}/fill/"
    posted = _answers(4) | {
        "member": _number(world, world.membership),
        "instance_id": f"uuid:{uuid.uuid4()}",
    }
    assert facilitator.post(fill, posted).status_code == 302
    auditor = world.client("auditor")
    csv_file = auditor.get(f"{SURVEYS}rounds/{round_.pk}/figures.csv")
    assert csv_file.status_code == 200
    text = b"".join(csv_file.streaming_content).decode()
    assert "public-services" in text and "1 answer: too few to say" in text
    zipped = auditor.get(f"{SURVEYS}rounds/{round_.pk}/datapackage.zip")
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        package = json.loads(archive.read("datapackage.json"))
        files = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
    assert [r["path"] for r in package["resources"]] == [
        "figures.csv",
        "indicators.csv",
        "codebook.csv",
    ]
    for resource in package["resources"]:
        headings = files[resource["path"]].splitlines()[0].split(",")
        assert headings == [f["name"] for f in resource["schema"]["fields"]]
    assert "days_worked,integer" in files["codebook.csv"]
    everything = "".join(files.values()) + text
    for secret in ("Hansa", "Parmar", posted["instance_id"]):
        assert secret not in everything


def test_the_manager_defines_an_indicator_of_the_survey(world, round_):
    manager = world.client("manager")
    new = f"{SURVEYS}{round_.survey_id}/indicators/new/"
    base = {
        "code": "shares-childcare",
        "name": "Relatives care for the child",
        "definition": "Share whose youngest child is cared for by a relative.",
        "kind": "share",
        "question": "child_carer",
        "dimensions": ["centre", "sex"],
    }
    for wrong, field in (
        ({"counted": "grandmother"}, "counted"),
        ({"counted": ""}, "counted"),
        ({"kind": "median", "question": "insurance"}, "question"),
        ({"question": "no_such"}, "question"),
    ):
        page = manager.post(new, base | wrong)
        assert page.status_code == 200 and field in page.context["form"].errors, wrong
    made = manager.post(new, base | {"counted": "relative older_child"})
    assert made.status_code == 302
    with scope(coop=world.home.pk):
        found = round_.survey.indicators.get(code="shares-childcare")
    assert found.counted == ["relative", "older_child"] and found.dimensions == ["centre", "sex"]
    edit = manager.post(
        f"{SURVEYS}indicators/{found.pk}/edit/", base | {"counted": "relative", "unit": "%"}
    )
    assert edit.status_code == 302
    assert world.client("board").get(f"{SURVEYS}indicators/{found.pk}/edit/").status_code == 403


def test_a_nul_anywhere_in_a_submission_is_refused_and_writes_nothing(world, round_):
    facilitator = world.client("facilitator")
    fill = f"{SURVEYS}rounds/{round_.pk}/fill/"
    posted = _answers(4) | {"member": "1\x00", "instance_id": f"uuid:{uuid.uuid4()}"}
    page = facilitator.post(fill, posted, format="multipart")
    assert page.status_code == 200
    good = {
        "instance_id": f"uuid:{uuid.uuid4()}",
        "round": round_.pk,
        "member": _number(world, world.membership) + "\x00",
        "answered_on": datetime.date.today().isoformat(),
        "answers": _answers(5) | {"household_member": [{"member_age": "3\x00"}]},
    }
    sent = facilitator.post(
        SYNC, json.dumps({"submissions": [good]}), content_type="application/json"
    )
    assert sent.status_code in (200, 400)
    with scope(coop=world.home.pk):
        assert not Response.objects.filter(round=round_).exists()
