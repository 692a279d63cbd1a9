from django.db import migrations

from carecoop.core.operations import CoopKeys


class Migration(migrations.Migration):
    """Keys that lead with the cooperative, on a PostgreSQL database made before they did
    (``CoopKeys``); a database made since has them from the start."""

    dependencies = [
        ("accounts", "0001_squashed"),
        ("billing", "0001_squashed"),
        ("capital", "0001_squashed"),
        ("care", "0001_squashed"),
        ("core", "0001_squashed"),
        ("federation", "0001_squashed"),
        ("funding", "0001_squashed"),
        ("governance", "0001_squashed"),
        ("health", "0001_squashed"),
        ("ledger", "0001_squashed"),
        ("members", "0001_squashed"),
        ("privacy", "0001_squashed"),
        ("staffing", "0001_squashed"),
        ("tenancy", "0002_squashed"),
    ]

    operations = [CoopKeys()]
