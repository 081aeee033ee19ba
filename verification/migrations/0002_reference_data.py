"""The sign-off roles (fixtures/roles.json gains them), the exit standards and the "4342"
chain every deployment starts with."""

from django.db import migrations


def load(apps, schema_editor):
    from core.roles import load_roles
    from verification.reference import load_exit_standards

    load_roles(apps.get_model)
    load_exit_standards(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0001_initial"),
        ("core", "0003_access_log"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
