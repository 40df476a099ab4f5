"""Fill a PostgreSQL database with a national-sized, invented set of PEP records.

About 85,000 children in care across 150 authorities' worth of teams, social workers,
link teachers and some 20,000 schools, with two years of PEPs: sections, the twelve
preparation tasks, Section E scores, targets with Pupil Premium Plus costs and subject
progress. Rows go in through PostgreSQL's COPY, so the whole set loads in minutes.

Every person and record is invented; names are numbered placeholders.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, models

from accounts.models import Team, User
from accounts.roles import Role
from peps import cycle
from peps.models import (
    CareEpisode,
    Child,
    Enrolment,
    Pep,
    PepTask,
    School,
    SchoolStaff,
    SectionA,
    SectionB,
    SectionC,
    SectionD,
    SubjectProgress,
    Target,
)
from quality.bands import DEFAULT_BANDS
from quality.models import SectionE

logger = logging.getLogger(__name__)

# Django's mark for "no password": nobody signs in to these accounts with one.
UNUSABLE_PASSWORD = "!"  # noqa: S105

PORTAL_TABLES = [
    model._meta.db_table
    for model in (
        SubjectProgress,
        Target,
        SectionE,
        PepTask,
        SectionA,
        SectionB,
        SectionC,
        SectionD,
        Pep,
        Enrolment,
        CareEpisode,
        Child,
        SchoolStaff,
        School,
    )
]


@dataclass(frozen=True)
class Size:
    authorities: int = 150
    children: int = 85_000
    schools: int = 20_000
    teams_per_authority: int = 10
    social_workers_per_authority: int = 40
    link_teachers_per_authority: int = 5
    years_of_peps: int = 2


@dataclass
class Personas:
    """The accounts the benchmark signs in as, one per audience."""

    governor: User
    social_work_manager: User
    headteacher: User
    link_teacher: User


class Copier:
    """Writes rows of one model with COPY, filling unset columns with defaults."""

    def __init__(self, model: type[models.Model], now: datetime) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [field.column for field in self.fields]
        self.defaults = [self._default(field, now) for field in self.fields]
        self.attnames = [field.attname for field in self.fields]
        self.count = 0

    @staticmethod
    def _default(field: models.Field, now: datetime) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default():
            value = field.get_default()
            return json.dumps(value) if isinstance(field, models.JSONField) else value
        if field.null:
            return None
        if isinstance(field, (models.CharField, models.TextField)):
            return ""
        return None

    def copy(self, rows: Iterable[dict[str, Any]]) -> int:
        table = self.model._meta.db_table
        names = ", ".join(f'"{column}"' for column in self.columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            row.get(attname, default)
                            for attname, default in zip(
                                self.attnames, self.defaults, strict=True
                            )
                        ]
                    )
                    self.count += 1
        return self.count


def _reset_sequence(model: type[models.Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )


def empty_portal_tables() -> None:
    """Remove every child, school and PEP (and the staff made for them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE " + ", ".join(PORTAL_TABLES) + " RESTART IDENTITY CASCADE"
        )
    User.objects.filter(email__endswith="@bench.invalid").delete()
    Team.objects.filter(name__startswith="Bench team").delete()


def fill(
    size: Size, today: date, seed: int = 2026, say: Callable[[str], None] = print
) -> Personas:
    """Write the data set; returns the accounts to measure each audience with."""
    rng = random.Random(seed)  # noqa: S311 (invented data, not secrets)
    now = datetime.combine(today, time(12), tzinfo=UTC)

    # Invented rows are consistent by construction; checking every foreign key of
    # millions of them would triple the time to fill.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        return _fill(size, today, rng, now, say)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def _fill(
    size: Size,
    today: date,
    rng: random.Random,
    now: datetime,
    say: Callable[[str], None],
) -> Personas:

    users, teams, staff = _people(size, rng, now)
    say(f"  {len(users):,} staff in {len(teams):,} teams")
    schools = _schools(size, rng, now, staff["link_teacher"])
    say(f"  {len(schools):,} schools")
    headteacher = staff["headteacher"][0]
    Copier(SchoolStaff, now).copy(
        [
            {
                "id": 1,
                "school_id": schools[0][0],
                "user_id": headteacher.pk,
                "position": SchoolStaff.Position.HEADTEACHER,
            }
        ]
    )

    children = _children(size, rng, today, now, schools, staff["social_workers"])
    say(f"  {len(children):,} children in care")
    pep_count = _peps(rng, today, now, children, size.years_of_peps, say)
    say(f"  {pep_count:,} PEPs with sections, tasks, scores and targets")

    for model in (
        Child,
        CareEpisode,
        Enrolment,
        School,
        SchoolStaff,
        Pep,
        SectionA,
        SectionB,
        SectionC,
        SectionD,
        SectionE,
        PepTask,
        Target,
        SubjectProgress,
    ):
        _reset_sequence(model)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    return Personas(
        governor=staff["governor"][0],
        social_work_manager=teams[0].manager,
        headteacher=headteacher,
        link_teacher=staff["link_teacher"][0],
    )


def _people(
    size: Size, rng: random.Random, now: datetime
) -> tuple[list[User], list[Team], dict[str, list]]:
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}

    def person(kind: str, number: int, **fields: Any) -> User:
        return User(
            email=f"{kind}{number}@bench.invalid",
            first_name=kind.replace("_", " ").capitalize(),
            last_name=f"Number {number}",
            password=UNUSABLE_PASSWORD,
            **fields,
        )

    managers = User.objects.bulk_create(
        person("manager", number)
        for number in range(size.authorities * size.teams_per_authority)
    )
    teams = Team.objects.bulk_create(
        Team(name=f"Bench team {number:04d}", manager=manager)
        for number, manager in enumerate(managers)
    )
    social_workers = User.objects.bulk_create(
        person(
            "social_worker",
            number,
            team=teams[
                (number // size.social_workers_per_authority) * size.teams_per_authority
                + number % size.teams_per_authority
            ],
        )
        for number in range(size.authorities * size.social_workers_per_authority)
    )
    link_teachers = User.objects.bulk_create(
        person("link_teacher", number)
        for number in range(size.authorities * size.link_teachers_per_authority)
    )
    governor = User.objects.create(
        email="governor@bench.invalid",
        first_name="Governor",
        password=UNUSABLE_PASSWORD,
    )
    headteacher = User.objects.create(
        email="headteacher@bench.invalid",
        first_name="Headteacher",
        password=UNUSABLE_PASSWORD,
    )

    memberships = [
        (groups[Role.SOCIAL_WORK_MANAGER], managers),
        (groups[Role.SOCIAL_WORKER], social_workers),
        (groups[Role.LINK_TEACHER], link_teachers),
        (groups[Role.GOVERNOR], [governor]),
        (groups[Role.HEADTEACHER], [headteacher]),
    ]
    through = User.groups.through
    through.objects.bulk_create(
        through(user_id=user.pk, group_id=group.pk)
        for group, members in memberships
        for user in members
    )

    users = [*managers, *social_workers, *link_teachers, governor, headteacher]
    staff = {
        "social_workers": social_workers,
        "link_teacher": link_teachers,
        "governor": [governor],
        "headteacher": [headteacher],
    }
    return users, teams, staff


def _schools(
    size: Size, rng: random.Random, now: datetime, link_teachers: list[User]
) -> list[tuple[int, int]]:
    """(school id, authority number) for each school."""
    phases = ["Primary"] * 6 + ["Secondary"] * 3 + ["Special"]
    per_authority = size.schools // size.authorities
    rows = []
    result = []
    for number in range(size.schools):
        authority = min(number // per_authority, size.authorities - 1)
        link = link_teachers[
            authority * size.link_teachers_per_authority
            + number % size.link_teachers_per_authority
        ]
        school_id = number + 1
        rows.append(
            {
                "id": school_id,
                "urn": 100_000 + number,
                "name": f"Bench School {number:05d}",
                "phase": rng.choice(phases),
                "status": School.Status.OPEN,
                "local_authority_code": f"{800 + authority}",
                "link_teacher_id": link.pk,
                "designated_teacher_name": f"Designated teacher {number}",
            }
        )
        result.append((school_id, authority))
    Copier(School, now).copy(rows)
    return result


@dataclass
class ChildFacts:
    child_id: int
    school_id: int
    social_worker_id: int
    care_started_on: date
    date_of_birth: date


def _children(
    size: Size,
    rng: random.Random,
    today: date,
    now: datetime,
    schools: list[tuple[int, int]],
    social_workers: list[User],
) -> list[ChildFacts]:
    schools_of: dict[int, list[int]] = {}
    for school_id, authority in schools:
        schools_of.setdefault(authority, []).append(school_id)
    workers_per_authority = len(social_workers) // size.authorities

    children: list[ChildFacts] = []
    child_rows, episode_rows, enrolment_rows = [], [], []
    for number in range(size.children):
        authority = number % size.authorities
        child_id = number + 1
        born = date(2007, 9, 1) + timedelta(days=rng.randrange(13 * 365))
        care_started_on = today - timedelta(days=rng.randrange(30, 6 * 365))
        if rng.random() < 0.05:
            care_started_on = today - timedelta(days=rng.randrange(1, 40))
        care_started_on = max(care_started_on, born + timedelta(days=30))
        school_id = rng.choice(schools_of[authority])
        worker = social_workers[
            authority * workers_per_authority + rng.randrange(workers_per_authority)
        ]
        children.append(
            ChildFacts(child_id, school_id, worker.pk, care_started_on, born)
        )
        child_rows.append(
            {
                "id": child_id,
                "local_child_id": f"B{number:07d}",
                "forename": "Child",
                "surname": f"Number {number}",
                "date_of_birth": born,
                "sex": rng.choice("MF"),
                "social_worker_id": worker.pk,
                "care_started_on": care_started_on,
                "next_pep_due_on": today + timedelta(days=rng.randrange(-30, 180)),
            }
        )
        moves = rng.choice([0, 0, 0, 1, 1, 2, 3])
        for move in range(moves + 1):
            started = care_started_on + timedelta(days=move * 90)
            if started > today:
                break
            episode_rows.append(
                {
                    "id": len(episode_rows) + 1,
                    "child_id": child_id,
                    "started_on": started,
                    "reason_for_new_episode": "S" if move == 0 else "P",
                    "legal_status": "C2",
                    "category_of_need": "N1",
                    "placement_type": "U1",
                    "ended_on": None if move == moves else started + timedelta(89),
                }
            )
            if started + timedelta(89) >= today:
                break
        # The open episode must be the last one written for this child.
        episode_rows[-1]["ended_on"] = None
        if rng.random() < 0.15:
            enrolment_rows.append(
                {
                    "id": len(enrolment_rows) + 1,
                    "child_id": child_id,
                    "school_id": rng.choice(schools_of[authority]),
                    "started_on": care_started_on - timedelta(days=400),
                    "ended_on": today - timedelta(days=rng.randrange(20, 300)),
                }
            )
        enrolment_rows.append(
            {
                "id": len(enrolment_rows) + 1,
                "child_id": child_id,
                "school_id": school_id,
                "started_on": today - timedelta(days=rng.randrange(10, 900)),
            }
        )

    Copier(Child, now).copy(child_rows)
    Copier(CareEpisode, now).copy(episode_rows)
    Copier(Enrolment, now).copy(enrolment_rows)
    return children


def _aware(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randrange(8, 18), rng.randrange(60)), UTC)


def _peps(
    rng: random.Random,
    today: date,
    now: datetime,
    children: list[ChildFacts],
    years: int,
    say: Callable[[str], None],
) -> int:
    first_day = today - timedelta(days=365 * years)
    copiers = {
        model: Copier(model, now)
        for model in (
            Pep,
            SectionA,
            SectionB,
            SectionC,
            SectionD,
            SectionE,
            PepTask,
            Target,
            SubjectProgress,
        )
    }
    steps_of: dict[date, list[cycle.PreparationStep]] = {}
    bands = DEFAULT_BANDS

    def meetings() -> Iterator[dict[str, Any]]:
        pep_id = 0
        for child in children:
            meeting = max(child.care_started_on, first_day) + timedelta(
                days=rng.randrange(10, 60)
            )
            while meeting <= today + timedelta(days=45):
                pep_id += 1
                lateness = rng.choice([-20, -10, -5, -3, -1, 0, 0, 0, 2, 7, 25])
                due_on = meeting - timedelta(days=lateness)
                yield {
                    "id": pep_id,
                    "child_id": child.child_id,
                    "school_id": child.school_id,
                    "social_worker_id": child.social_worker_id,
                    "meeting_date": meeting,
                    "due_on": due_on,
                    "_child": child,
                }
                meeting += timedelta(days=rng.randrange(120, 200))

    def rows() -> Iterator[tuple[type[models.Model], dict[str, Any]]]:
        for pep in meetings():
            meeting = pep["meeting_date"]
            held = meeting <= today
            finalised = held and rng.random() < 0.9
            approved = finalised and rng.random() < 0.85
            finalise_days = rng.choice([3, 7, 9, 10, 12, 20])
            finalised_at = (
                _aware(meeting + timedelta(days=finalise_days), rng)
                if finalised
                else None
            )
            approved_at = (
                _aware(meeting + timedelta(days=finalise_days + 8), rng)
                if approved
                else None
            )
            status = (
                Pep.Status.APPROVED
                if approved
                else Pep.Status.FINALISED
                if finalised
                else Pep.Status.DRAFT
            )
            yield (
                Pep,
                {
                    **{key: value for key, value in pep.items() if key != "_child"},
                    "status": status,
                    "finalised_at": finalised_at,
                    "approved_at": approved_at,
                    "reopened_sections": "[]",
                },
            )
            pep_id = pep["id"]
            yield SectionA, {"id": pep_id, "pep_id": pep_id, "phase": "primary"}
            yield SectionB, {"id": pep_id, "pep_id": pep_id}
            yield SectionC, {"id": pep_id, "pep_id": pep_id}
            submitted = held or rng.random() < 0.5
            yield (
                SectionD,
                {
                    "id": pep_id,
                    "pep_id": pep_id,
                    "current_attendance": Decimal(rng.randrange(7000, 10001)) / 100,
                    "attendance_support": rng.choice(["", "", "Daily check-in"]),
                    "send_stage": rng.choice(["none"] * 6 + ["sen_support", "ehcp"]),
                    "submitted_at": (
                        _aware(meeting - timedelta(days=rng.randrange(-3, 20)), rng)
                        if submitted
                        else None
                    ),
                },
            )

            if meeting not in steps_of:
                steps_of[meeting] = cycle.preparation_steps(meeting)
            for position, step in enumerate(steps_of[meeting]):
                done = step.due_on <= today and rng.random() < 0.9
                yield (
                    PepTask,
                    {
                        "id": (pep_id - 1) * 12 + position + 1,
                        "pep_id": pep_id,
                        "step": step.code,
                        "title": step.title,
                        "responsible_role": step.responsible.value,
                        "due_on": step.due_on,
                        "completed_at": (
                            _aware(step.due_on + timedelta(rng.randrange(-5, 6)), rng)
                            if done
                            else None
                        ),
                    },
                )

            if approved:
                scores = {
                    "a": rng.randint(0, 2),
                    "b": rng.randint(1, 4),
                    "c1": rng.randint(0, 2),
                    "c2": rng.randint(1, 4),
                    "c3": rng.randint(0, 2),
                    "d1": rng.randint(0, 2),
                    "d2": rng.randint(1, 4),
                    "d3": rng.randint(0, 2),
                }
                social_care = scores["a"] + scores["c1"] + scores["c2"] + scores["c3"]
                education = scores["b"] + scores["d1"] + scores["d2"] + scores["d3"]
                overall = social_care + education
                yield (
                    SectionE,
                    {
                        "id": pep_id,
                        "pep_id": pep_id,
                        **{f"score_{key}": value for key, value in scores.items()},
                        "social_care_total": social_care,
                        "education_total": education,
                        "overall_total": overall,
                        "social_care_band": bands.social_care.band_for(
                            social_care
                        ).name,
                        "education_band": bands.education.band_for(education).name,
                        "overall_band": bands.overall.band_for(overall).name,
                        "assessed_at": approved_at,
                        "suggested_scores": "{}",
                    },
                )

            for position in range(2):
                yield (
                    Target,
                    {
                        "id": (pep_id - 1) * 2 + position + 1,
                        "pep_id": pep_id,
                        "subject_area": "English" if position == 0 else "Maths",
                        "target": "An invented target",
                        "pupil_premium_cost": Decimal(rng.choice([0, 150, 300, 450])),
                    },
                )
                yield (
                    SubjectProgress,
                    {
                        "id": (pep_id - 1) * 2 + position + 1,
                        "pep_id": pep_id,
                        "subject": "English" if position == 0 else "Maths",
                        "is_core": True,
                        "making_good_progress": rng.choice(["yes", "yes", "no"]),
                    },
                )

    # Buffer per table and COPY in slices, keeping memory modest.
    buffers: dict[type[models.Model], list[dict[str, Any]]] = {
        model: [] for model in copiers
    }
    peps = 0
    for model, row in rows():
        buffers[model].append(row)
        if model is Pep:
            peps += 1
            if peps % 50_000 == 0:
                _flush(copiers, buffers)
                say(f"    {peps:,} PEPs written")
    _flush(copiers, buffers)
    return peps


def _flush(copiers: dict, buffers: dict) -> None:
    # Parents before children so that foreign keys hold at every step.
    for model in copiers:
        if buffers[model]:
            copiers[model].copy(buffers[model])
            buffers[model].clear()
