"""Answers exported from ODK Central or KoboToolbox: a file with one bad row is refused whole,
every problem named by row and column; a good one is recorded, and brought in again with newer
rows records only those."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from carecoop.surveys.imports import responses_import
from carecoop.surveys.models import Channel, Response
from carecoop.surveys.tests.conftest import OPENED
from carecoop.testing import make_member

pytestmark = pytest.mark.django_db

HEADINGS = [
    "SubmissionDate",
    "consent",
    "work-days_worked",
    "work-hours_worked",
    "work-income",
    "work-income_period",
    "work-income_currency",
    "child_carer",
    "unpaid_care_hours",
    "public_services",
    "insurance",
    "member",
    "meta-instanceID",
    "KEY",
]


def _row(number, days="4", key=None, **changed):
    key = key or f"uuid:{uuid.uuid4()}"
    cells = {
        "SubmissionDate": f"{OPENED.isoformat()}T10:00:00.000Z",
        "consent": "yes",
        "work-days_worked": days,
        "work-hours_worked": "30",
        "work-income": "4000",
        "work-income_period": "month",
        "work-income_currency": "INR",
        "child_carer": "centre",
        "unpaid_care_hours": "4",
        "public_services": "yes",
        "insurance": "no",
        "member": number,
        "meta-instanceID": key,
        "KEY": key,
    } | changed
    return [cells[h] for h in HEADINGS]


def _csv(rows):
    lines = [",".join(HEADINGS)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_a_file_with_one_bad_row_is_refused_whole(world, rounds):
    baseline, _follow_up = rounds
    by = world.users["manager"]
    with scope(coop=world.home.pk):
        others = [
            make_member(
                coop=world.home,
                by=by,
                member_class=world.member_class,
                centre=world.centre,
                given_name=f"Answer {n}",
                family_name="Import",
                phone="",
            )
            for n in range(3)
        ]
        good = [_row(m.number) for m in others]
        bad = _row(world.membership.number, days="9")
        twice = _row(others[0].number)
        unknown = _row("NO-SUCH")
        result = responses_import(
            round_=baseline, by=by, name="export.csv", content=_csv([*good, bad, twice, unknown])
        )
        assert [(p.row, p.column) for p in result.problems] == [
            (5, "days_worked"),
            (6, "member"),
            (7, "member"),
        ]
        assert not Response.objects.exists()
        done = responses_import(round_=baseline, by=by, name="export.csv", content=_csv(good))
        assert (done.problems, done.recorded, done.already) == ([], 3, 0)
        newer = _row(world.membership.number)
        again = responses_import(
            round_=baseline, by=by, name="export.csv", content=_csv([*good, newer])
        )
        assert (again.problems, again.recorded, again.already) == ([], 1, 3)
        kept = Response.objects.get(respondent=world.person)
        assert kept.channel == Channel.IMPORT and kept.answers["monthly_income"] == 4000
        assert kept.answered_on == OPENED


def test_a_file_without_its_key_columns_or_unreadable_says_so(world, rounds):
    baseline, _follow_up = rounds
    manager = world.client("manager")
    url = f"/c/home-coop/surveys/rounds/{baseline.pk}/import/"
    for name, content in (
        ("a.csv", b"days_worked,insurance\n4,no\n"),
        ("a.csv", b"\xff\xfe\x00bad"),
        ("a.txt", b"hello"),
    ):
        page = manager.post(url, {"file": SimpleUploadedFile(name, content)})
        assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    with scope(coop=world.home.pk):
        assert not Response.objects.exists()
    assert world.client("facilitator").get(url).status_code == 403
