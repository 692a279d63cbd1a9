"""A whole cooperative taken out as one archive: every row it owns, table by table.

The archive is a ZIP file:

- ``manifest.json``: the format and its version, the cooperative (its own row of
  ``tenancy_organisation``), when it was taken, the schema it was taken from (each app's last
  migration), and each table: its file, its model, its columns in order, and its number of rows.
- ``tables/<table>.jsonl``: one line per row, a JSON array of the row's values in the order of
  the manifest's columns. JSON keeps what CSV loses: a missing value (``null``) is not an empty
  text. Dates and times are ISO 8601 strings, decimals strings of digits, binary data base64.

Every table with the cooperative's column is in it, history included, read by the cooperative's
key in chunks and written as read: its size in memory does not grow with the cooperative's."""

import base64
import datetime
import decimal
import json
import tempfile
import uuid
import zipfile
from typing import IO, Any

from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model
from django.utils import timezone

from carecoop.core.exports import CHUNK
from carecoop.core.keys import owned

FORMAT = "carecoop-cooperative-archive"
VERSION = 1


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


def cooperative_archive(*, coop: Any) -> IO[bytes]:
    """The archive of ``coop`` (a ``tenancy.Organisation``), in a temporary file read from its
    start."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the response once sent)
    tables = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model in _tables():
            columns = [f.column for f in model._meta.concrete_fields]
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
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    out.seek(0)
    return out
