"""A small authority whose right answers are worked out by hand in the tests.

Term: Spring 2024-25 (1 January to 31 March 2025). "Today" is Monday 10 March 2025.
The only bank holiday in the term is 1 January, so working days are Monday to Friday.

PEPs due in the term:
- P1: child 1 at school A, social worker 1 (team North). Due Mon 20 Jan, met Fri
  17 Jan. School section due Fri 3 Jan, submitted Thu 2 Jan. Section C due Fri 10 Jan,
  completed Mon 13 Jan. Finalised Thu 30 Jan (deadline Fri 31 Jan). Assessed Thu
  20 Feb (deadline Fri 14 Feb). Scores 20 / 9 / 11, all Excellent. Targets £300 + £150.
- P2: child 2 at school A, social worker 2 (team South). Due Mon 10 Feb, met Fri
  14 Feb. No preparation tasks. Not finalised (deadline Fri 28 Feb), not assessed
  (deadline Fri 14 Mar). Target £200.
- P3: child 3 at school B, social worker 1. Due Thu 20 Mar, meeting booked for Tue
  18 Mar. Nothing done yet.
- P4: child 4 at school B, social worker 2. No due date recorded, so due on its
  meeting, Mon 3 Feb. Finalised Mon 17 Feb (deadline that day). Assessed Tue 25 Feb
  (deadline Mon 3 Mar). Scores 8 / 4 / 4, all Ineffective. Target £100.
Outside the term:
- P5: child 1, due Tue 10 Dec 2024 (autumn), assessed: overall 15 (Good), social care
  7 (Good), education 8 (Good).
- P6: child 4, booked for Tue 1 Apr, due Sat 3 May (summer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

import pytest
from django.contrib.auth.models import Group

from accounts.models import Team
from accounts.roles import Role
from peps import models as peps
from quality.models import SectionE
from reporting.facts import refresh_facts
from tests import factories

TODAY = dt.date(2025, 3, 10)
UTC = dt.UTC


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    # Hashing a password properly takes a good fraction of a second; these tests
    # make many accounts and never sign in with a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def user_with(role: Role | None, **fields):
    user = factories.UserFactory(**fields)
    if role is not None:
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    return user


@dataclass
class Authority:
    school_a: peps.School
    school_b: peps.School
    north: Team
    south: Team
    worker_1: object
    worker_2: object
    manager: object
    headteacher: object
    link_teacher: object
    governor: object
    administrator: object
    children: dict[int, peps.Child]
    peps: dict[int, peps.Pep]


def _task(pep: peps.Pep, step: str, due: dt.date, done: dt.datetime | None) -> None:
    peps.PepTask.objects.create(
        pep=pep,
        step=step,
        title=step,
        responsible_role="social_worker",
        due_on=due,
        completed_at=done,
    )


def _assess(pep: peps.Pep, scores: dict[str, int], bands: tuple, when) -> None:
    social_care = scores["a"] + scores["c1"] + scores["c2"] + scores["c3"]
    education = scores["b"] + scores["d1"] + scores["d2"] + scores["d3"]
    SectionE.objects.create(
        pep=pep,
        **{f"score_{key}": value for key, value in scores.items()},
        social_care_total=social_care,
        education_total=education,
        overall_total=social_care + education,
        overall_band=bands[0],
        social_care_band=bands[1],
        education_band=bands[2],
        assessed_at=when,
    )


def _child(number: int, born: dt.date, worker, school, care_from, next_due, **kw):
    child = factories.ChildFactory(
        local_child_id=f"R{number:05d}",
        forename=f"Riley{number}",
        surname="Example",
        date_of_birth=born,
        social_worker=worker,
        care_started_on=care_from,
        next_pep_due_on=next_due,
    )
    factories.EnrolmentFactory(
        child=child, school=school, started_on=kw.get("enrolled", dt.date(2024, 9, 1))
    )
    factories.CareEpisodeFactory(
        child=child, started_on=care_from, ended_on=kw.get("left_care")
    )
    return child


@pytest.fixture(autouse=True)
def _reporting_calendar(request):
    """Put back the terms, rates and working days the migrations seed.

    A test on a transactional database (a browser test, say) empties every table when
    it ends, taking the seeded rows with it.
    """
    names = request.fixturenames
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps

    from reporting.models import Term

    if not Term.objects.exists():
        seed = import_module(
            "reporting.migrations.0002_default_terms_rates_and_working_days"
        )
        seed.seed(apps, None)


@pytest.fixture
def authority(db) -> Authority:
    return build_authority()


def build_authority() -> Authority:
    link_teacher = user_with(Role.LINK_TEACHER, first_name="Lee", last_name="Link")
    manager = user_with(Role.SOCIAL_WORK_MANAGER, first_name="Mo", last_name="Manager")
    headteacher = user_with(Role.HEADTEACHER, first_name="Hana", last_name="Head")
    governor = user_with(Role.GOVERNOR, first_name="Gus", last_name="Governor")
    administrator = user_with(Role.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    north = Team.objects.create(name="North", manager=manager)
    south = Team.objects.create(name="South")
    worker_1 = user_with(
        Role.SOCIAL_WORKER, first_name="Sam", last_name="One", team=north
    )
    worker_2 = user_with(
        Role.SOCIAL_WORKER, first_name="Kim", last_name="Two", team=south
    )

    school_a = factories.SchoolFactory(name="Alder Primary", link_teacher=link_teacher)
    school_b = factories.SchoolFactory(name="Birch Academy", phase="Secondary")
    peps.SchoolStaff.objects.create(
        school=school_b,
        user=headteacher,
        position=peps.SchoolStaff.Position.HEADTEACHER,
    )

    d = dt.date
    children = {
        1: _child(1, d(2015, 3, 14), worker_1, school_a, d(2023, 5, 1), d(2025, 7, 17)),
        2: _child(2, d(2010, 10, 1), worker_2, school_a, d(2022, 1, 10), d(2025, 3, 1)),
        3: _child(3, d(2018, 6, 1), worker_1, school_b, d(2025, 2, 24), d(2025, 3, 24)),
        4: _child(
            4,
            d(2008, 1, 15),
            worker_2,
            school_b,
            d(2024, 12, 2),
            d(2025, 5, 3),
            enrolled=d(2025, 2, 10),
        ),
        # Left care: counted in no children measure.
        5: _child(
            5,
            d(2012, 5, 5),
            worker_1,
            school_a,
            d(2020, 1, 6),
            d(2024, 1, 1),
            left_care=d(2024, 6, 30),
        ),
        # In care since Mon 6 Jan with no PEP: first PEP was due Mon 3 Feb.
        6: _child(6, d(2016, 2, 2), worker_1, school_b, d(2025, 1, 6), d(2025, 2, 3)),
    }

    def pep(number, child, school, worker, meeting, due):
        return factories.PepFactory(
            child=children[child],
            school=school,
            social_worker=worker,
            meeting_date=meeting,
            due_on=due,
        )

    made = {
        1: pep(1, 1, school_a, worker_1, d(2025, 1, 17), d(2025, 1, 20)),
        2: pep(2, 2, school_a, worker_2, d(2025, 2, 14), d(2025, 2, 10)),
        3: pep(3, 3, school_b, worker_1, d(2025, 3, 18), d(2025, 3, 20)),
        4: pep(4, 4, school_b, worker_2, d(2025, 2, 3), None),
        5: pep(5, 1, school_a, worker_1, d(2024, 12, 6), d(2024, 12, 10)),
        6: pep(6, 4, school_b, worker_2, d(2025, 4, 1), d(2025, 5, 3)),
    }

    p1, p2, p4, p5 = made[1], made[2], made[4], made[5]
    _task(p1, "complete_school_section", d(2025, 1, 3), None)
    _task(p1, "complete_section_c", d(2025, 1, 10), at(d(2025, 1, 13)))
    peps.SectionD.objects.filter(pep=p1).update(
        submitted_at=at(d(2025, 1, 2)),
        current_attendance=Decimal("95.00"),
        attendance_support="Mentor meets Riley every morning",
    )
    peps.Pep.objects.filter(pk=p1.pk).update(finalised_at=at(d(2025, 1, 30)))
    _assess(
        p1,
        {"a": 2, "b": 4, "c1": 2, "c2": 3, "c3": 2, "d1": 2, "d2": 3, "d3": 2},
        ("Excellent", "Excellent", "Excellent"),
        at(d(2025, 2, 20)),
    )
    peps.Target.objects.create(
        pep=p1, subject_area="English", target="Read", pupil_premium_cost=Decimal("300")
    )
    peps.Target.objects.create(
        pep=p1, subject_area="Maths", target="Add", pupil_premium_cost=Decimal("150")
    )

    peps.SectionD.objects.filter(pep=p2).update(current_attendance=Decimal("97.00"))
    peps.Target.objects.create(
        pep=p2,
        subject_area="English",
        target="Write",
        pupil_premium_cost=Decimal("200"),
    )

    peps.Pep.objects.filter(pk=p4.pk).update(finalised_at=at(d(2025, 2, 17), hour=16))
    peps.SectionD.objects.filter(pep=p4).update(
        current_attendance=Decimal("91.50"), attendance_support="", send_stage="ehcp"
    )
    _assess(
        p4,
        {"a": 1, "b": 1, "c1": 1, "c2": 1, "c3": 1, "d1": 1, "d2": 1, "d3": 1},
        ("Ineffective", "Ineffective", "Ineffective"),
        at(d(2025, 2, 25)),
    )
    peps.Target.objects.create(
        pep=p4,
        subject_area="Maths",
        target="Times tables",
        pupil_premium_cost=Decimal("100"),
    )

    _assess(
        p5,
        {"a": 2, "b": 2, "c1": 1, "c2": 2, "c3": 2, "d1": 1, "d2": 3, "d3": 2},
        ("Good", "Good", "Good"),
        at(d(2024, 12, 20)),
    )

    refresh_facts(TODAY)
    return Authority(
        school_a=school_a,
        school_b=school_b,
        north=north,
        south=south,
        worker_1=worker_1,
        worker_2=worker_2,
        manager=manager,
        headteacher=headteacher,
        link_teacher=link_teacher,
        governor=governor,
        administrator=administrator,
        children=children,
        peps=made,
    )
