"""seed_demo: invented staff, carers and PEPs on top of the imported samples.

The demo is built once, on the real sample files, inside a transaction that is rolled
back after the last test of `TestTheDemo`; each of its tests reads it.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from accounts.models import Team, User
from accounts.roles import Role
from peps.management.commands import seed_demo
from peps.models import (
    Child,
    Contact,
    Enrolment,
    MeetingAttendee,
    Pep,
    PreviousTargetReview,
    School,
    SchoolStaff,
    SubjectProgress,
    Target,
)

DATA = Path(settings.BASE_DIR) / "data"
TODAY = date(2026, 12, 4)
COUNTED = (
    User,
    Team,
    EmailAddress,
    Child,
    Enrolment,
    Contact,
    Pep,
    MeetingAttendee,
    SubjectProgress,
    Target,
    PreviousTargetReview,
    SchoolStaff,
)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.mark.django_db
def test_seed_refuses_before_the_imports():
    with pytest.raises(CommandError, match="Run import_schools and import_ssda903"):
        seed()

    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="does not run with PEP_PORTAL_ENV"):
        seed()

    assert not User.objects.exists()


# Class-scoped: the demo is built once for TestTheDemo and rolled back after it.
@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The imports, a first seed and a second seed, with what each seed printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
        call_command(
            "import_schools",
            str(DATA / "gias" / "edubase_leeds383_2023-07_subset_utf8.csv"),
            **quiet,
        )
        tables = ("header.csv", "episodes.csv", "oc2.csv")
        call_command(
            "import_ssda903",
            *(str(DATA / "ssda903" / name) for name in tables),
            **quiet,
        )
        first_output = seed()
        after_first = counts()
        links_after_first = dict(School.objects.values_list("urn", "link_teacher"))
        second_output = seed()
        yield {
            "first_output": first_output,
            "second_output": second_output,
            "after_first": after_first,
            "after_second": counts(),
            "links_after_first": links_after_first,
        }
        transaction.set_rollback(True)


@pytest.fixture
def sam(demo, db):
    return User.objects.get(email=seed_demo.SOCIAL_WORKER_EMAIL)


class TestTheDemo:
    """Every test here reads the one demo that `demo` builds for the class."""

    def test_second_run_adds_nothing(self, demo, db):
        assert demo["after_second"] == demo["after_first"]
        assert demo["links_after_first"] == dict(
            School.objects.values_list("urn", "link_teacher")
        )
        assert "nothing to add" in demo["second_output"]

    def test_every_run_prints_the_sign_ins_and_the_shared_password(self, demo, db):
        for output in (demo["first_output"], demo["second_output"]):
            assert f"password {seed_demo.DEMO_PASSWORD}" in output
            for person in seed_demo.STAFF:
                assert person.email in output

    def test_staff_can_sign_in_with_the_demo_password_and_hold_their_roles(
        self, demo, db
    ):
        for person in seed_demo.STAFF:
            user = User.objects.get(email=person.email)
            assert user.email.endswith("@example.org")
            assert user.check_password(seed_demo.DEMO_PASSWORD)
            assert user.roles == frozenset({person.role})
            assert EmailAddress.objects.get(user=user).verified

    def test_social_workers_sit_in_two_teams_under_one_manager(self, demo, db):
        manager = User.objects.get(email=seed_demo.MANAGER_EMAIL)
        teams = Team.objects.filter(members__isnull=False).distinct()

        assert teams.count() == 2
        assert {team.manager for team in teams} == {manager}
        workers = User.objects.filter(groups__name=Role.SOCIAL_WORKER.value)
        assert workers.count() == 3
        assert all(worker.team is not None for worker in workers)

    def test_demo_social_workers_caseload_fits_a_real_one(self, demo, sam):
        caseload = Child.objects.filter(social_worker=sam)

        assert 30 <= caseload.count() <= 60
        assert all(child.care_started_on is not None for child in caseload)
        assert all(child.school_year_on(TODAY).needs_pep for child in caseload)

    def test_every_child_of_school_age_in_care_is_allocated_and_enrolled(
        self, demo, db
    ):
        in_care = [
            child
            for child in Child.objects.filter(care_started_on__isnull=False)
            if child.school_year_on(TODAY).needs_pep
        ]

        assert len(in_care) == 593
        assert all(child.social_worker_id is not None for child in in_care)
        enrolled = set(
            Enrolment.objects.filter(ended_on__isnull=True).values_list(
                "child_id", flat=True
            )
        )
        assert {child.pk for child in in_care} <= enrolled
        assert not Child.objects.filter(
            care_started_on__isnull=True, social_worker__isnull=False
        ).exists()

    def test_children_attend_open_schools_that_fit_their_age_and_phase(self, demo, db):
        for enrolment in Enrolment.objects.select_related("child", "school"):
            year = enrolment.child.school_year_on(TODAY)
            school = enrolment.school
            assert school.is_open
            assert (
                school.statutory_low_age <= year.number + 4 < school.statutory_high_age
            )
            assert seed_demo.fits(school, year)
            assert enrolment.started_on <= TODAY

    def test_children_get_invented_names_that_stay_the_same(self, demo, db):
        assert not Child.objects.filter(forename="").exists()
        child = Child.objects.get(local_child_id="566910")

        assert (child.forename, child.surname) == seed_demo.invented_name(child)
        assert child.forename in seed_demo.GIRLS_NAMES
        assert child.surname in seed_demo.SURNAMES

    def test_designated_teacher_and_head_share_a_school_with_one_of_sams_children(
        self, demo, sam
    ):
        teacher = SchoolStaff.objects.get(
            user__email=seed_demo.DESIGNATED_TEACHER_EMAIL
        )
        head = SchoolStaff.objects.get(user__email=seed_demo.HEADTEACHER_EMAIL)

        assert teacher.position == SchoolStaff.Position.DESIGNATED_TEACHER
        assert head.position == SchoolStaff.Position.HEADTEACHER
        assert teacher.school == head.school
        school = teacher.school
        assert school.designated_teacher_email == seed_demo.DESIGNATED_TEACHER_EMAIL
        assert school.designated_teacher_name == "Dee Dawson"
        assert Enrolment.objects.filter(
            school=school, child__social_worker=sam, ended_on__isnull=True
        ).exists()

    def test_link_teachers_share_the_schools_and_some_of_sams_children_are_lees(
        self, demo, sam
    ):
        lee, lou = (
            User.objects.get(email=email) for email in seed_demo.LINK_TEACHER_EMAILS
        )

        assert School.objects.filter(link_teacher=lee).exists()
        assert School.objects.filter(link_teacher=lou).exists()
        assert Enrolment.objects.filter(
            child__social_worker=sam, school__link_teacher=lee, ended_on__isnull=True
        ).exists()

    def test_allocated_children_have_a_carer_and_a_birth_family_contact(
        self, demo, sam
    ):
        for child in Child.objects.filter(social_worker=sam):
            kinds = Counter(child.contacts.values_list("kind", flat=True))
            assert kinds == {Contact.Kind.CARER: 1, Contact.Kind.BIRTH_FAMILY: 1}
            carer = child.contacts.get(kind=Contact.Kind.CARER)
            family = child.contacts.get(kind=Contact.Kind.BIRTH_FAMILY)
            assert not carer.name.endswith(child.surname)
            assert family.name.endswith(child.surname)
            assert child.forename not in {carer.name.split()[0], family.name.split()[0]}
        assert all(
            email.endswith("@example.org")
            for email in Contact.objects.exclude(email="").values_list(
                "email", flat=True
            )
        )

    def test_peps_come_in_several_states_with_their_content(self, demo, sam):
        statuses = Counter(Pep.objects.values_list("status", flat=True))
        assert statuses[Pep.Status.DRAFT] and statuses[Pep.Status.FINALISED]
        assert statuses[Pep.Status.APPROVED]
        assert (
            Pep.objects.filter(child__social_worker=sam)
            .values("child")
            .distinct()
            .count()
            == 45
        )

        approved = Pep.objects.filter(status=Pep.Status.APPROVED).first()
        assert approved.approved_at and approved.finalised_at
        assert approved.attendees.filter(role=MeetingAttendee.Role.CHILD).exists()
        assert approved.subjects.exclude(current_level="").exists()
        assert approved.targets.filter(pupil_premium_cost__gt=0).exists()

        draft = Pep.objects.filter(status=Pep.Status.DRAFT).first()
        assert draft.section_b.wellbeing
        assert not draft.section_b.submitted_at
        assert not draft.targets.exists()

    def test_later_peps_review_the_targets_of_the_pep_before(self, demo, db):
        later = Pep.objects.filter(previous_pep__isnull=False)

        assert later.exists()
        for pep in later[:20]:
            sources = set(
                pep.previous_target_reviews.values_list("source_target", flat=True)
            )
            assert sources == set(pep.previous_pep.targets.values_list("pk", flat=True))
        finalised = later.filter(status=Pep.Status.FINALISED).first()
        assert finalised.previous_target_reviews.exclude(success_achieved="").exists()

    def test_designated_teachers_school_has_a_draft_pep_to_work_on(self, demo, db):
        school = SchoolStaff.objects.get(
            user__email=seed_demo.DESIGNATED_TEACHER_EMAIL
        ).school

        assert Pep.objects.filter(school=school, status=Pep.Status.DRAFT).exists()
