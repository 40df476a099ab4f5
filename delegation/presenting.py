"""What a teacher's pages and the PDF show of a PEP: the few facts about the child a
teacher may read, and the school section's questions with their answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from delegation.forms import SECTION_D_STEPS, VOICE_STEPS
from delegation.models import Delegation
from peps.models import SectionB, SectionD


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


def _answers(section, fields: tuple[str, ...]) -> list[Answer]:
    shown = []
    for name in fields:
        field = section._meta.get_field(name)
        label = str(field.verbose_name)
        if field.choices:
            value = getattr(section, f"get_{name}_display")()
        else:
            value = getattr(section, name)
        text = "" if value is None else str(value)
        shown.append(Answer(label[:1].upper() + label[1:], text))
    return shown


def pupil_facts(delegation: Delegation) -> dict[str, object]:
    """The child's name, year group, school and the meeting date; nothing more."""
    pep = delegation.pep
    child = pep.child
    school = pep.school
    if school is None:
        enrolment = child.enrolments.filter(ended_on__isnull=True).first()
        school = enrolment.school if enrolment else None
    year = child.school_year_on(pep.meeting_date)
    return {
        "child_name": child.display_name,
        "year_group": year.label,
        "school_name": school.name if school else "",
        "meeting_date": pep.meeting_date,
    }


def school_section_context(delegation: Delegation) -> dict[str, object]:
    pep = delegation.pep
    section_b = SectionB.objects.get(pep=pep)
    section_d = SectionD.objects.get(pep=pep)
    return {
        "delegation": delegation,
        "facts": pupil_facts(delegation),
        "voice_groups": [
            (step.title, _answers(section_b, step.fields)) for step in VOICE_STEPS
        ],
        "section_d_groups": [
            (step.title, _answers(section_d, step.fields))
            for step in SECTION_D_STEPS
            if step.fields
        ],
        "subjects": list(pep.subjects.all()),
        "reviews": list(pep.previous_target_reviews.all()),
        "targets": list(pep.targets.all()),
        "attachments": list(pep.voice_attachments.all()),
        "section_b": section_b,
        "section_d": section_d,
        "printed_at": timezone.now(),
    }
