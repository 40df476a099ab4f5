"""Time the daily sweep against a national-sized caseload in PostgreSQL.

Fills a dedicated database with invented children in care and their PEP histories,
runs the sweep on consecutive days, and times a hand-written SQL query that finds
the same overdue children. benchmarks/sweep/README.md has the method and figures.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models
from django.utils import timezone

from accounts.models import Team, User
from peps import cycle, sweep
from peps.models import Child, CycleSettings, Pep, PepTask

DEFAULT_AS_OF = date(2027, 2, 1)  # a Monday, so the timed days start a week
CHILDREN_PER_SOCIAL_WORKER = 18
SOCIAL_WORKERS_PER_TEAM = 8
UPCOMING_BOOKED_SHARE = 0.6
ON_TIME_SHARE = 0.88
TASKS_DONE_SHARE = 85  # in 100: how many tasks people finish by their due date
LONDON = ZoneInfo("Europe/London")

# The overdue children, found from scratch with the default rules: the first PEP
# 20 working days after entering care, the second 3 months after the first, each
# later one 6 months after the one before. Working days come from a calendar of
# the period with the bank holidays passed in.
OVERDUE_SQL = """
WITH days AS (
    SELECT d::date AS day,
           extract(isodow FROM d) < 6 AND NOT d::date = ANY(%(holidays)s) AS working
    FROM generate_series(%(from)s::date, %(to)s::date, interval '1 day') AS d
), calendar AS (
    SELECT day, working, count(*) FILTER (WHERE working) OVER (ORDER BY day) AS rank
    FROM days
), held AS (
    SELECT c.id, c.care_started_on,
           count(DISTINCT p.meeting_date) AS held,
           min(p.meeting_date) AS first_on,
           max(p.meeting_date) AS latest_on
    FROM peps_child AS c
    LEFT JOIN peps_pep AS p
      ON p.child_id = c.id
     AND p.meeting_date BETWEEN c.care_started_on AND %(as_of)s
    WHERE c.care_started_on IS NOT NULL
      AND %(school_year)s - extract(year FROM c.date_of_birth)::int
          + CASE WHEN extract(month FROM c.date_of_birth) < 9 THEN 1 ELSE 0 END
          - 5 BETWEEN 0 AND 13
    GROUP BY c.id
), due AS (
    SELECT h.id,
           CASE WHEN h.held = 0 THEN first_due.day
                WHEN h.held = 1 THEN (h.first_on + interval '3 months')::date
                ELSE (h.latest_on + interval '6 months')::date
           END AS due_on
    FROM held AS h
    LEFT JOIN calendar AS started ON h.held = 0 AND started.day = h.care_started_on
    LEFT JOIN calendar AS first_due
      ON first_due.working AND first_due.rank = started.rank + 20
)
SELECT due.id
FROM due
WHERE due.due_on < %(as_of)s
  AND NOT EXISTS (
      SELECT 1 FROM peps_pep AS booked
      WHERE booked.child_id = due.id AND booked.meeting_date > %(as_of)s
  )
"""


def _median(values: list[float]) -> float:
    return statistics.median(values)


class Command(BaseCommand):
    help = (
        "Fill a dedicated PostgreSQL database with a national-sized caseload and "
        "time the daily PEP sweep against hand-written SQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=85_000)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=DEFAULT_AS_OF,
            help="The first timed day (YYYY-MM-DD); the data is laid out around it.",
        )
        parser.add_argument("--seed", type=int, default=20270201)
        parser.add_argument(
            "--refill",
            action="store_true",
            help="Empty the benchmark database and fill it again.",
        )

    def handle(self, *args: object, **options: object) -> None:
        self._refuse_unsafe_database()
        call_command("migrate", verbosity=0)
        self._use_default_rules()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        mail.outbox = []

        children: int = options["children"]
        as_of: date = options["as_of"]
        if options["refill"] or Child.objects.count() != children:
            self._empty()
            started = time.perf_counter()
            # Invented data for a benchmark, not a secret.
            invented = random.Random(options["seed"])  # noqa: S311  # nosec B311
            Filler(as_of, invented).fill(children)
            self.stdout.write(f"Filled in {time.perf_counter() - started:.1f} s")
        else:
            self._undo_earlier_sweeps(as_of)
        self._describe_data()

        # The first sweep over a freshly loaded database does a day-one's work:
        # every due date, every task of the meetings already booked.
        cold = self._sweep(as_of - timedelta(days=1))
        self.stdout.write(f"First sweep (cold): {cold.seconds:.2f} s")
        self._show(cold)

        sweeps, stages, queries = [], [], []
        for offset in range(options["runs"]):
            day = as_of + timedelta(days=offset)
            self._do_the_days_work(day)
            report = self._sweep(day)
            query_seconds, found = self._overdue_by_sql(day)
            if found != set(report.overdue_children):
                raise CommandError(
                    f"On {day}: the sweep found {len(report.overdue_children)} "
                    f"overdue children and the SQL query {len(found)}; "
                    f"{len(found ^ set(report.overdue_children))} differ."
                )
            sweeps.append(report.seconds)
            stages.append(report.stage_seconds["due_dates"])
            queries.append(query_seconds)
            self.stdout.write(
                f"{day} ({day:%a}): sweep {report.seconds:.2f} s, due-date stage "
                f"{stages[-1]:.2f} s, SQL {query_seconds:.3f} s, "
                f"{len(found)} overdue children (same set), "
                f"{len(report.reminders_sent)} reminders, "
                f"{len(report.tasks_escalated)} task and "
                f"{len(report.peps_escalated)} PEP escalations"
            )
            self._show(report)

        ratio = _median(stages) / _median(queries)
        self.stdout.write(
            "\n".join(
                [
                    f"Median of {len(sweeps)} daily sweeps: {_median(sweeps):.2f} s "
                    "(target under 60 s)",
                    f"Median due-date stage (all children's due dates, the overdue "
                    f"set): {_median(stages):.3f} s",
                    f"Median hand-written SQL for the overdue set: "
                    f"{_median(queries):.3f} s",
                    f"Ratio, due-date stage to SQL: {ratio:.2f} (target within 3)",
                ]
            )
        )

    def _refuse_unsafe_database(self) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "The sweep benchmark runs on PostgreSQL only; set DATABASE_URL to a "
                "dedicated database such as "
                "postgres://postgres@127.0.0.1:5432/pep_bench_sweep."
            )
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise CommandError(
                f"The database {name!r} does not look like a benchmark database: "
                "this command empties and fills it, so its name must contain "
                "'bench'."
            )

    def _use_default_rules(self) -> None:
        # The hand-written SQL encodes the default rules.
        row = CycleSettings.load()
        defaults = CycleSettings()
        for field in CycleSettings._meta.concrete_fields:
            if field.name not in {"id", "updated_at"}:
                setattr(row, field.attname, getattr(defaults, field.attname))
        row.save()

    def _empty(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE peps_child, peps_pep, peps_peptask, peps_cycleemail, "
                "peps_escalation, peps_meetinginvitation, accounts_team "
                "RESTART IDENTITY CASCADE"
            )
        User.objects.filter(email__endswith="@bench.invalid").delete()

    def _undo_earlier_sweeps(self, as_of: date) -> None:
        """Put the data back as filled, so every run starts from the same day one."""
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE peps_peptask, peps_cycleemail, peps_escalation, "
                "peps_meetinginvitation"
            )
        Child.objects.filter(care_started_on__isnull=False).update(next_pep_due_on=None)
        Child.objects.filter(care_started_on__isnull=True).update(
            next_pep_due_on=as_of - timedelta(days=30)
        )

    def _describe_data(self) -> None:
        self.stdout.write(
            f"Data: {Child.objects.count()} children, {Pep.objects.count()} PEPs, "
            f"{User.objects.count()} users"
        )

    def _sweep(self, day: date) -> sweep.SweepReport:
        mail.outbox = []
        return sweep.run_sweep(day)

    def _show(self, report: sweep.SweepReport) -> None:
        stages = ", ".join(
            f"{stage} {seconds:.2f} s"
            for stage, seconds in report.stage_seconds.items()
        )
        self.stdout.write(f"    stages: {stages}; e-mails sent: {len(mail.outbox)}")

    def _do_the_days_work(self, day: date) -> None:
        """People finish most tasks by their due date; the rest go overdue."""
        done_at = datetime(day.year, day.month, day.day, 8, tzinfo=LONDON)
        PepTask.objects.filter(completed_at__isnull=True, due_on__lt=day).annotate(
            share=models.F("id") % 100
        ).filter(share__lt=TASKS_DONE_SHARE).update(completed_at=done_at)

    def _overdue_by_sql(self, day: date) -> tuple[float, set[int]]:
        earliest = Child.objects.aggregate(models.Min("care_started_on"))[
            "care_started_on__min"
        ]
        span = range(earliest.year - 1, day.year + 2)
        bank_holidays = sorted(
            holidays.country_holidays("GB", subdiv="ENG", years=span)
        )
        parameters = {
            "holidays": bank_holidays,
            "from": earliest - timedelta(days=1),
            "to": day + timedelta(days=60),
            "as_of": day,
            "school_year": day.year if day.month >= 9 else day.year - 1,
        }
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(OVERDUE_SQL, parameters)
            found = {row[0] for row in cursor.fetchall()}
            seconds = time.perf_counter() - started
        return seconds, found


class Filler:
    """Invented caseload: children in care, social workers in teams, PEP histories.

    Meetings follow the rules most of the time and run late some of the time, so
    on any day some children are overdue, some have a meeting booked and some
    are due soon. About one child in fifty has left care but still carries an old
    due date for the sweep to clear.
    """

    def __init__(self, as_of: date, rng: random.Random) -> None:
        self.as_of = as_of
        self.rng = rng
        self.now = timezone.now()

    def fill(self, count: int) -> None:
        workers = self._social_workers(max(1, count // CHILDREN_PER_SOCIAL_WORKER))
        self._copy(Child, self._children(count, workers))
        child_rows = list(
            Child.objects.values_list("pk", "care_started_on").order_by("pk")
        )
        self._copy(Pep, self._peps(child_rows))

    def _social_workers(self, count: int) -> list[int]:
        teams = Team.objects.bulk_create(
            Team(name=f"Bench team {n}")
            for n in range(count // SOCIAL_WORKERS_PER_TEAM + 1)
        )
        managers = User.objects.bulk_create(
            User(
                email=f"manager{n}@bench.invalid",
                password=make_password(None),
                last_name=f"M{n}",
            )
            for n in range(len(teams))
        )
        for team, manager in zip(teams, managers, strict=True):
            team.manager = manager
        Team.objects.bulk_update(teams, ["manager"])
        workers = User.objects.bulk_create(
            User(
                email=f"worker{n}@bench.invalid",
                password=make_password(None),
                last_name=f"W{n}",
                team=teams[n // SOCIAL_WORKERS_PER_TEAM],
            )
            for n in range(count)
        )
        return [worker.pk for worker in workers]

    def _children(self, count: int, workers: list[int]) -> Iterator[Child]:
        rng, as_of = self.rng, self.as_of
        for n in range(count):
            born_on = as_of - timedelta(days=rng.randint(2 * 365, 20 * 365))
            in_care_for = rng.randint(0, min((as_of - born_on).days, 9 * 365))
            left_care = rng.random() < 0.02
            yield Child(
                local_child_id=f"B{n:07d}",
                forename="Bench",
                surname=f"Child{n}",
                date_of_birth=born_on,
                sex=rng.choice("MF"),
                social_worker_id=rng.choice(workers),
                care_started_on=None if left_care else as_of - timedelta(in_care_for),
                next_pep_due_on=as_of - timedelta(days=30) if left_care else None,
                created_at=self.now,
                updated_at=self.now,
            )

    def _peps(self, child_rows: Iterable[tuple[int, date | None]]) -> Iterator[Pep]:
        rng, as_of = self.rng, self.as_of
        rules = cycle.DEFAULT_RULES
        for child_id, care_started_on in child_rows:
            if care_started_on is None:
                continue
            if rng.random() < 0.05:
                # A PEP from an earlier period in care, which the rules ignore.
                yield self._pep(child_id, care_started_on - timedelta(days=200))

            held: list[date] = []
            while True:
                due_on = cycle.pep_due(care_started_on, held, rules)
                if rng.random() < ON_TIME_SHARE:
                    meeting = due_on - timedelta(days=rng.randint(0, 25))
                else:
                    meeting = due_on + timedelta(days=rng.randint(1, 75))
                meeting = max(meeting, care_started_on)
                if meeting > as_of:
                    break
                held.append(meeting)
                yield self._pep(child_id, meeting)

            if due_on <= as_of + timedelta(days=42) and (
                rng.random() < UPCOMING_BOOKED_SHARE
            ):
                latest = max(due_on, as_of + timedelta(days=1))
                booked = as_of + timedelta(days=rng.randint(1, (latest - as_of).days))
                yield self._pep(child_id, booked)

    def _pep(self, child_id: int, meeting: date) -> Pep:
        recent = (self.as_of - meeting).days < 40
        return Pep(
            child_id=child_id,
            meeting_date=meeting,
            status=Pep.Status.DRAFT if recent else Pep.Status.APPROVED,
            created_at=self.now,
            updated_at=self.now,
        )

    def _copy(self, model: type[models.Model], rows: Iterable[models.Model]) -> None:
        """COPY rows in, through Django's own conversion of each field's value."""
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            f.get_db_prep_save(getattr(row, f.attname), connection)
                            for f in fields
                        ]
                    )
