"""pep_create: a new PEP, filled in from the child's record and their last PEP."""

from __future__ import annotations

from datetime import date

import pytest

from peps import services
from peps.models import (
    LegalStatusRow,
    Pep,
    Phase,
    PreviousTargetReview,
    SectionA,
    SectionB,
    SectionC,
    SectionD,
    SubjectProgress,
)
from peps.services import pep_create
from tests import factories

MEETING = date(2026, 11, 20)


@pytest.fixture
def school_with_contacts(school):
    school.name = "Invented Primary School"
    school.street = "1 Example Lane"
    school.town = "Exampleton"
    school.postcode = "ZZ1 1ZZ"
    school.telephone = "0113 496 0100"
    school.designated_teacher_name = "Dee Teacher"
    school.designated_teacher_email = "dee@example.invalid"
    school.designated_teacher_telephone = "0113 496 0101"
    school.save()
    return school


@pytest.mark.django_db
def test_first_pep_has_every_section_and_the_childs_school_and_worker(
    child, school, social_worker
):
    pep = pep_create(child, MEETING, social_worker, late_reason="Carer was ill.")

    assert pep.child == child
    assert pep.school == school
    assert pep.social_worker == social_worker
    assert pep.created_by == social_worker
    assert pep.meeting_date == MEETING
    assert pep.late_reason == "Carer was ill."
    assert pep.status == Pep.Status.DRAFT
    # First PEP of a care period that began on Monday 8 January 2024: 20 working
    # days counted from the 9th (no bank holidays) end on Monday 5 February.
    assert pep.due_on == date(2024, 2, 5)
    assert pep.previous_pep is None
    for section in (SectionA, SectionB, SectionC, SectionD):
        assert section.objects.get(pep=pep).updated_by == social_worker


@pytest.mark.django_db
def test_section_a_takes_year_and_phase_from_the_date_of_birth(child, social_worker):
    # Born 14 March 2015: Reception in 2019-20, so Year 7 in 2026-27.
    pep = pep_create(child, MEETING, social_worker)

    assert pep.section_a.school_year == "Year 7"
    assert pep.section_a.phase == Phase.SECONDARY


@pytest.mark.django_db
def test_section_c_is_filled_from_the_childs_record(
    child, school_with_contacts, social_worker, link_teacher
):
    social_worker.telephone = "0113 496 0011"
    social_worker.save()
    child.sdq_score = 14
    child.referral_received_on = date(2023, 12, 1)
    child.save()

    section = pep_create(child, MEETING, social_worker).section_c

    assert section.care_started_on == date(2024, 1, 8)
    assert section.referral_received_on == date(2023, 12, 1)
    assert section.current_legal_status == "C2: Full care order"
    assert section.sdq_score == 14
    assert section.case_worker_name == "Sam Worker"
    assert section.case_worker_telephone == "0113 496 0011"
    assert section.current_provision == (
        "Invented Primary School\n1 Example Lane, Exampleton"
    )
    assert section.current_provision_postcode == "ZZ1 1ZZ"
    assert section.current_provision_telephone == "0113 496 0100"
    assert section.designated_teacher_contact == (
        "Dee Teacher, dee@example.invalid, 0113 496 0101"
    )
    assert section.virtual_teacher == link_teacher


@pytest.mark.django_db
def test_legal_status_rows_follow_the_changes_in_the_care_episodes(
    child, social_worker
):
    child.episodes.update(ended_on=date(2024, 3, 1), reason_ceased="X1")
    factories.CareEpisodeFactory(
        child=child,
        started_on=date(2024, 3, 1),
        reason_for_new_episode="L",
        legal_status="E1",
    )

    pep = pep_create(child, MEETING, social_worker)

    assert list(
        LegalStatusRow.objects.filter(pep=pep).values_list(
            "started_on", "legal_status", "actual_end_date"
        )
    ) == [
        (date(2024, 3, 1), "E1: Placement order granted", None),
        (date(2024, 1, 8), "C2: Full care order", date(2024, 3, 1)),
    ]
    assert pep.section_c.current_legal_status == "E1: Placement order granted"


@pytest.mark.django_db
def test_first_pep_starts_with_the_core_subjects_of_the_blank_form(
    child, social_worker
):
    pep = pep_create(child, MEETING, social_worker)

    assert list(pep.subjects.values_list("subject", "is_core", "position")) == [
        ("English Language", True, 0),
        ("English Literature", True, 1),
        ("Maths", True, 2),
    ]
    assert not pep.previous_target_reviews.exists()


@pytest.fixture
def last_pep(child, social_worker):
    """A filled-in PEP from the summer term."""
    pep = pep_create(child, date(2026, 5, 20), social_worker)
    SectionC.objects.filter(pep=pep).update(
        previous_provisions="Invented Infant School, 2019 to 2022",
        travel=SectionC.Travel.CARER_DRIVES,
        care_plan_summary="Long-term foster placement.",
        contact_arrangements="Family time monthly, never on school days.",
        school_trip_permission="Foster carer",
        will_continue="yes",
        new_provision="Somewhere else",
    )
    SectionD.objects.filter(pep=pep).update(
        has_send="yes",
        primary_send_need="Speech, language and communication needs",
        send_stage=SectionD.SendStage.SEN_SUPPORT,
        extra_curricular="Swimming club",
        current_attendance=91.5,
        education_summary="Settled this term.",
    )
    SectionA.objects.filter(pep=pep).update(phase=Phase.PRIMARY)
    SubjectProgress.objects.filter(pep=pep).delete()
    factories.SubjectProgressFactory(pep=pep, subject="Maths", position=0)
    factories.SubjectProgressFactory(
        pep=pep, subject="Art", is_core=False, position=3, target_level="7"
    )
    factories.TargetFactory(pep=pep, subject_area="Maths", target="Know the 8s.")
    factories.TargetFactory(pep=pep, subject_area="", target="Join a club.")
    return pep


@pytest.mark.django_db
def test_next_pep_carries_over_what_stays_true(child, social_worker, last_pep):
    pep = pep_create(child, MEETING, social_worker)

    assert pep.previous_pep == last_pep
    section_c = pep.section_c
    assert section_c.previous_provisions == "Invented Infant School, 2019 to 2022"
    assert section_c.travel == SectionC.Travel.CARER_DRIVES
    assert section_c.care_plan_summary == "Long-term foster placement."
    assert section_c.contact_arrangements == (
        "Family time monthly, never on school days."
    )
    assert section_c.school_trip_permission == "Foster carer"
    assert section_c.will_continue == ""
    assert section_c.new_provision == ""
    section_d = pep.section_d
    assert section_d.has_send == "yes"
    assert section_d.primary_send_need == "Speech, language and communication needs"
    assert section_d.send_stage == SectionD.SendStage.SEN_SUPPORT
    assert section_d.extra_curricular == "Swimming club"
    assert section_d.current_attendance is None
    assert section_d.education_summary == ""
    # The phase follows the school year, not the last PEP: Year 7 is secondary.
    assert pep.section_a.phase == Phase.SECONDARY


@pytest.mark.django_db
def test_next_pep_keeps_subjects_and_targets_but_not_this_terms_levels(
    child, social_worker, last_pep
):
    pep = pep_create(child, MEETING, social_worker)

    rows = list(
        pep.subjects.values(
            "subject",
            "is_core",
            "position",
            "target_level",
            "current_level",
            "predicted_level",
            "on_track_for_target",
            "comments",
        )
    )
    assert rows == [
        {
            "subject": "Maths",
            "is_core": True,
            "position": 0,
            "target_level": "6",
            "current_level": "",
            "predicted_level": "",
            "on_track_for_target": "",
            "comments": "",
        },
        {
            "subject": "Art",
            "is_core": False,
            "position": 3,
            "target_level": "7",
            "current_level": "",
            "predicted_level": "",
            "on_track_for_target": "",
            "comments": "",
        },
    ]


@pytest.mark.django_db
def test_last_peps_new_targets_become_reviews_of_previous_targets(
    child, social_worker, last_pep
):
    pep = pep_create(child, MEETING, social_worker)

    reviews = list(PreviousTargetReview.objects.filter(pep=pep))
    assert [review.target for review in reviews] == [
        "Maths: Know the 8s.",
        "Join a club.",
    ]
    assert {review.source_target for review in reviews} == set(last_pep.targets.all())
    assert all(review.success_achieved == "" for review in reviews)


@pytest.mark.django_db
def test_special_school_gives_the_special_phase_which_then_carries_over(
    child, school, social_worker
):
    school.establishment_type = "Community special school"
    school.establishment_type_group = "Special schools"
    school.save()
    first = pep_create(child, date(2026, 5, 20), social_worker)
    school.establishment_type_group = "Local authority maintained schools"
    school.establishment_type = "Community school"
    school.save()

    second = pep_create(child, MEETING, social_worker)

    assert first.section_a.phase == Phase.SPECIAL
    assert second.section_a.phase == Phase.SPECIAL


@pytest.mark.django_db
def test_ended_enrolment_is_not_the_current_school(child, school, social_worker):
    child.enrolments.update(ended_on=date(2026, 7, 20))
    new_school = factories.SchoolFactory(name="Invented Secondary School")
    factories.EnrolmentFactory(
        child=child, school=new_school, started_on=date(2026, 9, 2)
    )

    pep = pep_create(child, MEETING, social_worker)

    assert pep.school == new_school
    assert pep.section_c.current_provision.startswith("Invented Secondary School")


@pytest.mark.django_db
def test_child_without_school_or_episodes_gets_a_blank_provision(social_worker):
    child = factories.ChildFactory(social_worker=None, care_started_on=None)

    pep = pep_create(child, MEETING, social_worker)

    assert pep.school is None
    assert pep.social_worker is None
    assert pep.section_c.current_provision == ""
    assert pep.section_c.current_legal_status == ""
    assert pep.section_c.case_worker_name == ""
    assert not pep.legal_statuses.exists()


@pytest.mark.django_db
def test_pep_dated_before_every_other_has_no_previous_pep(
    child, social_worker, last_pep
):
    pep = pep_create(child, date(2025, 1, 10), social_worker)

    assert pep.previous_pep is None
    assert not pep.previous_target_reviews.exists()


@pytest.mark.django_db
def test_nothing_is_kept_when_creation_fails_part_way(
    child, social_worker, monkeypatch
):
    def broken(pep, child):
        raise RuntimeError("legal statuses could not be written")

    monkeypatch.setattr(services, "_create_legal_statuses", broken)

    with pytest.raises(RuntimeError):
        pep_create(child, MEETING, social_worker)

    assert not Pep.objects.exists()
    assert not SectionA.objects.exists()
    assert not SubjectProgress.objects.exists()
