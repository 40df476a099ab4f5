"""Renumber the working days that reports count deadlines with."""

from django.core.management.base import BaseCommand

from reporting.calendar import refresh_working_days


class Command(BaseCommand):
    help = (
        "Rebuild reporting's table of working days, for instance after upgrading the "
        "holidays package to learn of a newly announced bank holiday."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = refresh_working_days()
        self.stdout.write(f"Numbered {count} calendar days.")
