"""A person's data: everything held about them, and nothing about anyone else."""

import csv
import io
import json
import zipfile

import pytest
from django_scopes import scopes_disabled

from carecoop.members.models import Seen, ViewLog
from carecoop.privacy.tests.conftest import NAME, PHONE

pytestmark = pytest.mark.django_db


def _export(record, **params):
    url = f"/c/home-coop/privacy/people/{record.person.pk}/export/"
    response = record.world.client("manager").get(url, params)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response


def test_the_export_holds_the_persons_data(record):
    response = _export(record)
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    data = document["data"]
    assert document["person_id"] == record.person.pk
    assert data["person"][0]["phone"] == PHONE
    assert data["person"][0]["disability"] == "Uses a wheelchair"
    assert data["memberships"][0]["number"] == record.world.membership.number
    assert [c["given_name"] for c in data["children"]] == ["Diya"]
    assert [r["reason"] for r in data["referrals"]] == ["Diya's cough"]
    assert [v["dose"] for v in data["vaccinations"]] == ["bcg"]
    assert [a["brought_by"] for a in data["attendance"]] == [NAME]
    assert [i["number"] for i in data["invoices"]] == ["F202506-000007"]
    assert [p["amount_minor"] for p in data["fee_payments"]] == [17500]
    assert [c["label"] for c in data["candidacies"]] == [NAME]
    assert [s["role"] for s in data["staff_posts"]] == ["helper"]
    assert [a["role"] for a in data["accounts"]] == ["member"]
    assert len(data["history_person"]) == 2  # registered, then phone and disability added


def test_the_export_holds_nothing_of_another_person_or_cooperative(record):
    body = _export(record).content.decode()
    for other in ("Kokila", "Vaghela", "Ravi", "Zenobia", "Secretname", "Zefirino", "Zeta"):
        assert other not in body, other
    with scopes_disabled():
        namesake_id = f'"id": {record.namesake.pk},'
    assert namesake_id not in body


def test_the_export_as_spreadsheets(record):
    archive = zipfile.ZipFile(io.BytesIO(_export(record, format="zip").content))
    assert "person.csv" in archive.namelist() and "referrals.csv" in archive.namelist()
    rows = list(csv.DictReader(io.StringIO(archive.read("person.csv").decode())))
    assert rows[0]["given_name"] == "Hansa"
    # A phone starting with "+" would be a formula in a spreadsheet.
    assert rows[0]["phone"] == "'" + PHONE


def test_an_export_is_logged(record):
    _export(record)
    with scopes_disabled():
        seen = list(ViewLog.objects.filter(person=record.person).values_list("seen", flat=True))
    assert seen == [Seen.EXPORT]


@pytest.mark.parametrize("role", ["board", "treasurer", "facilitator", "member", "auditor"])
def test_only_the_manager_may_export(record, role):
    url = f"/c/home-coop/privacy/people/{record.person.pk}/export/"
    assert record.world.client(role).get(url).status_code == 403


def test_another_cooperatives_person_is_not_found(record):
    url = f"/c/home-coop/privacy/people/{record.world.other_person.pk}/export/"
    assert record.world.client("manager").get(url).status_code == 404
