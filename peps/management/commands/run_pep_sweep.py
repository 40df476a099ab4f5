"""Run the daily PEP sweep now, or see what it would do."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from peps.sweep import run_sweep


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--as-of must be a date written YYYY-MM-DD, not {value!r}."
        ) from None


class Command(BaseCommand):
    help = (
        "Bring next PEP due dates up to date, send reminders and escalations. "
        "Prints counts and ids only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=str,
            help="Sweep as of this date (YYYY-MM-DD); today by default.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Change and send nothing; print what would be done.",
        )

    def handle(self, *args: object, **options: object) -> None:
        as_of = _day(options["as_of"]) if options["as_of"] else timezone.localdate()
        report = run_sweep(as_of, dry_run=bool(options["dry_run"]))

        for line in report.lines():
            self.stdout.write(line)
        if report.failures:
            raise CommandError(
                f"{len(report.failures)} e-mails could not be sent; run the sweep "
                "again to send them."
            )
