import json

from django.db import migrations

# Admins change these in the admin (django-celery-beat); the time zone is settings.TIME_ZONE.
SCHEDULES = [
    ("每晚定期核查", "recheck", {"minute": "30", "hour": "2", "day_of_week": "*"}),
    ("每周名单比对", "cross_match", {"minute": "0", "hour": "3", "day_of_week": "0"}),
]


def load(apps, schema_editor):
    from identification.reference import load_check_rules

    load_check_rules(apps.get_model)
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, kind, when in SCHEDULES:
        crontab, _ = crontab_model.objects.get_or_create(
            day_of_month="*", month_of_year="*", **when
        )
        task_model.objects.get_or_create(
            name=name,
            defaults={
                "task": "identification.tasks.run_scheduled_check",
                "crontab": crontab,
                "kwargs": json.dumps({"kind": kind}),
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("identification", "0003_check_rules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
