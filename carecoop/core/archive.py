"""A whole cooperative taken out as one archive: every row it owns, table by table.

The archive is a ZIP file:

- ``manifest.json``: the format and its version, the cooperative (its own row of
  ``tenancy_organisation``), when it was taken, the schema it was taken from (each app's last
  migration), and each table: its file, its model, its columns in order, and its number of rows.
- ``tables/<table>.jsonl``: one line per row, a JSON array of the row's values in the order of
  the manifest's columns. JSON keeps what CSV loses: a missing value (``null``) is not an empty
  text. Dates and times are ISO 8601 strings, decimals strings of digits, binary data base64.

Every table with the cooperative's column is in it, history included, read by the cooperative's
key in chunks and written as read: its size in memory does not grow with the cooperative's.

A cooperative's rows point at a few rows of the installation, which the manifest carries by what
names them in any installation (``GLOBAL``): ``users`` (each user a row points at or who holds a
role in the cooperative: id, username, names, whether active; no password), ``roles`` (id, user,
role) and ``rule_sets`` (id, code, version of each ratio rule set a centre follows).

``archive_restore`` reads an archive into an installation as a new cooperative: every row gets a
new id, and every reference follows it."""

import base64
import datetime
import decimal
import json
import tempfile
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils import timezone

from carecoop.core.exports import CHUNK
from carecoop.core.keys import COOP, owned
from carecoop.core.rows import new_ids

FORMAT = "carecoop-cooperative-archive"
VERSION = 2

ORGANISATION = "tenancy.Organisation"
ROLE = "tenancy.Role"
RULE_SET = "staffing.RatioRuleSet"
# The rows of the installation that a cooperative's rows may point at, and the manifest's list
# that carries them.
GLOBAL = {settings.AUTH_USER_MODEL: "users", ROLE: "roles", RULE_SET: "rule_sets"}
# One-time links to choose a password stay with the installation that issued them.
NOT_MOVED = {"accounts_passwordresetlink"}


def _value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _tables() -> list[type[Model]]:
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and owned(m)
    ]
    return sorted(found, key=lambda m: m._meta.db_table)


def _schema() -> dict[str, str]:
    """Each app's last migration, so an installation knows which schema the archive needs."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return dict(sorted(loader.graph.leaf_nodes()))


def _target(model_field: Any) -> str:
    """The label of the model a relation points at."""
    return cast(type[Model], model_field.related_model)._meta.label


def _global_columns(model: type[Model]) -> dict[str, str]:
    """The columns of ``model`` that point at a row of the installation (not the cooperative's
    own column), with that row's model."""
    return {
        f.column: _target(f)
        for f in model._meta.concrete_fields
        if f.is_relation and f.column != COOP and not owned(f.related_model)
    }


def cooperative_archive(*, coop: Any) -> IO[bytes]:
    """The archive of ``coop`` (a ``tenancy.Organisation``), in a temporary file read from its
    start."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the response once sent)
    tables = []
    pointed: dict[str, set[Any]] = defaultdict(set)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model in _tables():
            columns = [f.column for f in model._meta.concrete_fields]
            outside = [(columns.index(c), label) for c, label in _global_columns(model).items()]
            name = model._meta.db_table
            rows = 0
            with archive.open(f"tables/{name}.jsonl", "w") as file:
                values = (
                    model._base_manager.filter(coop_id=coop.pk)
                    .order_by("pk")
                    .values_list(*[f.attname for f in model._meta.concrete_fields])
                )
                for row in values.iterator(chunk_size=CHUNK):
                    file.write(json.dumps([_value(v) for v in row], ensure_ascii=False).encode())
                    file.write(b"\n")
                    rows += 1
                    for i, label in outside:
                        if row[i] is not None:
                            pointed[label].add(row[i])
            tables.append(
                {
                    "table": name,
                    "model": model._meta.label,
                    "file": f"tables/{name}.jsonl",
                    "columns": columns,
                    "rows": rows,
                }
            )
        own = type(coop)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "taken_at": timezone.now().isoformat(),
            "schema": _schema(),
            "cooperative": {
                "table": own._meta.db_table,
                "columns": [f.column for f in own._meta.concrete_fields],
                "row": [_value(getattr(coop, f.attname)) for f in own._meta.concrete_fields],
            },
            "tables": tables,
            **_carried(coop, pointed),
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    out.seek(0)
    return out


def _carried(coop: Any, pointed: dict[str, set[Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of the installation the cooperative's rows point at, as the manifest carries
    them: its roles, their users and every user a row names, the rule sets its centres follow."""
    unknown = set(pointed) - set(GLOBAL)
    if unknown:  # A new kind of reference out of the cooperative needs its way to move.
        raise ValueError(f"The archive does not carry rows of {sorted(unknown)}.")
    roles = list(
        apps.get_model(ROLE)
        .objects.filter(org_id=coop.pk)
        .order_by("pk")
        .values("id", "user_id", "role")
    )
    users = get_user_model().objects.filter(
        pk__in=pointed[settings.AUTH_USER_MODEL] | {r["user_id"] for r in roles}
    )
    rule_sets = apps.get_model(RULE_SET).objects.filter(pk__in=pointed[RULE_SET])
    return {
        "users": [
            dict(u)
            for u in users.order_by("pk").values(
                "id", "username", "first_name", "last_name", "is_active"
            )
        ],
        "roles": [{"id": r["id"], "user": r["user_id"], "role": r["role"]} for r in roles],
        "rule_sets": list(rule_sets.order_by("pk").values("id", "code", "version")),
    }


# Reading an archive back ------------------------------------------------------------------------


class ArchiveError(Exception):
    """Why an archive cannot be read into this installation; nothing of it was written."""


@dataclass
class Restored:
    """A cooperative read from an archive: its row, the users made for it (their passwords
    unusable until a one-time link sets one), and the rows read, table by table."""

    coop: Any
    users_made: list[Any] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise ArchiveError(
            "The file is not a cooperative's archive: it has no manifest."
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("The file is not a cooperative's archive.")
    if manifest.get("version") != VERSION:
        raise ArchiveError(
            f"The archive is of version {manifest.get('version')}; this installation reads "
            f"version {VERSION}."
        )
    return manifest


def _matched(manifest: dict[str, Any]) -> list[tuple[dict[str, Any], type[Model]]]:
    """Each table of the archive with this installation's model of it, checked column by column:
    an archive taken from another schema is refused before anything is written."""
    models_by_table = {m._meta.db_table: m for m in _tables()}
    matched = []
    for entry in manifest["tables"]:
        model = models_by_table.get(entry["table"])
        if model is None:
            raise ArchiveError(f"This installation has no table {entry['table']}.")
        columns = [f.column for f in model._meta.concrete_fields]
        if sorted(columns) != sorted(entry["columns"]):
            raise ArchiveError(
                f"The table {entry['table']} has other columns here: the archive was taken "
                "from another version of carecoop."
            )
        if entry["table"] not in NOT_MOVED:
            matched.append((entry, model))
    return matched


def _lines(archive: zipfile.ZipFile, entry: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with archive.open(entry["file"]) as file:
        for line in file:
            yield dict(zip(entry["columns"], json.loads(line), strict=True))


def _users(carried: list[dict[str, Any]], link: bool) -> tuple[dict[int, int], list[Any]]:
    """The users of the archive in this installation: a username already here is the same
    person only when the operator says so (``link``); otherwise the archive is refused, naming
    them. The others are made without a password."""
    user_model = get_user_model()
    # Usernames are told apart without their case, as where an account is made.
    here = dict(
        user_model.objects.annotate(name=Lower("username"))
        .filter(name__in=[u["username"].lower() for u in carried])
        .values_list("name", "pk")
    )
    if here and not link:
        raise ArchiveError(
            "These usernames are taken in this installation: "
            + ", ".join(sorted(here))
            + ". If they are the same people, link them to the cooperative's archive."
        )
    ids, made = {}, []
    for user in carried:
        if user["username"].lower() in here:
            ids[user["id"]] = here[user["username"].lower()]
            continue
        new = user_model(
            username=user["username"],
            first_name=user["first_name"],
            last_name=user["last_name"],
            is_active=user["is_active"],
        )
        new.set_unusable_password()
        new.save()
        ids[user["id"]] = new.pk
        made.append(new)
    return ids, made


def _rule_sets(carried: list[dict[str, Any]]) -> dict[int, int]:
    here = {
        (r.code, r.version): r.pk
        for r in apps.get_model(RULE_SET).objects.filter(code__in=[c["code"] for c in carried])
    }
    missing = [
        f"{c['code']} {c['version']}" for c in carried if (c["code"], c["version"]) not in here
    ]
    if missing:
        raise ArchiveError("This installation has no ratio rule set " + ", ".join(missing) + ".")
    return {c["id"]: here[(c["code"], c["version"])] for c in carried}


def _organisation(columns: list[str], row: list[Any], slug: str) -> Any:
    model = apps.get_model(ORGANISATION)
    values = dict(zip(columns, row, strict=True))
    slug = slug or values["slug"]
    if model.objects.filter(slug=slug).exists():
        raise ArchiveError(f"A cooperative of this installation has the address {slug}.")
    fields = {f.column: f for f in model._meta.concrete_fields}
    coop = model(
        **{
            fields[c].attname: _python(fields[c], v)
            for c, v in values.items()
            if c in fields and not fields[c].primary_key
        }
    )
    coop.slug = slug
    coop.save_base(raw=True)
    return coop


def _python(model_field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(model_field, models.JSONField):
        return value
    return model_field.to_python(value)


def _history_of(model: type[Model]) -> type[Model] | None:
    """The model whose rows a history table records (django-simple-history), if it is one."""
    instance = getattr(model, "instance_type", None)
    return instance if instance is not None and owned(instance) else None


def _referenced(
    matched: list[tuple[dict[str, Any], type[Model]]], archive: zipfile.ZipFile
) -> set[str]:
    """The tables whose ids other rows hold: through a foreign key, a history table's record, a
    model named in a row (``archive_ids``) or a key of a JSON value (``archive_json_ids``). Only
    these need their new ids known before rows are written."""
    found: set[str] = set()
    for entry, model in matched:
        for f in model._meta.concrete_fields:
            if f.is_relation and owned(f.related_model):
                found.add(_target(f))
        history = _history_of(model)
        if history is not None:
            found.add(history._meta.label)
        for keys in getattr(model, "archive_json_ids", {}).values():
            found.update(keys.values())
        for label_column in getattr(model, "archive_ids", {}).values():
            found.update(
                line[label_column] for line in _lines(archive, entry) if line[label_column]
            )
    return found


def _numbered(model: type[Model]) -> bool:
    """Whether the database numbers the rows of ``model`` (its id is a sequence's)."""
    return isinstance(
        model._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField
    )


def _new_ids(model: type[Model], old: list[Any]) -> dict[Any, Any]:
    """New ids for the rows of ``model`` in the archive: taken from the table's own sequence,
    in the order of the old ones (``rows.new_ids``), or made new as a row's id is made (a
    random UUID)."""
    if not _numbered(model):
        return {o: _value(model._meta.pk.get_default()) for o in old}
    return dict(zip(sorted(old), new_ids(model, len(old)), strict=True))


def _moved(keys: dict[str, dict[Any, Any]], label: str, old: Any, table: str) -> Any:
    try:
        return keys[label][old]
    except KeyError:
        raise ArchiveError(
            f"A row of {table} points at a row of {label} that is not in the archive."
        ) from None


def _json_ids(value: Any, wanted: dict[str, str], keys: dict[str, dict[Any, Any]]) -> Any:
    """A JSON object whose ``wanted`` keys hold ids: each follows its row; an id the archive
    has no row for (an operation refused for naming a row that never was) is left empty."""
    if not isinstance(value, dict):
        return value
    moved = dict(value)
    for key, label in wanted.items():
        old = moved.get(key)
        if isinstance(old, int | str) and str(old).isdigit():
            new = keys.get(label, {}).get(int(old))
            moved[key] = None if new is None else type(old)(new)
    return moved


def _write(
    archive: zipfile.ZipFile,
    entry: dict[str, Any],
    model: type[Model],
    keys: dict[str, dict[Any, Any]],
    coop_id: int,
) -> int:
    """Write the rows of one table, each value as the archive holds it but for its ids: the
    row's own (new, or left to the database when nothing points at it), its cooperative's and
    every one it points at. Written raw, in batches: no field fills itself in (a time recorded
    stays the time recorded), no history is added (the archive's is)."""
    table = entry["table"]
    pk = model._meta.pk
    own = keys.get(model._meta.label) if not pk.is_relation else None
    # The database numbers a row nothing points at; a row whose id is not a number is given
    # a new one as it would be made.
    fresh = own is None and not pk.is_relation
    fields = [
        f for f in model._meta.concrete_fields if not (f is pk and fresh and _numbered(model))
    ]
    history = _history_of(model)
    by_label = getattr(model, "archive_ids", {})
    in_json = getattr(model, "archive_json_ids", {})
    size = min(CHUNK, max(1, connection.ops.bulk_batch_size(fields, [None] * CHUNK)))
    batch: list[Model] = []
    written = 0
    for line in _lines(archive, entry):
        row = model()
        for f in fields:
            value = line[f.column]
            if f.column == COOP:
                value = coop_id
            elif value is None:
                pass
            elif f is pk and fresh:
                value = pk.get_default()
            elif f is pk and own is not None:
                value = own[value]
            elif f.is_relation:
                value = _moved(keys, _target(f), value, table)
            elif history is not None and f.column == history._meta.pk.column:
                value = _moved(keys, history._meta.label, value, table)
            elif f.column in by_label and line[by_label[f.column]]:
                value = _moved(keys, line[by_label[f.column]], value, table)
            elif f.column in in_json:
                value = _json_ids(value, in_json[f.column], keys)
            setattr(row, f.attname, _python(f, value))
        batch.append(row)
        if len(batch) == size:
            model._base_manager._insert(batch, fields=fields, raw=True)  # type: ignore[attr-defined]
            written += len(batch)
            batch = []
    if batch:
        model._base_manager._insert(batch, fields=fields, raw=True)  # type: ignore[attr-defined]
        written += len(batch)
    return written


def archive_restore(source: Any, *, slug: str = "", link_users: bool = False) -> Restored:
    """Read a cooperative's archive (a path or a binary file) into this installation as a new
    cooperative, under ``slug`` (the archive's own when empty), all or nothing. Every row gets a
    new id from its table's sequence and every reference follows it; the users come by their
    usernames (``_users``), the rule sets by their code and version, the roles with their users.
    A different schema, an address or a username already taken, a reference to a row the
    archive does not hold: ``ArchiveError``, and nothing is written."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError("The file is not a ZIP archive.") from error
    try:
        with archive, transaction.atomic():
            return _restore(archive, slug, link_users)
    except (KeyError, TypeError, ValueError, zipfile.BadZipFile, DatabaseError) as error:
        raise ArchiveError(f"The archive is damaged ({type(error).__name__}: {error}).") from error


def _restore(archive: zipfile.ZipFile, slug: str, link_users: bool) -> Restored:
    manifest = _manifest(archive)
    matched = _matched(manifest)
    own = manifest["cooperative"]
    coop = _organisation(own["columns"], own["row"], slug)
    users, made = _users(manifest["users"], link_users)
    role_model = apps.get_model(ROLE)
    roles = {
        r["id"]: role_model.objects.create(user_id=users[r["user"]], org=coop, role=r["role"]).pk
        for r in manifest["roles"]
    }
    keys: dict[str, dict[Any, Any]] = {
        ORGANISATION: {dict(zip(own["columns"], own["row"], strict=True))["id"]: coop.pk},
        settings.AUTH_USER_MODEL: users,
        ROLE: roles,
        RULE_SET: _rule_sets(manifest["rule_sets"]),
    }
    referenced = _referenced(matched, archive)
    for entry, model in matched:
        if model._meta.label in referenced and not model._meta.pk.is_relation:
            old = [line[model._meta.pk.column] for line in _lines(archive, entry)]
            keys[model._meta.label] = _new_ids(model, old)
    restored = Restored(coop=coop, users_made=made)
    for entry, model in matched:
        written = _write(archive, entry, model, keys, coop.pk)
        if written != entry["rows"]:
            raise ArchiveError(
                f"The archive's table {entry['table']} has {written} rows; its manifest "
                f"says {entry['rows']}."
            )
        restored.rows[entry["table"]] = written
    return restored
