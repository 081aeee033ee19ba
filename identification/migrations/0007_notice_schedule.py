from django.db import migrations


def load(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    # Just after midnight: a notice's last day is over, its cases move on for the day's work.
    crontab, _ = crontab_model.objects.get_or_create(
        minute="10", hour="0", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    task_model.objects.get_or_create(
        name="每日结束到期公示",
        defaults={"task": "identification.tasks.close_ended_notices", "crontab": crontab},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("identification", "0006_procedure_and_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
