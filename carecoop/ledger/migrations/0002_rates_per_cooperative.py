"""Exchange rates become each cooperative's own: a rate that was shared is copied to every
cooperative (each keeps what it had been using), then the shared row is removed."""

import django.db.models.deletion
from django.db import migrations, models


def copy_shared_rates(apps, schema_editor):
    ExchangeRate = apps.get_model("ledger", "ExchangeRate")
    Organisation = apps.get_model("tenancy", "Organisation")
    shared = list(ExchangeRate.objects.filter(coop__isnull=True))
    coops = list(Organisation.objects.filter(kind="cooperative").values_list("pk", flat=True))
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            coop_id=coop_id,
            base=rate.base,
            quote=rate.quote,
            on=rate.on,
            rate_millionths=rate.rate_millionths,
            source=rate.source,
        )
        for rate in shared
        for coop_id in coops
    )
    ExchangeRate.objects.filter(pk__in=[rate.pk for rate in shared]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="exchangerate",
            name="ledger_exchangerate_one_per_day",
        ),
        migrations.AddField(
            model_name="exchangerate",
            name="coop",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tenancy.organisation",
                verbose_name="cooperative",
            ),
        ),
        migrations.AddField(
            model_name="historicalexchangerate",
            name="coop",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="tenancy.organisation",
                verbose_name="cooperative",
            ),
        ),
        migrations.RunPython(copy_shared_rates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="exchangerate",
            name="coop",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tenancy.organisation",
                verbose_name="cooperative",
            ),
        ),
        migrations.AddConstraint(
            model_name="exchangerate",
            constraint=models.UniqueConstraint(
                fields=("coop", "base", "quote", "on"),
                name="ledger_exchangerate_one_per_day",
                violation_error_message="A rate for these currencies on this day exists.",
            ),
        ),
    ]
