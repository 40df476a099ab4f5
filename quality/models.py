"""Section E, the quality-assurance rubric, the approval trail and published PDFs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from peps.models import Contact, Pep

RUBRIC_KEYS = ("a", "b", "c1", "c2", "c3", "d1", "d2", "d3")


def _score(label: str, low: int, high: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
    )


class Measure(models.TextChoices):
    OVERALL = "overall", "Overall (out of 22)"
    SOCIAL_CARE = "social_care", "Social care (out of 10)"
    EDUCATION = "education", "Education (out of 12)"


class SectionE(models.Model):
    """Section E, completed by the Virtual School link teacher, with the QA scores.

    Each rubric criterion keeps both the score the portal suggested and the score the
    link teacher confirmed; totals and bands are stored when the PEP is assessed so
    that later changes to the bands do not rewrite past reports.
    """

    pep = models.OneToOneField(Pep, on_delete=models.CASCADE, related_name="section_e")
    version = models.PositiveIntegerField(default=1)
    link_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    virtual_school_contact = models.TextField(
        "Virtual School contact details", blank=True
    )
    pupil_voice_rating = _score("pupil voice", 1, 4)
    care_planning_rating = _score("care planning information", 1, 4)
    targets_rating = _score("educational targets", 1, 3)
    progress_comment = models.TextField("progress comment", blank=True)
    progress_data_missing = models.BooleanField(
        "progress data has not been uploaded", default=False
    )
    attendance_comment = models.TextField("attendance comment", blank=True)
    access_to_education_comment = models.TextField(
        "access to education: suspensions, exclusions, reduced timetable, off-site "
        "provision",
        blank=True,
    )
    link_teacher_comment = models.TextField("link teacher comment", blank=True)

    score_a = _score("Section A: phase and meeting details", 0, 2)
    score_b = _score("Section B: child's views", 1, 4)
    score_c1 = _score("Section C1: access to education", 0, 2)
    score_c2 = _score("Section C2: health and care plan summary", 1, 4)
    score_c3 = _score("Section C3: other care plan sections", 0, 2)
    score_d1 = _score("Section D1: progress", 0, 2)
    score_d2 = _score("Section D2: targets", 1, 4)
    score_d3 = _score("Section D2: SEND, extra-curricular and transition", 0, 2)
    suggested_scores = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the portal suggested per criterion, with its reasons.",
    )

    social_care_total = models.PositiveSmallIntegerField(null=True, blank=True)
    education_total = models.PositiveSmallIntegerField(null=True, blank=True)
    overall_total = models.PositiveSmallIntegerField(null=True, blank=True)
    social_care_band = models.CharField(max_length=40, blank=True)
    education_band = models.CharField(max_length=40, blank=True)
    overall_band = models.CharField(max_length=40, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Section E"
        verbose_name_plural = "Section E records"
        indexes = [models.Index(fields=["assessed_at"])]

    def __str__(self) -> str:
        return f"Section E of PEP {self.pep_id}"

    def scores(self) -> dict[str, int | None]:
        return {key.upper(): getattr(self, f"score_{key}") for key in RUBRIC_KEYS}


class Band(models.Model):
    """A named range of scores for one measure; an administrator may edit them."""

    measure = models.CharField(max_length=20, choices=Measure.choices)
    name = models.CharField(max_length=40)
    low = models.PositiveSmallIntegerField()
    high = models.PositiveSmallIntegerField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "-low"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "name"], name="band_name_once"),
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("high")), name="band_low_le_high"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}: {self.name} {self.low}–{self.high}"


class Transition(models.Model):
    """One move of a PEP through the workflow, with who made it and why."""

    class Action(models.TextChoices):
        FINALISE = "finalise", "Finalised"
        RETURN = "return", "Returned for amendment"
        RESUBMIT = "resubmit", "Resubmitted after amendment"
        APPROVE = "approve", "Approved"

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    returned_sections = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["to_status", "at"])]


class PublishedPep(models.Model):
    """A PDF of an approved PEP. Every version is kept; none is replaced silently."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="publications")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to="published/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=200)
    requested_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["pep", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["pep", "version"], name="one_publication_per_version"
            )
        ]


class CarerCopy(models.Model):
    """A record that the final PEP was e-mailed to a carer."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="carer_copies")
    publication = models.ForeignKey(
        PublishedPep, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
