"""The read-only PEP: the context that the PEP page and the published PDF share.

Sections A to D are read as the PEP page reads them (`peps.forms.read_parts`) and
drawn by the same include, `templates/peps/sections/_section.html`; Section E is
`quality_summary`, drawn by `templates/peps/sections/_section_e.html`. The page and
the PDF differ only in how a pupil-voice image is reached: a file in private storage
for the PDF, none on the page (which lists attachments by name).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from peps.forms import SECTION_LAYOUTS, pounds, pupil_premium_total, read_parts
from peps.models import Pep, PupilVoiceAttachment
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


@dataclass(frozen=True)
class QualitySummary:
    """Section E as it reads on the PEP page and in the PDF."""

    about: list[Row]
    ratings: list[Row]
    monitoring: list[Row]
    overall: list[Row] = field(default_factory=list)


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


MONITORING = (
    "progress_comment",
    "progress_data_missing",
    "attendance_comment",
    "access_to_education_comment",
    "link_teacher_comment",
)


def _person(user: models.Model | None) -> str:
    return str(user) if user is not None else ""


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


def quality_summary(pep: Pep) -> QualitySummary | None:
    """Section E for reading, or None before the link teacher has started it."""
    section = SectionE.objects.filter(pep=pep).select_related("link_teacher").first()
    if section is None:
        return None
    about, ratings, monitoring = section_e_rows(section)
    return QualitySummary(about, ratings, monitoring, overall_rows(section))


def pep_read_context(
    pep: Pep,
    *,
    editable: Collection[str] = frozenset(),
    image_src: Callable[[PupilVoiceAttachment], str | None],
) -> dict[str, object]:
    """What `peps/sections/_section.html` and `_section_e.html` need for one PEP.

    Built as the PEP page builds its own (peps.views.pep_detail), so that the PDF
    reads every section exactly as the page does.
    """
    return {
        "pep": pep,
        "child": pep.child,
        "sections": [
            {
                "layout": layout,
                "parts": read_parts(layout, pep),
                "editable": letter in editable,
            }
            for letter, layout in SECTION_LAYOUTS.items()
        ],
        "section_e": quality_summary(pep),
        "pupil_premium_total": pounds(pupil_premium_total(pep)),
        "voice_attachments": attachments(pep, image_src),
    }


def no_images(attachment: PupilVoiceAttachment) -> None:
    """For pages that show attachments by name only."""
    return None
