"""Time every dashboard page on a national-sized database against hand-written SQL.

Usage (a dedicated PostgreSQL database, created beforehand):

    createdb -h 127.0.0.1 -U postgres pep_bench_reporting
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_bench_reporting \\
        python manage.py benchmark_reporting

The command migrates the database, fills it (unless --reuse finds it filled), rebuilds
the reporting facts, then opens each dashboard page through Django's test client as
the governing board (the whole country's data) and as a social-work manager, and
runs the hand-written SQL for the same figures. It prints the median of several runs,
the ratio of page to SQL and the number of queries each page made.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peps.models import Child
from reporting.benchmark import handwritten, national_data
from reporting.facts import refresh_facts
from reporting.models import Term


class Command(BaseCommand):
    help = "Fill a PostgreSQL database to national scale and time the dashboards."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=85_000)
        parser.add_argument("--schools", type=int, default=20_000)
        parser.add_argument("--authorities", type=int, default=150)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the data already in the database if it holds children.",
        )

    def handle(self, *args: object, **options: object) -> None:
        self._refuse_unsuitable_database()
        call_command("migrate", verbosity=0)

        today = timezone.localdate()
        if options["reuse"] and Child.objects.exists():
            self.stdout.write("Reusing the data already in the database.")
            personas = _find_personas()
        else:
            size = national_data.Size(
                authorities=int(options["authorities"]),
                children=int(options["children"]),
                schools=int(options["schools"]),
            )
            self.stdout.write(
                f"Filling with {size.children:,} children, {size.schools:,} schools "
                f"and {size.authorities} authorities' staff..."
            )
            started = time.perf_counter()
            national_data.empty_portal_tables()
            personas = national_data.fill(size, today, say=self.stdout.write)
            self.stdout.write(f"Filled in {time.perf_counter() - started:.0f} s.")

        started = time.perf_counter()
        refresh = refresh_facts(today)
        self.stdout.write(
            f"Fact sweep: {refresh.peps:,} PEPs and {refresh.children:,} children in "
            f"{time.perf_counter() - started:.1f} s."
        )
        self._measure(personas, today, int(options["runs"]))

    def _refuse_unsuitable_database(self) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "The reporting benchmark needs PostgreSQL, not "
                f"{connection.vendor}: set DATABASE_URL to a database of its own, "
                "for example postgres://postgres@127.0.0.1:5432/pep_bench_reporting."
            )
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise CommandError(
                f"The benchmark empties the database it fills, and {name!r} does not "
                "look like one made for it: use a database whose name contains "
                "'bench', such as pep_bench_reporting."
            )

    def _measure(
        self, personas: national_data.Personas, today: date, runs: int
    ) -> None:
        terms = list(Term.objects.order_by("starts_on"))
        term = next(t for t in terms if t.starts_on <= today <= t.ends_on)
        previous = terms[terms.index(term) - 1]
        recent = [t for t in terms if t.starts_on <= term.starts_on][-6:]
        window = (term.starts_on, term.ends_on)
        query = {"term": str(term.pk)}

        pages: list[tuple[str, str, list[handwritten.Statement]]] = [
            (
                "Overview",
                reverse("reporting:dashboard"),
                handwritten.overview(
                    window, (previous.starts_on, previous.ends_on), today
                ),
            ),
            *[
                (
                    f"Completion by {dimension.replace('_', ' ')}",
                    reverse("reporting:completion", args=[dimension]),
                    handwritten.completion_breakdown(dimension, window, today),
                )
                for dimension in ("school", "social_worker", "team", "link_teacher")
            ],
            *[
                (
                    f"Quality by {dimension}",
                    reverse("reporting:quality", args=[dimension]),
                    handwritten.quality_breakdown(dimension, window, today),
                )
                for dimension in ("school", "team")
            ],
            (
                "Late meetings (drill-down)",
                reverse("reporting:peps", args=["meeting", "late"]),
                handwritten.late_meetings(window, today),
            ),
            (
                "Overdue children",
                reverse("reporting:children", args=["overdue"]),
                handwritten.overdue_children(today),
            ),
            (
                "Attendance priorities",
                reverse("reporting:priorities"),
                handwritten.priorities(today),
            ),
            (
                "Pupil Premium Plus",
                reverse("reporting:pupil_premium"),
                handwritten.pupil_premium(
                    [(t.starts_on, t.ends_on) for t in recent], today
                ),
            ),
        ]

        self.stdout.write(f"\nTerm {term}; median of {runs} runs after one warm-up.\n")
        header = (
            f"{'page':32} {'viewer':20} {'page ms':>8} {'SQL ms':>7} {'ratio':>6} "
            f"{'queries':>8}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        viewers = [
            ("governing board", personas.governor),
            ("social-work manager", personas.social_work_manager),
        ]
        for label, url, statements in pages:
            sql_ms = _median_ms(lambda s=statements: _run_sql(s), runs)
            for viewer_label, user in viewers:
                client = Client()
                client.force_login(
                    user, backend="django.contrib.auth.backends.ModelBackend"
                )

                def fetch(client=client, url=url) -> None:
                    response = client.get(url, query)
                    if response.status_code != 200:
                        raise CommandError(f"{url} answered {response.status_code}.")

                fetch()
                # Django empties the query log as each request starts; start from an
                # empty log so that the count is the request's own.
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as queries:
                    fetch()
                page_ms = _median_ms(fetch, runs)
                # The hand-written SQL answers for the whole country, as the board
                # sees it; a manager's page is narrower, so no ratio is given.
                whole = viewer_label == "governing board"
                sql_text = f"{sql_ms:7.0f}" if whole else f"{'–':>7}"
                ratio_text = f"{page_ms / sql_ms:6.2f}" if whole else f"{'–':>6}"
                self.stdout.write(
                    f"{label:32} {viewer_label:20} {page_ms:8.0f} {sql_text} "
                    f"{ratio_text} {len(queries.captured_queries):8d}"
                )

        live = handwritten.live_completion(window, today)
        live_ms = _median_ms(lambda: _run_sql([live]), max(1, runs // 2))
        self.stdout.write(
            f"\nCompletion counts straight from the case records (no fact table), "
            f"hand-written SQL: {live_ms:.0f} ms."
        )


def _run_sql(statements: list[handwritten.Statement]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.sql, statement.params)
            cursor.fetchall()


def _median_ms(action: Callable[[], None], runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _find_personas() -> national_data.Personas:
    from accounts.models import Team, User

    team = Team.objects.filter(name__startswith="Bench team").order_by("name").first()
    if team is None:
        raise CommandError(
            "The database holds children but not the benchmark's staff: run without "
            "--reuse to fill it afresh."
        )
    return national_data.Personas(
        governor=User.objects.get(email="governor@bench.invalid"),
        social_work_manager=team.manager,
        headteacher=User.objects.get(email="headteacher@bench.invalid"),
        link_teacher=User.objects.filter(email__startswith="link_teacher").first(),
    )
