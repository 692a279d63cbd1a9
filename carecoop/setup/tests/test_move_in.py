"""A cooperative moved in from another installation's archive: the same cooperative again, row
for row, under new ids; or, when the archive cannot be read here, nothing written at all."""

import io
import json
import re
import uuid
import zipfile
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import models
from django_scopes import scope, scopes_disabled

from carecoop.accounts.models import PasswordResetLink
from carecoop.care.models import Attendance, SyncOperation
from carecoop.core.archive import ArchiveError, archive_restore, cooperative_archive
from carecoop.demo.services import demo_load
from carecoop.ledger.selectors import trial_balance
from carecoop.members.models import Person
from carecoop.staffing.services import rule_sets_refresh
from carecoop.tenancy.models import Organisation, Role
from carecoop.testing import World, client_for, make_user

pytestmark = pytest.mark.django_db
NUMBERED = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _archive(coop: Organisation) -> bytes:
    return cooperative_archive(coop=coop).read()


def _rows(archive: zipfile.ZipFile, entry: dict[str, Any]) -> list[dict[str, Any]]:
    lines = archive.read(entry["file"]).decode().splitlines()
    return [dict(zip(entry["columns"], json.loads(line), strict=True)) for line in lines]


def canonical(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The archive with its ids replaced by what they stand for: a row's id by its place in its
    table, a reference by the place of the row it points at, a user by her username, a rule set
    by its code. Two archives of the same cooperative under other ids read the same."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    users = {u["id"]: u["username"] for u in manifest["users"]}
    outside = {
        "auth.User": users,
        "tenancy.Role": {r["id"]: f"{users[r['user']]} {r['role']}" for r in manifest["roles"]},
        "staffing.RatioRuleSet": {r["id"]: r["code"] for r in manifest["rule_sets"]},
    }
    tables = {
        e["model"]: (apps.get_model(e["model"]), _rows(archive, e)) for e in manifest["tables"]
    }
    place = {
        label: {row[model._meta.pk.column]: i for i, row in enumerate(rows)}
        for label, (model, rows) in tables.items()
    }

    def held(label: str, value: Any) -> Any:
        return outside[label][value] if label in outside else place[label][value]

    found = {}
    for label, (model, rows) in tables.items():
        history = getattr(model, "instance_type", None)
        named = getattr(model, "archive_ids", {})
        in_json = getattr(model, "archive_json_ids", {})
        numbered = isinstance(model._meta.pk, NUMBERED)
        read = []
        for row in rows:
            out = {}
            for f in model._meta.concrete_fields:
                value = row[f.column]
                if f.column == "coop_id":
                    value = "the cooperative"
                elif value is None:
                    pass
                elif f.primary_key and not f.is_relation:
                    value = place[label][value] if numbered else "made anew"
                elif f.is_relation:
                    value = held(f.related_model._meta.label, value)
                elif history is not None and f.column == history._meta.pk.column:
                    value = held(history._meta.label, value)
                elif f.column in named and row[named[f.column]]:
                    value = held(row[named[f.column]], value)
                elif f.column in in_json:
                    value = {
                        k: held(in_json[f.column][k], int(v)) if k in in_json[f.column] and v else v
                        for k, v in value.items()
                    }
                out[f.column] = value
            read.append(out)
        if not numbered:  # Rows whose ids are made anew, in the order of what they hold.
            read.sort(key=lambda r: json.dumps(r, sort_keys=True))
        found[label] = read
    return found


@pytest.fixture
def recicla(db: Any) -> Organisation:
    """A demonstration cooperative with its months of history: 85 of its tables have rows."""
    rule_sets_refresh()  # The shipped ratio rules, which the flush between tests removes.
    assert demo_load(only={"recicla-bh"})
    coop = Organisation.objects.get(slug="recicla-bh")
    with scope(coop=coop.pk):
        child = Attendance.objects.order_by("pk").first()
        assert child is not None
        # An operation recorded offline names its child and centre by id in its payload.
        SyncOperation.objects.create(
            coop=coop,
            op_id=uuid.uuid4(),
            kind="check_in",
            payload={"kind": "check_in", "child": child.child_id, "centre": str(child.centre_id)},
            status="applied",
        )
    return coop


def test_a_cooperative_read_back_is_the_same_cooperative_under_new_ids(
    recicla: Organisation,
) -> None:
    taken = _archive(recicla)
    restored = archive_restore(io.BytesIO(taken), slug="recicla-again", link_users=True)
    moved = restored.coop
    assert moved.pk != recicla.pk and moved.slug == "recicla-again"
    assert restored.users_made == []  # Every user of it is here: linked, not made.
    before, after = canonical(taken), canonical(_archive(moved))
    assert sum(1 for rows in before.values() if rows) >= 80
    assert before.keys() == after.keys()
    for label in before:
        assert after[label] == before[label], label
    # The same people hold the same roles in it, and its pages read as the first one's.
    roles = set(Role.objects.filter(org=recicla).values_list("user__username", "role"))
    assert set(Role.objects.filter(org=moved).values_list("user__username", "role")) == roles
    with scopes_disabled():
        people = Person.objects.filter(coop=recicla)
        assert Person.objects.filter(coop=moved).count() == people.count()
        assert not Person.objects.filter(coop=moved, pk__in=people.values("pk"))
        (op,) = SyncOperation.objects.filter(coop=moved)
        assert Person.objects.get(coop=moved, pk=op.payload["child"]).coop_id == moved.pk
    assert _totals(moved) == _totals(recicla)
    manager = client_for(get_user_model().objects.get(username="manager.recicla"))
    first = manager.get("/c/recicla-bh/members/")
    again = manager.get("/c/recicla-again/members/")
    assert again.status_code == 200
    assert _names(again.text) == _names(first.text) != []


def _names(page: str) -> list[str]:
    return re.findall(r'<td><a href="[^"]+"><bdi>([^<]+)</bdi></a></td>', page)


def _totals(coop: Organisation) -> dict[str, int]:
    with scope(coop=coop.pk):
        return trial_balance(coop=coop).totals


def _changed(data: bytes, change: Any) -> bytes:
    """The archive with its manifest changed by ``change``, its tables as they were (or as
    ``change`` left them in ``files``)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    files = {n: source.read(n) for n in source.namelist() if n != "manifest.json"}
    change(manifest, files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _table(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in manifest["tables"] if t["table"] == name)


def _renamed(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    for user in manifest["users"]:
        user["username"] += ".moved"


def _other_version(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    manifest["version"] = 1


def _other_columns(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    _table(manifest, "members_person")["columns"].append("nickname")


def _dangling(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    entry = _table(manifest, "members_membership")
    lines = files[entry["file"]].decode().splitlines()
    row = json.loads(lines[0])
    row[entry["columns"].index("person_id")] = 10**9
    files[entry["file"]] = "\n".join([json.dumps(row), *lines[1:]]).encode() + b"\n"


def _short(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    _table(manifest, "members_historicalperson")["rows"] += 1


@pytest.mark.parametrize(
    ("change", "slug", "link", "message"),
    [
        (None, "", True, "has the address home-coop"),
        (None, "home-again", False, "usernames are taken in this installation: "),
        (_other_version, "home-again", True, "version 1; this installation reads version 2"),
        (_other_columns, "home-again", True, "members_person has other columns here"),
        (_dangling, "home-again", True, "points at a row of members.Person that is not in"),
        (_short, "home-again", True, "members_historicalperson has \\d+ rows; its manifest says"),
        (_renamed, "", True, "has the address home-coop"),
    ],
)
def test_an_archive_that_cannot_be_read_here_writes_nothing(
    world: World, change: Any, slug: str, link: bool, message: str
) -> None:
    data = _archive(world.home)
    if change is not None:
        data = _changed(data, change)
    users = get_user_model().objects.count()
    with scopes_disabled():
        counts = (Organisation.objects.count(), Person.objects.count(), Role.objects.count())
        with pytest.raises(ArchiveError, match=message):
            archive_restore(io.BytesIO(data), slug=slug, link_users=link)
        assert (
            Organisation.objects.count(),
            Person.objects.count(),
            Role.objects.count(),
        ) == counts
    assert get_user_model().objects.count() == users


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not a zip", b"\x00" * 100])
def test_a_file_that_is_no_archive_is_refused(world: World, content: bytes) -> None:
    with pytest.raises(ArchiveError, match="not a ZIP archive"):
        archive_restore(io.BytesIO(content))
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("manifest.json", content)
    with pytest.raises(ArchiveError, match="not a cooperative's archive"):
        archive_restore(io.BytesIO(data.getvalue()))


def test_the_command_makes_the_accounts_and_links_its_managers(world: World, tmp_path: Any) -> None:
    make_user("operator", is_superuser=True, is_staff=True)
    path = tmp_path / "home-coop.zip"
    path.write_bytes(_changed(_archive(world.home), _renamed))
    out = io.StringIO()
    call_command(
        "archive_import",
        path,
        "--by",
        "operator",
        "--slug",
        "moved",
        "--site",
        "https://example.org",
        stdout=out,
    )
    moved = Organisation.objects.get(slug="moved")
    manager = get_user_model().objects.get(username=f"{world.users['manager'].username}.moved")
    assert not manager.has_usable_password()
    assert Role.objects.filter(org=moved, user=manager, role="manager").exists()
    text = out.getvalue()
    assert "Moved " in text and "/c/moved/" in text
    assert f"{manager.username} chooses a password once at https://example.org/" in text
    with scope(coop=moved.pk):
        assert PasswordResetLink.objects.filter(user=manager).count() == 1
        assert not PasswordResetLink.objects.exclude(user=manager).exists()
    with pytest.raises(CommandError, match="not an administrator"):
        call_command("archive_import", path, "--by", manager.username)
