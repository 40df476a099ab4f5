"""Draw one PEP as PDF into a file: `python manage.py pep_pdf PEP_ID OUTPUT_PATH`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peps.models import Pep
from quality.pdf import PepPdf


class Command(BaseCommand):
    help = "Render one PEP to a PDF file, as it would be published."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pep_id", type=int, help="The id of the PEP.")
        parser.add_argument("output", type=Path, help="Where to write the PDF.")

    def handle(self, *args: object, pep_id: int, output: Path, **options: object):
        pep = Pep.objects.select_related("child", "school").filter(pk=pep_id).first()
        if pep is None:
            raise CommandError(f"No PEP with id {pep_id}.")

        pdf = PepPdf(pep).render()
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(pdf)

        self.stdout.write(f"Wrote PEP {pep_id} to {output} ({len(pdf):,} bytes).")
