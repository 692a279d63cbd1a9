"""A questionnaire uploaded by the manager: kept as a version of its survey when it reads well,
refused with every problem on its sheet, row and column otherwise; the same file twice is one
version, and a changed file under a kept version is refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from carecoop.surveys.models import Survey, SurveyVersion
from carecoop.surveys.services import survey_upload
from carecoop.surveys.tests.test_xlsform import VALID, _book

pytestmark = pytest.mark.django_db

LIST = "/c/home-coop/surveys/"
UPLOAD = "/c/home-coop/surveys/upload/"


def _kept(world):
    with scope(coop=world.home.pk):
        return list(
            SurveyVersion.objects.filter(coop=world.home).values_list("survey__code", "version")
        )


def test_a_questionnaire_is_kept_once_as_a_version_of_its_survey(world):
    by = world.users["manager"]
    with scope(coop=world.home.pk):
        read, kept = survey_upload(coop=world.home, by=by, name="impact.xlsx", content=_book(VALID))
        assert read.problems == [] and kept is not None
        assert (kept.survey.code, kept.survey.title, kept.version) == (
            "care_impact",
            "Care impact",
            "2025.1",
        )
        assert [q["name"] for q in kept.questions][:2] == ["days", "insured"]
        assert "<h:html" in kept.xform and bytes(kept.xlsform) == _book(VALID)
        again, same = survey_upload(
            coop=world.home, by=by, name="impact.xlsx", content=_book(VALID)
        )
        assert same == kept and again.problems == []
    assert _kept(world) == [("care_impact", "2025.1")]


def test_a_changed_form_under_a_kept_version_is_refused(world):
    by = world.users["manager"]
    changed = [*VALID, ["text", "remarks", "Anything else?", "", "", "", ""]]
    with scope(coop=world.home.pk):
        survey_upload(coop=world.home, by=by, name="impact.xlsx", content=_book(VALID))
        read, kept = survey_upload(
            coop=world.home, by=by, name="impact.xlsx", content=_book(changed)
        )
        assert kept is None
        assert [(p.sheet, p.row, p.column) for p in read.problems] == [("settings", 2, "version")]
        newer = [["form_title", "form_id", "version"], ["Care impact", "care_impact", "2025.2"]]
        _read, kept = survey_upload(
            coop=world.home, by=by, name="impact.xlsx", content=_book(changed, settings=newer)
        )
        assert kept is not None
    assert sorted(_kept(world)) == [("care_impact", "2025.1"), ("care_impact", "2025.2")]


def test_the_manager_uploads_and_sees_every_problem_or_the_survey_listed(world):
    client = world.client("manager")
    broken = [VALID[0], ["geopoint", "where", "Where?", "", "", "", ""]]
    refused = client.post(UPLOAD, {"file": SimpleUploadedFile("f.xlsx", _book(broken))})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "geopoint" in page and "<td>survey</td><td>2</td>" in page.replace("\n", "")
    assert _kept(world) == []
    done = client.post(UPLOAD, {"file": SimpleUploadedFile("f.xlsx", _book(VALID))})
    assert done.status_code == 302
    assert "Care impact" in client.get(LIST).content.decode()


def test_a_file_that_is_not_a_questionnaire_is_refused(world):
    client = world.client("manager")
    for name, content in (("notes.txt", b"hello"), ("f.xlsx", b"not a workbook")):
        answer = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
        assert answer.status_code == 200 and 'role="alert"' in answer.content.decode()
    assert _kept(world) == []


@pytest.mark.parametrize(
    ("role", "lists", "uploads"),
    [("manager", 200, 200), ("board", 200, 403), ("auditor", 200, 403), ("member", 403, 403)],
)
def test_the_board_reads_the_surveys_and_only_the_manager_uploads(world, role, lists, uploads):
    client = world.client(role)
    assert client.get(LIST).status_code == lists
    assert client.get(UPLOAD).status_code == uploads


def test_another_cooperative_s_surveys_are_not_seen(world):
    with scope(coop=world.other.pk):
        Survey.objects.create(coop=world.other, code="secret_form", title="Secret Centre Zeta poll")
    page = world.client("manager").get(LIST).content.decode()
    assert "Secret Centre Zeta" not in page
