"""What the pure rules need to know about one PEP, read from the database.

`pep_facts` says, field by field, which parts of the blank PEP are filled in, for the
suggested rubric scores (`quality.completeness`). A field the guide asks only in some
cases ("if other, please specify") is left out when the case does not arise, as the
completeness rules expect.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import User
from peps.models import (
    Pep,
    PepUserObjectPermission,
    SectionA,
    SectionB,
    SectionC,
    SectionD,
    YesNo,
)
from quality.completeness import PepFacts
from quality.smart_targets import TargetText, check_target
from quality.workflow import FinaliseFacts

# Below this attendance a school is expected to say what support is in place: it is
# the line under which a pupil counts as persistently absent.
ATTENDANCE_CONCERN_BELOW = Decimal("90")


def _filled(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def _section(pep: Pep, model: type, name: str):
    try:
        return getattr(pep, name)
    except model.DoesNotExist:
        return model(pep=pep)


def section_a_facts(pep: Pep) -> dict[str, bool]:
    section = _section(pep, SectionA, "section_a")
    return {
        "phase": _filled(section.phase),
        "school_year": _filled(section.school_year),
        "meeting_date": _filled(pep.meeting_date),
        "next_meeting_date": _filled(pep.next_meeting_date),
        "attendance": pep.attendees.exists(),
    }


def access_to_education_facts(section: SectionC) -> dict[str, bool]:
    facts = {
        "previous_provisions": _filled(section.previous_provisions),
        "current_school": _filled(section.current_provision),
        "designated_teacher": _filled(section.designated_teacher_contact),
        "virtual_school_teacher": section.virtual_teacher_id is not None,
        "continuing_at_school": _filled(section.will_continue),
        "travel": _filled(section.travel),
    }
    if section.will_continue == YesNo.NO:
        facts["new_school"] = section.new_provision_identified == "yes" and _filled(
            section.new_provision
        )
    if section.travel == SectionC.Travel.OTHER:
        facts["travel_other"] = _filled(section.travel_other)
    return facts


def care_plan_other_facts(pep: Pep, section: SectionC) -> dict[str, bool]:
    facts = {
        "referral_date": _filled(section.referral_received_on),
        "care_start_date": _filled(section.care_started_on),
        "legal_status": _filled(section.current_legal_status)
        or pep.legal_statuses.exists(),
        "sdq_score": _filled(section.sdq_score),
        "case_worker": _filled(section.case_worker_name)
        and _filled(section.case_worker_telephone),
        "who_informs_school": _filled(section.who_informs_school),
        "day_to_day_liaison": _filled(section.who_liaises_daily),
        "correspondence": _filled(section.who_receives_correspondence),
        "school_events": _filled(section.who_attends_events),
        "trip_permission": _filled(section.school_trip_permission),
        "journey_permission": _filled(section.long_journey_permission),
        "education_costs": _filled(section.has_education_costs),
    }
    # "If not carer(s)/parent(s), how will information be shared?" applies only when
    # someone else receives the school's letters; counted only when answered.
    if _filled(section.carer_information_sharing):
        facts["sharing_with_carers"] = True
    if _filled(section.parent_information_sharing):
        facts["sharing_with_parents"] = True
    if section.has_education_costs == YesNo.YES:
        facts["who_meets_costs"] = _filled(section.who_meets_costs)
    return facts


def progress_facts(pep: Pep, section: SectionD) -> dict[str, bool]:
    subjects = list(pep.subjects.all())
    facts = {
        "subject_progress": bool(subjects)
        and all(
            _filled(row.current_level) and _filled(row.target_level) for row in subjects
        ),
        "current_attendance": section.current_attendance is not None,
        "education_summary": _filled(section.education_summary),
        "tuition": _filled(section.accessing_tuition),
    }
    if (
        section.current_attendance is not None
        and section.current_attendance < ATTENDANCE_CONCERN_BELOW
    ):
        facts["attendance_support"] = _filled(section.attendance_support)
    return facts


def send_activities_transition_facts(section: SectionD) -> dict[str, bool]:
    facts = {
        "send_status": _filled(section.has_send),
        "recent_assessments": _filled(section.recent_assessments),
        "extra_curricular": _filled(section.extra_curricular),
        "change_of_school_discussed": _filled(section.change_of_school_discussed),
        "transition_support": _filled(section.transition_arrangements),
    }
    if section.has_send == YesNo.YES:
        facts["primary_need"] = _filled(section.primary_send_need)
        facts["send_stage"] = _filled(section.send_stage)
        facts["inclusion_arrangements"] = _filled(section.inclusion_arrangements)
    if section.change_of_school_discussed == "yes":
        facts["new_school_support"] = _filled(section.new_school_arrangements)
    return facts


def target_texts(pep: Pep) -> list[TargetText]:
    return [
        TargetText(
            subject_area=target.subject_area,
            target=target.target,
            action=target.action,
            success_criteria=target.success_criteria,
            timescale=target.timescale,
            pupil_premium_cost=target.pupil_premium_cost,
            funded_by_pupil_premium=bool(target.pupil_premium_cost),
        )
        # Core targets first, as the blank PEP lists them.
        for target in sorted(
            pep.targets.all(), key=lambda target: (target.kind != "core", target.pk)
        )
    ]


@dataclass(frozen=True)
class TargetGaps:
    """One new target and what keeps it from being SMART."""

    position: int
    subject_area: str
    target: str
    gaps: tuple[str, ...]


def target_gaps(pep: Pep) -> list[TargetGaps]:
    return [
        TargetGaps(position, text.subject_area, text.target, tuple(check_target(text)))
        for position, text in enumerate(target_texts(pep), start=1)
    ]


def previous_targets_reviewed(pep: Pep) -> bool:
    reviews = list(pep.previous_target_reviews.all())
    return bool(reviews) and all(
        review.success_achieved and _filled(review.impact) for review in reviews
    )


def is_first_pep(pep: Pep) -> bool:
    if pep.previous_pep_id is not None:
        return False
    return not Pep.objects.filter(
        child_id=pep.child_id, meeting_date__lt=pep.meeting_date
    ).exists()


def pep_facts(pep: Pep) -> PepFacts:
    section_c = _section(pep, SectionC, "section_c")
    section_d = _section(pep, SectionD, "section_d")

    return PepFacts(
        section_a=section_a_facts(pep),
        access_to_education=access_to_education_facts(section_c),
        care_plan_other=care_plan_other_facts(pep, section_c),
        progress=progress_facts(pep, section_d),
        send_activities_transition=send_activities_transition_facts(section_d),
        previous_targets_reviewed=previous_targets_reviewed(pep),
        new_targets=tuple(target_texts(pep)),
        first_pep=is_first_pep(pep),
    )


def school_delegates(pep: Pep) -> QuerySet[User]:
    """The users who hold the delegation of this PEP's school sections."""
    holders = PepUserObjectPermission.objects.filter(
        content_object=pep, permission__codename="complete_school_section"
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)


def finalise_facts(pep: Pep) -> FinaliseFacts:
    section_b = _section(pep, SectionB, "section_b")
    return FinaliseFacts(
        meeting_date=pep.meeting_date,
        next_meeting_date=pep.next_meeting_date,
        is_late=pep.is_late,
        late_reason=pep.late_reason,
        school_delegated=school_delegates(pep).exists(),
        school_submitted=section_b.submitted_at is not None,
    )
