import datetime

import pytest

from carecoop.testing import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ledger", "0001_initial")]
AFTER = [("ledger", "0002_rates_per_cooperative")]


def test_a_shared_rate_becomes_every_cooperatives_own():
    apps = migrate_to(BEFORE)
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
        apps = migrate_to(AFTER)
        rows = apps.get_model("ledger", "ExchangeRate").objects.order_by("coop__slug")
        assert [(r.coop.slug, r.rate_millionths) for r in rows] == [
            ("one", 7_750_000),
            ("two", 7_750_000),
        ]
    finally:
        migrate_to_latest()
