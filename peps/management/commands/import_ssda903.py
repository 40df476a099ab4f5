"""python manage.py import_ssda903 FILE [FILE ...]: children in care from SSDA903."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from peps.imports.ssda903 import TableKind, import_ssda903


class Command(BaseCommand):
    help = (
        "Create or update children and their care episodes from the CSV tables of "
        "the Children Looked After return (SSDA903): header, episodes and "
        "optionally OC2, recognised by their columns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", type=Path, help="the return's tables, CSV files"
        )

    def handle(self, *args: object, files: list[Path], **options: object) -> None:
        contents = []
        for path in files:
            try:
                contents.append((str(path), path.read_bytes()))
            except OSError as error:
                raise CommandError(
                    f"{path}: cannot be read ({error.strerror}). Nothing was imported."
                ) from None

        result = import_ssda903(contents, today=timezone.localdate())

        for refusal in result.refused:
            self.stderr.write(f"Refused whole, nothing from it imported: {refusal}")
        order = {source: position for position, (source, _) in enumerate(contents)}
        problems = sorted(
            result.problems, key=lambda item: (order[item[0]], item[1].line)
        )
        for source, problem in problems:
            self.stderr.write(f"{source}: {problem}")

        self.stdout.write(result.children.summary("children"))
        self.stdout.write(result.episodes.summary("episodes"))
        if TableKind.OC2 in result.tables.values():
            self.stdout.write(
                f"OC2 outcomes: applied={result.outcomes_applied} "
                f"rejected={result.outcomes_rejected}"
            )
        if result.refused:
            raise CommandError(
                f"{len(result.refused)} of {len(files)} file(s) refused whole; "
                "see the messages above."
            )
