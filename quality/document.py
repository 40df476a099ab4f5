"""The read-only PEP as one document: what the web page and the PDF both show.

`pep_document` gathers every section's answers and tables into one context for the
section templates in `templates/peps/sections/`. The web view and `quality.pdf.PepPdf`
render those same templates; they differ only in how a pupil-voice image is reached
(a permission-checked URL on the web, a file in private storage for the PDF).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from peps.models import (
    Pep,
    PupilVoiceAttachment,
    SectionA,
    SectionB,
    SectionC,
    SectionD,
)
from quality.models import SectionE
from quality.rubric import SUMMARY_RATINGS_BY_KEY

NOT_GIVEN = "Not given"

# Only formats WeasyPrint draws without fetching anything else; an SVG may refer out.
EMBEDDABLE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif"})


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    given: bool = True


@dataclass(frozen=True)
class Attachment:
    name: str
    description: str
    src: str | None


@dataclass
class Document:
    pep: Pep
    child_name: str
    section_a: list[Row]
    attendees: list[models.Model]
    section_b: list[Row]
    pupil_voice: list[Row]
    section_b_comments: list[Row]
    attachments: list[Attachment]
    access_to_education: list[Row]
    care_plan: list[Row]
    legal_statuses: list[models.Model]
    progress: list[Row]
    core_subjects: list[models.Model]
    other_subjects: list[models.Model]
    previous_targets: list[models.Model]
    core_targets: list[models.Model]
    additional_targets: list[models.Model]
    pupil_premium: list[Row]
    send: list[Row]
    activities_and_transition: list[Row]
    section_e: list[Row]
    ratings: list[Row]
    monitoring: list[Row]
    overall: list[Row] = field(default_factory=list)
    produced_on: date = field(default_factory=timezone.localdate)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def display(instance: models.Model, name: str) -> Row:
    """One answer, labelled with the question the blank PEP asks."""
    model_field = instance._meta.get_field(name)
    label = str(model_field.verbose_name)
    label = label[:1].upper() + label[1:]
    value = getattr(instance, name)

    if value is None or value == "":
        return Row(label, NOT_GIVEN, given=False)
    if getattr(model_field, "choices", None):
        text = str(getattr(instance, f"get_{name}_display")())
    elif isinstance(value, datetime):
        text = _day(timezone.localtime(value).date())
    elif isinstance(value, date):
        text = _day(value)
    elif isinstance(value, Decimal):
        text = f"{value.normalize():f}"
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    else:
        text = str(value)
    return Row(label, text)


def rows(instance: models.Model, names: Iterable[str]) -> list[Row]:
    return [display(instance, name) for name in names]


def _section(pep: Pep, model: type[models.Model], name: str) -> models.Model:
    try:
        return getattr(pep, name)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        return model(pep=pep)


SECTION_B_ABOUT = (
    "invited_to_contribute",
    "attended_meeting",
    "outcome_reviewer",
    "has_home_learning_support",
    "home_learning_needs",
    "offered_tuition",
    "wellbeing",
    "achievement",
    "attendance",
    "support",
    "relationships",
    "aspirations",
    "ambitions",
)
SECTION_B_VOICE = (
    "voice_going_right",
    "voice_subjects",
    "voice_help",
    "voice_people",
    "voice_future",
    "voice_on_time",
    "voice_previous_targets",
    "voice_new_targets",
)
SECTION_B_COMMENTS = ("carer_comments", "social_worker_comments")

ACCESS_TO_EDUCATION = (
    "previous_provisions",
    "current_provision",
    "current_provision_postcode",
    "current_provision_telephone",
    "designated_teacher_contact",
    "will_continue",
    "new_provision_identified",
    "new_provision",
    "new_provision_postcode",
    "new_provision_telephone",
    "new_provision_designated_teacher",
    "travel",
    "travel_other",
)
CARE_PLAN = (
    "referral_received_on",
    "care_started_on",
    "current_legal_status",
    "sdq_score",
    "health_information",
    "care_plan_summary",
    "contact_arrangements",
    "placement_stability",
    "case_worker_name",
    "case_worker_telephone",
    "who_informs_school",
    "who_liaises_daily",
    "who_receives_correspondence",
    "carer_information_sharing",
    "parent_information_sharing",
    "who_attends_events",
    "school_trip_permission",
    "long_journey_permission",
    "has_education_costs",
    "who_meets_costs",
)
PROGRESS = (
    "current_attendance",
    "attendance_support",
    "education_summary",
    "accessing_tuition",
    "virtual_school_tuition",
)
PUPIL_PREMIUM = (
    "pupil_premium_use",
    "carer_support_for_targets",
    "social_worker_support_for_targets",
    "additional_pupil_premium_request",
)
SEND = (
    "has_send",
    "primary_send_need",
    "send_stage",
    "out_of_area_send_status",
    "recent_assessments",
    "inclusion_arrangements",
)
ACTIVITIES_AND_TRANSITION = (
    "extra_curricular",
    "change_of_school_discussed",
    "transition_arrangements",
    "new_school_arrangements",
)
MONITORING = (
    "progress_comment",
    "progress_data_missing",
    "attendance_comment",
    "access_to_education_comment",
    "link_teacher_comment",
)


def _person(user: models.Model | None) -> str:
    return str(user) if user is not None else ""


def section_a_rows(pep: Pep, section: SectionA) -> list[Row]:
    child = pep.child
    found = [
        Row("Name", child.display_name),
        Row("Date of birth", _day(child.date_of_birth)),
        Row("Unique pupil number", child.upn or NOT_GIVEN, given=bool(child.upn)),
        Row(
            "School",
            pep.school.name if pep.school else NOT_GIVEN,
            given=pep.school is not None,
        ),
        Row(
            "Social worker",
            _person(pep.social_worker) or NOT_GIVEN,
            given=pep.social_worker is not None,
        ),
    ]
    found += rows(section, ("phase", "school_year"))
    found += rows(pep, ("meeting_date", "next_meeting_date"))
    if pep.late_reason:
        found.append(display(pep, "late_reason"))
    return found


def section_e_rows(section: SectionE) -> tuple[list[Row], list[Row], list[Row]]:
    teacher = _person(section.link_teacher)
    about = [
        Row("Name of link teacher", teacher or NOT_GIVEN, given=bool(teacher)),
        display(section, "virtual_school_contact"),
    ]
    ratings = []
    for key, name in (
        ("pupil_voice", "pupil_voice_rating"),
        ("care_planning", "care_planning_rating"),
        ("educational_targets", "targets_rating"),
    ):
        rating = SUMMARY_RATINGS_BY_KEY[key]
        value = getattr(section, name)
        if value is None:
            ratings.append(Row(rating.title, NOT_GIVEN, given=False))
        else:
            ratings.append(Row(rating.title, f"{value}: {rating.descriptor(value)}"))
    return about, ratings, rows(section, MONITORING)


def overall_rows(section: SectionE) -> list[Row]:
    if section.assessed_at is None:
        return []
    return [
        Row("Overall PEP rating", section.overall_band),
        Row("Social care sections", section.social_care_band),
        Row("Education sections", section.education_band),
    ]


def attachments(
    pep: Pep, image_src: Callable[[PupilVoiceAttachment], str | None]
) -> list[Attachment]:
    found = []
    for attachment in pep.voice_attachments.all():
        src = (
            image_src(attachment)
            if attachment.content_type in EMBEDDABLE_IMAGES
            else None
        )
        found.append(Attachment(attachment.original_name, attachment.description, src))
    return found


def pep_document(
    pep: Pep, image_src: Callable[[PupilVoiceAttachment], str | None]
) -> Document:
    """Everything the section templates show for one PEP."""
    section_a = _section(pep, SectionA, "section_a")
    section_b = _section(pep, SectionB, "section_b")
    section_c = _section(pep, SectionC, "section_c")
    section_d = _section(pep, SectionD, "section_d")
    section_e = _section(pep, SectionE, "section_e")
    subjects = list(pep.subjects.all())
    targets = list(pep.targets.all())
    e_about, e_ratings, e_monitoring = section_e_rows(section_e)

    return Document(
        pep=pep,
        child_name=pep.child.display_name,
        section_a=section_a_rows(pep, section_a),
        attendees=list(pep.attendees.all()),
        section_b=rows(section_b, SECTION_B_ABOUT),
        pupil_voice=rows(section_b, SECTION_B_VOICE),
        section_b_comments=rows(section_b, SECTION_B_COMMENTS),
        attachments=attachments(pep, image_src),
        access_to_education=rows(section_c, ACCESS_TO_EDUCATION)
        + [
            Row(
                "Virtual School teacher",
                _person(section_c.virtual_teacher) or NOT_GIVEN,
                given=section_c.virtual_teacher_id is not None,
            )
        ],
        care_plan=rows(section_c, CARE_PLAN),
        legal_statuses=list(pep.legal_statuses.all()),
        progress=rows(section_d, PROGRESS),
        core_subjects=[row for row in subjects if row.is_core],
        other_subjects=[row for row in subjects if not row.is_core],
        previous_targets=list(pep.previous_target_reviews.all()),
        core_targets=[t for t in targets if t.kind == t.Kind.CORE],
        additional_targets=[t for t in targets if t.kind != t.Kind.CORE],
        pupil_premium=rows(section_d, PUPIL_PREMIUM),
        send=rows(section_d, SEND),
        activities_and_transition=rows(section_d, ACTIVITIES_AND_TRANSITION),
        section_e=e_about,
        ratings=e_ratings,
        monitoring=e_monitoring,
        overall=overall_rows(section_e),
    )


def no_images(attachment: PupilVoiceAttachment) -> None:
    """For pages that show attachments by name only."""
    return None
