import pytest

from carecoop.testing import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("core", "0001_submission"),
    ("billing", "0005_payment_reference_keys"),
    ("governance", "0004_hide_disclosing_class_splits"),
]
AFTER = [("core", "0002_numbering")]


def test_the_numbers_given_out_carry_on_in_the_one_table():
    apps = migrate_to(BEFORE)
    try:
        coop = apps.get_model("tenancy", "Organisation").objects.create(
            slug="one", name="one", kind="cooperative", ilo_type="worker", currency="INR"
        )
        Sequence = apps.get_model("billing", "Sequence")
        for name, last in (("invoice", 412), ("receipt", 96), ("fund", 0)):
            Sequence.objects.create(coop=coop, name=name, last=last)
        Counter = apps.get_model("governance", "Counter")
        for key, value in (("certificate", 37), ("receipt", 51), ("BD-2026", 4)):
            Counter.objects.create(coop=coop, key=key, value=value)
        apps = migrate_to(AFTER)
        rows = apps.get_model("core", "Counter").objects.filter(coop_id=coop.pk)
        assert dict(rows.values_list("key", "value")) == {
            "billing.invoice": 412,
            "billing.receipt": 96,
            "billing.fund": 0,
            "capital.certificate": 37,
            "capital.receipt": 51,
            "governance.BD-2026": 4,
        }
    finally:
        migrate_to_latest()
