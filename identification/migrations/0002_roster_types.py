from django.db import migrations


def load(apps, schema_editor):
    from identification.reference import load_roster_types

    load_roster_types(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("identification", "0001_initial"),
        ("registry", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
