"""Schedule the reporting tasks with django-celery-beat, editable by administrators.

- Every 10 minutes: rebuild the reporting facts the dashboards read.
- Every weekday at 07:00: send the termly report. The task itself sends only on the
  first working day after a term ends, and once per subscriber and term.
"""

from django.db import migrations

REFRESH = "Reporting: work the dashboard figures out again"
REPORT = "Reporting: send the termly report after each term"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    every_ten_minutes, _ = IntervalSchedule.objects.get_or_create(
        every=10, period="minutes"
    )
    weekday_mornings, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="1-5",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.get_or_create(
        name=REFRESH,
        defaults={
            "task": "reporting.tasks.refresh_reporting_facts",
            "interval": every_ten_minutes,
        },
    )
    PeriodicTask.objects.get_or_create(
        name=REPORT,
        defaults={
            "task": "reporting.tasks.send_termly_report",
            "crontab": weekday_mornings,
        },
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[REFRESH, REPORT]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_default_terms_rates_and_working_days"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
