"""Time the PEP PDF: `PepPdf` end to end against WeasyPrint alone on the same HTML.

    python manage.py benchmark_pdf [--runs 15] [--pep PEP_ID]

Without --pep, an invented, fully written PEP is built for the run and rolled back
afterwards, so the database is left as it was. The two renderings alternate, after one
warm-up each, so that drift in the machine's load falls on both alike.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from weasyprint import HTML

from peps.models import Pep
from quality.demo import build_demo_pep
from quality.pdf import PepPdf

TARGET_OVERHEAD = 0.20
TARGET_SECONDS = 2.0


@dataclass(frozen=True)
class Figures:
    pages: int
    medians: dict[str, tuple[float, float]]
    load: float


def _seconds(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and processor seconds of one call."""
    wall, processor = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - processor


def _row(label: str, medians: tuple[float, float]) -> str:
    return f"  {label:38} {medians[0]:8.3f} {medians[1]:12.3f}"


class Command(BaseCommand):
    help = "Compare PepPdf with bare WeasyPrint on the same pre-built HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--pep", type=int, help="Time this PEP, not a demo one.")

    def handle(self, *args: object, runs: int, pep: int | None, **options: object):
        if runs < 1:
            raise CommandError("--runs must be 1 or more.")

        with transaction.atomic():
            if pep is None:
                subject = build_demo_pep(suffix="benchmark")
            else:
                found = Pep.objects.filter(pk=pep).first()
                if found is None:
                    raise CommandError(f"No PEP with id {pep}.")
                subject = found
            figures = self._measure(subject, runs)
            transaction.set_rollback(True)

        self._report(figures, runs)

    def _measure(self, pep: Pep, runs: int) -> Figures:
        document = PepPdf(pep)
        html = document.html()
        pages = len(HTML(string=html).render().pages)

        document.render()
        HTML(string=html).write_pdf()

        timings: dict[str, list[tuple[float, float]]] = {
            "full": [],
            "bare": [],
            "templates": [],
        }
        for _ in range(runs):
            timings["full"].append(_seconds(document.render))
            timings["bare"].append(_seconds(lambda: HTML(string=html).write_pdf()))
            timings["templates"].append(_seconds(document.html))

        medians = {
            name: (
                statistics.median(wall for wall, _ in found),
                statistics.median(cpu for _, cpu in found),
            )
            for name, found in timings.items()
        }
        return Figures(pages, medians, os.getloadavg()[0])

    def _report(self, figures: Figures, runs: int) -> None:
        full, bare = figures.medians["full"], figures.medians["bare"]
        templates = figures.medians["templates"]
        overhead = full[0] / bare[0] - 1
        processor_overhead = full[1] / bare[1] - 1
        lines = [
            f"PEP PDF benchmark: {figures.pages} pages, medians of {runs} runs "
            f"(load average {figures.load:.1f} on {os.cpu_count()} processors)",
            f"  {'':38} {'wall s':>8} {'processor s':>12}",
            _row("PepPdf.render(): context, templates, PDF", full),
            _row("WeasyPrint alone on the same HTML", bare),
            _row("PepPdf.html(): context and templates", templates),
            f"  overhead of PepPdf over WeasyPrint: {overhead:+.1%} wall, "
            f"{processor_overhead:+.1%} processor (target under {TARGET_OVERHEAD:.0%})",
            f"  whole PEP: {full[0]:.2f} s (target under {TARGET_SECONDS:.0f} s)",
        ]
        self.stdout.write("\n".join(lines))
        if overhead >= TARGET_OVERHEAD or full[0] >= TARGET_SECONDS:
            self.stdout.write(self.style.WARNING("Outside the targets."))
