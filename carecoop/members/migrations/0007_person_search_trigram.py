"""A trigram index for the member search on PostgreSQL: ``LIKE '%word%'`` on a person's name,
phone and member number (``search_text``), within one cooperative. The index leads with the
cooperative (btree_gin lets a GIN index hold the integer key beside the trigrams), so a search
reads only that cooperative's matches. Nothing on SQLite, which has no trigram index."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS person_search_trgm ON members_person "
    "USING gin (coop_id, search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS person_search_trgm"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0006_viewlog_in_members")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
