"""Create the settings row and the beat entry that runs the daily PEP sweep.

Administrators can change the time of the sweep, or pause it, in the admin under
Periodic tasks; running migrations again never undoes their change, as this runs
once.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "Daily PEP sweep"


def create_schedule(apps, schema_editor):
    CycleSettings = apps.get_model("peps", "CycleSettings")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    CycleSettings.objects.get_or_create(pk=1)

    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    six_am, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="peps.run_daily_sweep",
        crontab=six_am,
        enabled=True,
        description=(
            "Brings every child's next PEP due date up to date, reminds people of "
            "tasks coming due and escalates overdue tasks and PEPs. "
            "See docs/cycle-engine.md."
        ),
    )
    # Beat notices new or changed entries through this row's timestamp; the
    # historical model has no signal handlers to touch it for us.
    PeriodicTasks.objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME, task="peps.run_daily_sweep").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("peps", "0002_cycle_engine"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
