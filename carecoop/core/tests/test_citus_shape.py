"""The schema a database sharded by cooperative (Citus) can distribute, read from PostgreSQL's own
catalogue after the migrations: every table of a cooperative's rows is keyed with the cooperative,
every unique constraint on it names the cooperative, every link between two of them is composite,
and nothing global points into them. And a model added later is born in that shape."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import (
    IntegrityError,
    InternalError,
    OperationalError,
    connection,
    migrations,
    models,
    transaction,
)
from django.db.migrations.executor import MigrationExecutor

from carecoop.core.citus import _references
from carecoop.core.keys import owned
from carecoop.core.operations import coop_keys
from carecoop.core.services import atomic_retried

pytestmark = pytest.mark.postgres

OWNED = """
    SELECT c.oid FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'coop_id'
    WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
"""
FAULTS = f"""
    WITH owned AS ({OWNED}),
    coop AS (SELECT attrelid, attnum FROM pg_attribute WHERE attname = 'coop_id')
    SELECT 'primary key without coop_id', c.relname FROM owned o JOIN pg_class c ON c.oid = o.oid
    WHERE NOT EXISTS (
        SELECT 1 FROM pg_constraint p JOIN coop ON coop.attrelid = p.conrelid
        WHERE p.conrelid = o.oid AND p.contype = 'p' AND coop.attnum = ANY(p.conkey))
    UNION ALL
    SELECT 'unique without coop_id', i.relname FROM pg_index x JOIN owned o ON o.oid = x.indrelid
    JOIN pg_class i ON i.oid = x.indexrelid JOIN coop ON coop.attrelid = o.oid
    WHERE x.indisunique AND NOT coop.attnum = ANY(x.indkey)
    UNION ALL
    SELECT 'link between cooperatives'' tables without coop_id', con.conname
    FROM pg_constraint con JOIN owned s ON s.oid = con.conrelid JOIN owned d ON d.oid = con.confrelid
    JOIN coop cs ON cs.attrelid = s.oid JOIN coop cd ON cd.attrelid = d.oid
    WHERE con.contype = 'f'
      AND NOT (cs.attnum = con.conkey[1] AND cd.attnum = con.confkey[1] AND cardinality(con.conkey) = 2)
    UNION ALL
    SELECT 'global table linked to a cooperative''s table', con.conname
    FROM pg_constraint con JOIN owned d ON d.oid = con.confrelid
    WHERE con.contype = 'f' AND con.conrelid NOT IN (SELECT oid FROM owned)
    UNION ALL
    SELECT 'cooperative optional', c.relname FROM owned o JOIN pg_class c ON c.oid = o.oid
    JOIN pg_attribute a ON a.attrelid = o.oid AND a.attname = 'coop_id' WHERE NOT a.attnotnull
"""


def _faults():
    with connection.cursor() as cursor:
        cursor.execute(FAULTS)
        return cursor.fetchall()


def _owned_tables():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT relname FROM pg_class WHERE oid IN ({OWNED})")
        return {name for (name,) in cursor.fetchall()}


def test_the_migrated_schema_is_keyed_by_cooperative_throughout(db):
    assert _faults() == []
    # Every model of a cooperative's rows, history included, is one of the tables checked.
    expected = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if owned(m)}
    assert len(expected) > 140
    assert expected <= _owned_tables()
    # Many-to-many links go through rows of the cooperative (tables Django makes itself have none).
    auto = [
        f.remote_field.through._meta.db_table
        for m in apps.get_models()
        for f in m._meta.local_many_to_many
        if f.remote_field.through._meta.auto_created and (owned(m) or owned(f.related_model))
    ]
    assert auto == []


def test_the_catalogue_check_finds_a_key_on_id_alone(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE members_household DROP CONSTRAINT members_household_pkey CASCADE"
        )
        cursor.execute("ALTER TABLE members_household ADD PRIMARY KEY (id)")
    faults = _faults()
    assert ("primary key without coop_id", "members_household") in faults


def test_a_new_model_linked_to_a_cooperative_s_rows_is_born_keyed_by_cooperative(db):
    """As a migration made by ``makemigrations`` creates it, with Django's own fields."""
    state = MigrationExecutor(connection).loader.project_state()
    operations = [
        migrations.CreateModel(
            name="Visit",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                (
                    "coop",
                    models.ForeignKey("tenancy.organisation", models.PROTECT, related_name="+"),
                ),
                ("person", models.ForeignKey("members.person", models.CASCADE, related_name="+")),
                ("badge", models.CharField(max_length=10, unique=True)),
                (
                    "follow_up",
                    models.OneToOneField(
                        "core.visit", models.SET_NULL, null=True, related_name="+"
                    ),
                ),
            ],
            options={"db_table": "core_test_visit"},
        ),
        migrations.AddField(
            model_name="visit",
            name="centre",
            field=models.ForeignKey("tenancy.centre", models.CASCADE, null=True, related_name="+"),
        ),
    ]
    with connection.schema_editor() as editor:
        for operation in operations:
            before, state = state, state.clone()
            operation.state_forwards("core", state)
            operation.database_forwards("core", editor, before, state)
    assert _faults() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'core_test_visit'::regclass AND contype IN ('p', 'u', 'f') "
            "ORDER BY 1, 2"
        )
        found = cursor.fetchall()
    assert ("p", "PRIMARY KEY (coop_id, id)") in found
    assert ("u", "UNIQUE (coop_id, badge)") in found
    assert ("u", "UNIQUE (coop_id, follow_up_id)") in found
    assert (
        "f",
        "FOREIGN KEY (coop_id, person_id) REFERENCES members_person(coop_id, id) "
        "DEFERRABLE INITIALLY DEFERRED",
    ) in found
    assert (
        "f",
        "FOREIGN KEY (coop_id, centre_id) REFERENCES care_centre(coop_id, id) "
        "DEFERRABLE INITIALLY DEFERRED",
    ) in found


def test_the_upgrade_of_a_database_keyed_by_id_gives_the_same_keys(db):
    """``CoopKeys`` on tables keyed as Django keys them by itself gives what a new database has."""
    models_ = [m for m in apps.get_models() if m._meta.app_label == "members" and owned(m)]
    before = _constraints()
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey CASCADE")
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id)")
    assert _faults()
    with connection.schema_editor() as editor:
        coop_keys(editor, [m for m in apps.get_models() if owned(m)])
    assert _faults() == []
    assert _constraints() == before


def _constraints():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2, 3"
        )
        return cursor.fetchall()


def test_distributing_asks_for_a_citus_coordinator(db):
    """On PostgreSQL without Citus the command says what is missing and changes nothing (on a
    Citus cluster it is run by hand: docs/operations.md)."""
    with pytest.raises(CommandError, match="not on a Citus coordinator"):
        call_command("citus_distribute")
    assert _faults() == []


def test_a_link_s_target_is_read_from_its_definition():
    assert _references("FOREIGN KEY (coop_id, x_id) REFERENCES members_person(coop_id, id)") == (
        "members_person"
    )
    assert _references('FOREIGN KEY (a) REFERENCES public."Odd"(id) DEFERRABLE') == "Odd"


def test_a_unique_refusal_reported_by_a_worker_is_an_integrity_error(db):
    """Citus's coordinator passes a worker's unique violation on as an internal error."""
    report = (
        "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'XX000', "
        "MESSAGE = 'duplicate key value violates unique constraint \"core_submission_once_102\"'; "
        "END $$"
    )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(report)
    other = "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'XX000', MESSAGE = 'worker gone'; END $$"
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(other)


def test_a_deadlock_s_victim_is_tried_again_and_other_errors_are_not(db):
    """Citus cancels all but one of the writers that lock a reference table's copies in
    different orders; the victim's work is undone and done again."""
    calls = []

    @atomic_retried
    def count(code: str) -> int:
        calls.append(code)
        if len(calls) == 1:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '{code}', "
                    "MESSAGE = 'canceling the transaction'; END $$"
                )
        return len(calls)

    assert count("40P01") == 2
    calls.clear()
    with pytest.raises(OperationalError):
        count("57014")  # a query cancelled for another reason
    assert calls == ["57014"]
