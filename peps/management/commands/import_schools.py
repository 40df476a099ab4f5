"""python manage.py import_schools FILE: schools from a GIAS establishment extract."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peps.imports.gias import import_schools
from peps.imports.reading import FileRefused


class Command(BaseCommand):
    help = (
        "Create or update schools, by URN, from a Get Information About Schools "
        "establishment extract (CSV, UTF-8 or Windows-1252)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the GIAS extract, a CSV file")

    def handle(self, *args: object, file: Path, **options: object) -> None:
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror}).") from None

        try:
            result = import_schools(raw, file.name)
        except FileRefused as refusal:
            raise CommandError(f"Nothing was imported. {refusal}") from None

        for problem in sorted(result.problems, key=lambda problem: problem.line):
            self.stderr.write(str(problem))
        self.stdout.write(result.counts.summary("schools"))
