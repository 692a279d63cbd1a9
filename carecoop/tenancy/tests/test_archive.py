"""The whole cooperative in one archive: every table it owns, only its rows, values as they are."""

import base64
import io
import json
import zipfile

from django_scopes import scopes_disabled

from carecoop.core.keys import owned
from carecoop.core.models import Upload
from carecoop.members.models import Person

URL = "/c/home-coop/archive.zip"


def _archive(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="home-coop-')
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _rows(archive, table):
    manifest = json.loads(archive.read("manifest.json"))
    (entry,) = [t for t in manifest["tables"] if t["table"] == table]
    lines = archive.read(entry["file"]).decode().splitlines()
    assert len(lines) == entry["rows"]
    return [dict(zip(entry["columns"], json.loads(line), strict=True)) for line in lines]


def test_the_archive_holds_every_table_of_the_cooperative_and_only_its_rows(world):
    from django.apps import apps

    archive = _archive(world.client("manager"))
    manifest = json.loads(archive.read("manifest.json"))
    assert (manifest["format"], manifest["version"]) == ("carecoop-cooperative-archive", 2)
    assert {"core", "members", "tenancy"} <= set(manifest["schema"])
    own = manifest["cooperative"]
    cooperative = dict(zip(own["columns"], own["row"], strict=True))
    assert cooperative["slug"] == "home-coop"
    wanted = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if owned(m)}
    assert {t["table"] for t in manifest["tables"]} == wanted
    for entry in manifest["tables"]:
        for row in _rows(archive, entry["table"]):
            assert row["coop_id"] == world.home.pk, entry["table"]
    with scopes_disabled():
        people = set(Person.objects.filter(coop=world.home).values_list("pk", flat=True))
    assert {r["id"] for r in _rows(archive, "members_person")} == people
    history = _rows(archive, "members_historicalperson")
    assert {r["id"] for r in history} == people
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Zenobia" not in everything and "Secret Centre Zeta" not in everything


def test_values_keep_their_kind(world):
    with scopes_disabled():
        upload = Upload.objects.create(
            coop=world.home, register="members", name="r.csv", content=b"\x00\xffbytes"
        )
    archive = _archive(world.client("manager"))
    (row,) = [r for r in _rows(archive, "core_upload") if r["id"] == upload.pk]
    assert base64.b64decode(row["content"]) == b"\x00\xffbytes"
    assert row["imported_at"] is None  # a missing value, not an empty text
    person = next(r for r in _rows(archive, "members_person") if r["id"] == world.person.pk)
    assert person["date_of_birth"] is None or len(person["date_of_birth"]) == 10


def test_only_the_manager_takes_the_archive(world):
    for role in ("board", "treasurer", "auditor", "facilitator", "member"):
        assert world.client(role).get(URL).status_code == 403
    assert world.client("outsider").get(URL).status_code == 404


def test_the_archive_carries_the_rows_of_the_installation_its_rows_point_at(world):
    from django.apps import apps

    from carecoop.core.archive import GLOBAL

    # Every reference out of a cooperative's rows is to a kind of row the manifest carries.
    outside = {
        f.related_model._meta.label
        for m in apps.get_models(include_auto_created=True)
        if owned(m)
        for f in m._meta.concrete_fields
        if f.is_relation and f.column != "coop_id" and not owned(f.related_model)
    }
    assert outside == set(GLOBAL)
    manifest = json.loads(_archive(world.client("manager")).read("manifest.json"))
    users = {u["id"]: u for u in manifest["users"]}
    assert set(next(iter(users.values()))) == {
        "id",
        "username",
        "first_name",
        "last_name",
        "is_active",
    }  # No password travels.
    holders = {(users[r["user"]]["username"], r["role"]) for r in manifest["roles"]}
    assert holders == {(f"{role}.home", role) for role in world.ROLES}
    with scopes_disabled():
        recorded = set(
            Person.history.filter(coop=world.home).values_list("history_user__username", flat=True)
        )
    assert recorded - {None} <= {u["username"] for u in users.values()}
    assert "manager.other" not in {u["username"] for u in users.values()}
