from django.db import migrations


def load(apps, schema_editor):
    from carecoop.staffing.loader import rule_sets_load

    rule_sets_load(apps.get_model("staffing", "RatioRuleSet"))


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
