"""Operations that change children and PEPs: each runs in one transaction and logs
ids only."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from peps import care_periods, schedule, school_year
from peps.forms import RowFormSet, SectionForm
from peps.imports.ssda903_codes import legal_status_label
from peps.models import (
    Child,
    Enrolment,
    LegalStatusRow,
    Pep,
    Phase,
    PreviousTargetReview,
    School,
    Section,
    SectionA,
    SectionB,
    SectionC,
    SectionD,
    SubjectProgress,
)

logger = logging.getLogger(__name__)

# What stays true from one PEP to the next until someone changes it: the history of
# provisions, how the child travels, the care-plan arrangements and permissions.
# Answers about this meeting (will the child stay at the school, a new provision)
# start blank every time.
CARRIED_SECTION_C_FIELDS = (
    "previous_provisions",
    "travel",
    "travel_other",
    "virtual_teacher",
    "health_information",
    "care_plan_summary",
    "contact_arrangements",
    "placement_stability",
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

# Special educational needs and interests change slowly; attendance, progress,
# tuition, Pupil Premium Plus and transition are reported afresh each time.
CARRIED_SECTION_D_FIELDS = (
    "has_send",
    "primary_send_need",
    "send_stage",
    "out_of_area_send_status",
    "recent_assessments",
    "inclusion_arrangements",
    "extra_curricular",
)

# The core rows of the blank PEP's education progress table.
CORE_SUBJECTS = ("English Language", "English Literature", "Maths")


@transaction.atomic
def pep_create(
    child: Child, meeting_date: date, created_by: User, *, late_reason: str = ""
) -> Pep:
    """Start a child's next PEP, filled in from their record and their last PEP.

    docs/pep-lifecycle.md lists what is carried over and what starts blank.
    """
    # One PEP creation per child at a time, so that a form sent twice at once
    # cannot make two PEPs for one meeting.
    Child.objects.select_for_update().filter(pk=child.pk).exists()
    if child.peps.filter(meeting_date=meeting_date).exists():
        raise ValueError("This child already has a PEP meeting on that date.")

    previous = (
        child.peps.filter(meeting_date__lte=meeting_date)
        .order_by("-meeting_date", "-id")
        .first()
    )
    school = current_school(child)

    pep = Pep.objects.create(
        child=child,
        previous_pep=previous,
        school=school,
        social_worker=child.social_worker,
        meeting_date=meeting_date,
        late_reason=late_reason,
        created_by=created_by,
    )

    SectionA.objects.create(
        pep=pep,
        phase=_phase(child, meeting_date, school, previous),
        school_year=child.school_year_on(meeting_date).label,
        updated_by=created_by,
    )
    SectionB.objects.create(pep=pep, updated_by=created_by)
    _create_section_c(pep, child, school, previous, created_by)
    _create_section_d(pep, previous, created_by)
    _create_legal_statuses(pep, child)
    # Records when the meeting was due, lays out the preparation tasks and sends
    # the invitations once the transaction commits.
    schedule.pep_scheduled(pep, date_changed=False)

    logger.info("PEP %s created for child %s", pep.pk, child.pk)
    return pep


def current_school(child: Child) -> School | None:
    """The school of the child's open enrolment that started last."""
    enrolment = (
        Enrolment.objects.filter(child=child, ended_on__isnull=True)
        .select_related("school")
        .order_by("-started_on", "-id")
        .first()
    )
    return enrolment.school if enrolment else None


def _phase(
    child: Child, meeting_date: date, school: School | None, previous: Pep | None
) -> str:
    """The phase from the school year; "Special school" comes from the school or is
    kept from the last PEP, as no date of birth can tell it."""
    if school is not None and _is_special(school):
        return Phase.SPECIAL
    previous_a = _section(previous, SectionA)
    if previous_a is not None and previous_a.phase == Phase.SPECIAL:
        return Phase.SPECIAL
    return school_year.phase_for(child.school_year_on(meeting_date))


SectionModel = TypeVar("SectionModel", SectionA, SectionC, SectionD)


def _section(pep: Pep | None, model: type[SectionModel]) -> SectionModel | None:
    """A section of an earlier PEP, or None if that PEP never had one."""
    if pep is None:
        return None
    return model.objects.filter(pep=pep).first()


def _is_special(school: School) -> bool:
    kind = f"{school.establishment_type_group} {school.establishment_type}"
    return "special" in kind.casefold()


def _create_section_c(
    pep: Pep,
    child: Child,
    school: School | None,
    previous: Pep | None,
    created_by: User,
) -> None:
    section = SectionC(pep=pep, updated_by=created_by)
    previous_c = _section(previous, SectionC)
    if previous_c is not None:
        for name in CARRIED_SECTION_C_FIELDS:
            setattr(section, name, getattr(previous_c, name))

    if school is not None:
        section.current_provision = "\n".join(
            part for part in (school.name, school.address) if part
        )
        section.current_provision_postcode = school.postcode
        section.current_provision_telephone = school.telephone
        section.designated_teacher_contact = ", ".join(
            part
            for part in (
                school.designated_teacher_name,
                school.designated_teacher_email,
                school.designated_teacher_telephone,
            )
            if part
        )
        if school.link_teacher_id is not None:
            section.virtual_teacher_id = school.link_teacher_id

    section.referral_received_on = child.referral_received_on
    section.care_started_on = child.care_started_on
    section.sdq_score = child.sdq_score
    latest = care_periods.current_episode(child.episodes.all())
    if latest is not None:
        section.current_legal_status = legal_status_label(latest.legal_status)
    social_worker = child.social_worker
    if social_worker is not None:
        section.case_worker_name = social_worker.get_full_name() or social_worker.email
        section.case_worker_telephone = social_worker.telephone
    section.save()


def _create_section_d(pep: Pep, previous: Pep | None, created_by: User) -> None:
    section = SectionD(pep=pep, updated_by=created_by)
    previous_d = _section(previous, SectionD)
    if previous_d is not None:
        for name in CARRIED_SECTION_D_FIELDS:
            setattr(section, name, getattr(previous_d, name))
    section.save()

    # Subjects and their end-of-stage targets carry over; this term's levels,
    # progress answers and comments are the school's to give again.
    if previous is not None and previous.subjects.exists():
        subjects = [
            SubjectProgress(
                pep=pep,
                subject=row.subject,
                is_core=row.is_core,
                position=row.position,
                target_level=row.target_level,
            )
            for row in previous.subjects.all()
        ]
    else:
        subjects = [
            SubjectProgress(pep=pep, subject=name, is_core=True, position=position)
            for position, name in enumerate(CORE_SUBJECTS)
        ]
    bulk_create_with_history(subjects, SubjectProgress)

    if previous is not None:
        reviews = [
            PreviousTargetReview(
                pep=pep,
                source_target=target,
                target=(
                    f"{target.subject_area}: {target.target}"
                    if target.subject_area
                    else target.target
                ),
            )
            for target in previous.targets.all()
        ]
        if reviews:
            bulk_create_with_history(reviews, PreviousTargetReview)


def _create_legal_statuses(pep: Pep, child: Child) -> None:
    spans = care_periods.legal_status_spans(child.episodes.all())
    rows = [
        LegalStatusRow(
            pep=pep,
            started_on=span.started_on,
            legal_status=legal_status_label(span.legal_status),
            actual_end_date=span.ended_on,
        )
        for span in spans
    ]
    if rows:
        bulk_create_with_history(rows, LegalStatusRow)


CONFLICT_MESSAGE = (
    "Someone else saved this section while you were editing. Your changes have not "
    "been saved; they are shown below so you can copy them across."
)


class SectionConflict(Exception):
    """The section was saved by someone else after this form was read."""


@transaction.atomic
def section_save(
    section: Section,
    form: SectionForm,
    user: User,
    expected_version: int,
    formsets: Iterable[RowFormSet] = (),
) -> Section:
    """Save a validated section form and its tables, unless the section has moved on.

    The form carries the version it was read at. The section row stays locked from the
    version check to the end of the save, so two people saving at once cannot both
    pass the check: the second is refused and keeps what they typed.
    """
    stored_version = (
        type(section)
        .objects.select_for_update()
        .values_list("version", flat=True)
        .get(pk=section.pk)
    )
    if stored_version != expected_version:
        logger.info(
            "Refused a stale save of %s %s: read at version %s, stored version %s",
            type(section).__name__,
            section.pk,
            expected_version,
            stored_version,
        )
        raise SectionConflict(CONFLICT_MESSAGE)

    section = form.save(commit=False)
    section.version = stored_version + 1
    section.updated_by = user
    # Only what the form holds: fields set elsewhere, such as a submission time,
    # are left as they are stored.
    section.save(
        update_fields=[*form.section_fields, "version", "updated_by", "updated_at"]
    )

    pep = form.pep
    pep_fields = [name for name in form.pep_fields if name in form.cleaned_data]
    meeting_moved = (
        "meeting_date" in pep_fields
        and form.cleaned_data["meeting_date"] != pep.meeting_date
    )
    if pep_fields:
        for name in pep_fields:
            setattr(pep, name, form.cleaned_data[name])
        pep.save(update_fields=[*pep_fields, "updated_at"])
    if meeting_moved:
        # Tasks follow the new date and everyone invited gets an updated invitation.
        schedule.pep_scheduled(pep, date_changed=True)

    for formset in formsets:
        _rows_save(formset)
    if isinstance(section, SectionC):
        # Saving Section C is the social worker's step a week before the meeting.
        schedule.pep_step_done(pep, "complete_section_c")

    logger.info(
        "Saved %s %s of PEP %s as version %s by user %s",
        type(section).__name__,
        section.pk,
        pep.pk,
        section.version,
        user.pk,
    )
    return section


def _rows_save(formset: RowFormSet) -> None:
    # New rows are created in page order, after the stored ones, so the rows' own
    # ordering (by id once other keys tie) keeps them as they were typed.
    for row in formset.save(commit=False):
        for name, value in formset.kind.items():
            setattr(row, name, value)
        row.save()
    for row in formset.deleted_objects:
        row.delete()
