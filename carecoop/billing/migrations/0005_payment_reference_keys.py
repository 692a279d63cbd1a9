"""A payment with a provider's reference is keyed by the reference as references compare: without
spaces around it, one space inside, case folded ("ref:mp-dup-1"), whatever the method. A payment
already recorded twice under two spellings of one reference keeps its old key (the second of
them is for the treasurer to reverse)."""

from django.db import migrations


def _clean(reference):
    return " ".join(reference.split())


def references_as_keys(apps, schema_editor):
    Payment = apps.get_model("billing", "Payment")
    rows = (
        Payment._base_manager.exclude(reference="")
        .filter(reversal__isnull=True)
        .order_by("pk")
        .values_list("pk", "coop_id", "reference")
    )
    taken = set(Payment._base_manager.values_list("coop_id", "key"))
    for pk, coop_id, reference in rows:
        key = f"ref:{_clean(reference).casefold()}"[:120]
        if (coop_id, key) in taken:
            continue
        taken.add((coop_id, key))
        Payment._base_manager.filter(pk=pk).update(key=key, reference=_clean(reference))


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_payment_reversal"),
    ]

    operations = [
        migrations.RunPython(references_as_keys, migrations.RunPython.noop),
    ]
