from django.db import migrations


def load(apps, schema_editor):
    from core.roles import load_roles

    load_roles(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
