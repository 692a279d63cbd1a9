import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ledger", "0001_initial")]
AFTER = [("ledger", "0002_rates_per_cooperative")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    """Every app back to its latest migration, as the other tests expect (going back to ledger
    0001 also unapplied the later migrations of the apps that depend on the ledger)."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_shared_rate_becomes_every_cooperatives_own():
    apps = _migrate(BEFORE)
    try:
        Organisation = apps.get_model("tenancy", "Organisation")
        for slug in ("one", "two"):
            Organisation.objects.create(
                slug=slug, name=slug, kind="cooperative", ilo_type="worker", currency="USD"
            )
        Organisation.objects.create(slug="fed", name="fed", kind="federation", currency="USD")
        apps.get_model("ledger", "ExchangeRate").objects.create(
            base="USD", quote="GTQ", on=datetime.date(2026, 1, 1), rate_millionths=7_750_000
        )
        apps = _migrate(AFTER)
        rows = apps.get_model("ledger", "ExchangeRate").objects.order_by("coop__slug")
        assert [(r.coop.slug, r.rate_millionths) for r in rows] == [
            ("one", 7_750_000),
            ("two", 7_750_000),
        ]
    finally:
        _migrate_to_latest()
