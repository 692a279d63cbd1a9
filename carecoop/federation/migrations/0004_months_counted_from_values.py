from django.db import migrations
from django.db.models import Max


def months_counted(apps, schema_editor):
    """The months counted before their rows were kept: one row for each month with values, at
    the time its values were last counted."""
    Value = apps.get_model("federation", "Value")
    Counted = apps.get_model("federation", "Counted")
    for row in Value._base_manager.values("period").annotate(at=Max("counted_at")):
        Counted.objects.update_or_create(period=row["period"], defaults={"counted_at": row["at"]})


class Migration(migrations.Migration):
    dependencies = [("federation", "0003_months_counted")]

    operations = [migrations.RunPython(months_counted, migrations.RunPython.noop)]
