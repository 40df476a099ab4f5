"""A fully written, invented PEP: for the PDF benchmark, demos and tests.

Every person and answer here is made up. `fill_demo_pep` writes every section of an
existing PEP; `build_demo_pep` also makes the child, school and people around it.
"""

from __future__ import annotations

import datetime
import io
import zlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import User
from peps.models import (
    CareEpisode,
    Child,
    Enrolment,
    LegalStatusRow,
    MeetingAttendee,
    Pep,
    PreviousTargetReview,
    PupilVoiceAttachment,
    School,
    SectionA,
    SectionB,
    SectionC,
    SectionD,
    SubjectProgress,
    Target,
)

LONG_ANSWER = (
    "She settles quickly in the mornings when the breakfast club is open and works "
    "best in small groups with a familiar adult. Her teachers describe real gains in "
    "confidence this term, especially when reading aloud to younger pupils."
)


def demo_drawing() -> bytes:
    """A small PNG standing in for a child's drawing."""
    image = Image.new("RGB", (320, 200), "white")
    pen = ImageDraw.Draw(image)
    pen.rectangle((20, 120, 120, 190), outline="navy", width=4)
    pen.polygon([(10, 120), (70, 70), (130, 120)], outline="darkred", width=4)
    pen.ellipse((230, 20, 290, 80), outline="orange", width=6)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _section_a(pep: Pep) -> None:
    SectionA.objects.update_or_create(
        pep=pep, defaults={"phase": "primary", "school_year": "Year 4"}
    )
    for name, role in (
        ("Jo Example", MeetingAttendee.Role.CHILD),
        ("Sam Worker", MeetingAttendee.Role.SOCIAL_WORKER),
        ("Dee Teacher", MeetingAttendee.Role.DESIGNATED_TEACHER),
        ("Chris Carer", MeetingAttendee.Role.CARER),
    ):
        MeetingAttendee.objects.create(
            pep=pep, name=name, role=role, contact_details="01234 000000"
        )


def _section_b(pep: Pep) -> None:
    answers = {
        field.name: LONG_ANSWER
        for field in SectionB._meta.get_fields()
        if getattr(field, "get_internal_type", lambda: "")() == "TextField"
    }
    answers.update(
        invited_to_contribute="yes",
        attended_meeting="yes",
        has_home_learning_support="yes",
        offered_tuition="no",
        outcome_reviewer="Designated teacher",
        voice_on_time="Yes, my carer walks me in.",
    )
    SectionB.objects.update_or_create(pep=pep, defaults=answers)


def _section_c(pep: Pep, link_teacher: User | None) -> None:
    SectionC.objects.update_or_create(
        pep=pep,
        defaults={
            "previous_provisions": "Invented Infant School, Sept 2019 to July 2022",
            "current_provision": "Invented Primary School, 1 Example Road, Exampleton",
            "current_provision_postcode": "ZZ1 1ZZ",
            "current_provision_telephone": "01234 000001",
            "designated_teacher_contact": "Dee Teacher, 01234 000002",
            "virtual_teacher": link_teacher,
            "will_continue": "yes",
            "travel": SectionC.Travel.CARER_DRIVES,
            "referral_received_on": datetime.date(2023, 11, 20),
            "care_started_on": datetime.date(2024, 1, 8),
            "current_legal_status": "Interim care order",
            "sdq_score": 14,
            "health_information": LONG_ANSWER,
            "care_plan_summary": LONG_ANSWER,
            "contact_arrangements": "Supervised contact with mother fortnightly.",
            "placement_stability": "Settled with the same carers since January.",
            "case_worker_name": "Sam Worker",
            "case_worker_telephone": "01234 000003",
            "who_informs_school": "Social worker",
            "who_liaises_daily": "Carer",
            "who_receives_correspondence": "Carer",
            "who_attends_events": "Carer",
            "school_trip_permission": "Carer",
            "long_journey_permission": "Social worker",
            "has_education_costs": "yes",
            "who_meets_costs": "Carer from the fostering allowance",
        },
    )
    LegalStatusRow.objects.create(
        pep=pep,
        started_on=datetime.date(2024, 1, 8),
        legal_status="Interim care order",
        court="Exampleton Family Court",
    )


def _section_d(pep: Pep) -> None:
    SectionD.objects.update_or_create(
        pep=pep,
        defaults={
            "current_attendance": Decimal("96.50"),
            "education_summary": LONG_ANSWER,
            "accessing_tuition": "yes",
            "virtual_school_tuition": "no",
            "pupil_premium_use": "Weekly reading tuition and a maths mentor.",
            "carer_support_for_targets": "Reads with her every evening.",
            "social_worker_support_for_targets": "Checks progress at each visit.",
            "has_send": "no",
            "recent_assessments": "Boxall profile, October 2024",
            "extra_curricular": "Choir and football club",
            "change_of_school_discussed": "not_applicable",
            "transition_arrangements": "Visits to the Year 5 class in July.",
        },
    )
    for position, (subject, core) in enumerate(
        (
            ("English reading", True),
            ("English writing", True),
            ("Mathematics", True),
            ("Science", False),
        )
    ):
        SubjectProgress.objects.create(
            pep=pep,
            subject=subject,
            is_core=core,
            current_level="Working towards",
            target_level="Expected",
            predicted_level="Expected",
            on_track_for_target="yes",
            on_track_for_are="no",
            making_good_progress="yes",
            comments="Steady progress since the last PEP.",
            position=position,
        )
    PreviousTargetReview.objects.create(
        pep=pep,
        target="Read a book of her choice to the class by the end of term.",
        impact="Read two books aloud; more confident in front of others.",
        success_achieved="yes",
    )
    Target.objects.create(
        pep=pep,
        subject_area="Reading",
        target="Read 20 minutes each evening and finish 3 chapter books by the end "
        "of the spring term.",
        action="The class teacher will hear her read twice a week; the carer will "
        "sign her reading record each evening.",
        success_criteria="Reading age rises by 6 months on the spring assessment.",
        timescale="End of spring term 2025",
        pupil_premium_cost=Decimal("450.00"),
    )
    Target.objects.create(
        pep=pep,
        subject_area="Mathematics",
        target="Know the 3, 4 and 8 times tables.",
        action="The teaching assistant will run a 10-minute session each morning.",
        success_criteria="Scores 20 out of 25 on the multiplication check practice.",
        timescale="By February half term",
        pupil_premium_cost=Decimal("300.00"),
    )
    Target.objects.create(
        pep=pep,
        kind=Target.Kind.ADDITIONAL,
        subject_area="Music",
        target="Sing a solo line in the spring concert.",
        action="Mrs Khan will rehearse with her weekly.",
        success_criteria="Sings the 8-bar solo accurately at the concert.",
        timescale="March 2025",
    )


@transaction.atomic
def fill_demo_pep(pep: Pep, *, link_teacher: User | None = None) -> Pep:
    """Write every section of `pep` with invented answers, and attach a drawing."""
    _section_a(pep)
    _section_b(pep)
    _section_c(pep, link_teacher)
    _section_d(pep)
    attachment = PupilVoiceAttachment(
        pep=pep,
        original_name="my-house.png",
        content_type="image/png",
        size=0,
        description="A drawing of my house and the sun",
    )
    drawing = demo_drawing()
    attachment.size = len(drawing)
    attachment.file.save("my-house.png", ContentFile(drawing), save=False)
    attachment.save()
    pep.next_meeting_date = pep.meeting_date + datetime.timedelta(days=180)
    pep.save(update_fields=["next_meeting_date"])
    # A fresh copy: the caller's instance may hold the empty sections it was made with.
    return Pep.objects.select_related("child", "school").get(pk=pep.pk)


@transaction.atomic
def build_demo_pep(*, suffix: str = "demo") -> Pep:
    """Make an invented child with a school, people and a fully written PEP."""
    link_teacher, _ = User.objects.get_or_create(
        email=f"link-teacher-{suffix}@example.invalid",
        defaults={"first_name": "Lee", "last_name": "Link"},
    )
    social_worker, _ = User.objects.get_or_create(
        email=f"social-worker-{suffix}@example.invalid",
        defaults={"first_name": "Sam", "last_name": "Worker"},
    )
    school, _ = School.objects.get_or_create(
        urn=990000 + zlib.crc32(suffix.encode()) % 9999,
        defaults={
            "name": "Invented Primary School",
            "status": School.Status.OPEN,
            "link_teacher": link_teacher,
        },
    )
    child = Child.objects.create(
        local_child_id=f"D{zlib.crc32(suffix.encode()) % 10**8:08d}",
        forename="Jo",
        surname="Example",
        date_of_birth=datetime.date(2015, 3, 14),
        sex=Child.Sex.FEMALE,
        social_worker=social_worker,
    )
    CareEpisode.objects.create(
        child=child,
        started_on=datetime.date(2024, 1, 8),
        reason_for_new_episode="S",
        legal_status="C1",
        category_of_need="N1",
        placement_type="U1",
    )
    Enrolment.objects.create(
        child=child, school=school, started_on=datetime.date(2022, 9, 1)
    )
    pep = Pep.objects.create(
        child=child,
        school=school,
        social_worker=social_worker,
        meeting_date=datetime.date(2024, 11, 12),
    )
    return fill_demo_pep(pep, link_teacher=link_teacher)
