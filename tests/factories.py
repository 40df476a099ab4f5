"""Invented people and records for tests. None of them is a real person."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from peps import models


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.invalid")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.PostGenerationMethodCall("set_password", "Correct-Horse-42!")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = models.School

    urn = factory.Sequence(lambda n: 900000 + n)
    name = factory.Sequence(lambda n: f"Invented Primary School {n}")
    status = models.School.Status.OPEN
    phase = "Primary"
    establishment_type = "Community school"
    town = "Exampleton"
    postcode = "ZZ1 1ZZ"
    statutory_low_age = 4
    statutory_high_age = 11
    local_authority_code = "999"
    local_authority_name = "Example"


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = models.Child

    local_child_id = factory.Sequence(lambda n: f"T{n:06d}")
    forename = factory.Sequence(lambda n: f"Alex{n}")
    surname = "Testchild"
    date_of_birth = datetime.date(2015, 3, 14)
    sex = models.Child.Sex.FEMALE
    ethnicity = "WBRI"
    upn = ""
    care_started_on = datetime.date(2024, 1, 8)


class CareEpisodeFactory(DjangoModelFactory):
    class Meta:
        model = models.CareEpisode

    child = factory.SubFactory(ChildFactory)
    started_on = datetime.date(2024, 1, 8)
    reason_for_new_episode = "S"
    legal_status = "C2"
    category_of_need = "N1"
    placement_type = "U1"
    placement_provider = "PR1"


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = models.Enrolment

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    started_on = datetime.date(2023, 9, 1)


class PepFactory(DjangoModelFactory):
    class Meta:
        model = models.Pep
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    meeting_date = datetime.date(2024, 2, 1)

    @factory.post_generation
    def sections(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            for section in (
                models.SectionA,
                models.SectionB,
                models.SectionC,
                models.SectionD,
            ):
                section.objects.get_or_create(pep=obj)


class SubjectProgressFactory(DjangoModelFactory):
    class Meta:
        model = models.SubjectProgress

    pep = factory.SubFactory(PepFactory)
    subject = "Maths"
    is_core = True
    current_level = "4"
    target_level = "6"
    predicted_level = "5"
    on_track_for_target = "yes"
    comments = "Invented comment about progress."


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = models.Target

    pep = factory.SubFactory(PepFactory)
    kind = models.Target.Kind.CORE
    subject_area = "Maths"
    target = factory.Sequence(lambda n: f"Invented SMART target {n}")
    action = "Weekly tuition."
    success_criteria = "8 out of 10 on the unit check."
    timescale = "One term"
    pupil_premium_cost = 300
