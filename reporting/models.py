"""Terms, working days, Pupil Premium Plus rates and report subscriptions.

Reports read the case records of the `peps` and `quality` apps and keep nothing of their
own about children; these models hold only the calendar and money the measures need and
who asked for the termly report.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from reporting import terms


class Term(models.Model):
    """A reporting term. PEPs are counted in the term their due date falls in."""

    class Kind(models.TextChoices):
        AUTUMN = terms.TermKind.AUTUMN.value, "Autumn"
        SPRING = terms.TermKind.SPRING.value, "Spring"
        SUMMER = terms.TermKind.SUMMER.value, "Summer"

    name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    academic_year = models.PositiveSmallIntegerField(
        help_text="The calendar year in which the school year starts, e.g. 2024 for "
        "2024-25."
    )
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lt=models.F("ends_on")),
                name="term_starts_before_it_ends",
            )
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on is None or self.ends_on is None:
            return

        others = Term.objects.exclude(pk=self.pk).values_list(
            "name", "starts_on", "ends_on"
        )
        problems = terms.overlap_problems(self.starts_on, self.ends_on, list(others))
        if problems:
            raise ValidationError({"starts_on": problems})

    @property
    def academic_year_label(self) -> str:
        return terms.academic_year_label(self.academic_year)

    @property
    def financial_year(self) -> int:
        return terms.financial_year_of(self.starts_on)


def term_for(day: date) -> Term | None:
    """The term holding `day`, or None where an administrator has left a gap."""
    return Term.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


class WorkingDay(models.Model):
    """One row per calendar date, numbering the working days.

    `number` counts the working days from the first row up to and including `day`, so
    that "10 working days after the meeting" is the working day whose number is the
    meeting day's number plus 10: a join in SQL rather than a loop in Python over every
    PEP of a term. Working days are `peps.cycle.is_working_day`'s.
    """

    day = models.DateField(primary_key=True)
    is_working_day = models.BooleanField()
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["day"]
        constraints = [
            # Working days have numbers of their own, which tells the planner that
            # "the working day numbered n" is a single row.
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(is_working_day=True),
                name="one_working_day_per_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} ({self.number})"


class PupilPremiumRate(models.Model):
    """The Pupil Premium Plus allocation per child looked after, by financial year."""

    financial_year = models.PositiveSmallIntegerField(
        unique=True,
        help_text="The calendar year in which the financial year starts on 1 April, "
        "e.g. 2024 for 2024-25.",
    )
    amount = models.DecimalField(
        "amount per child (£)",
        max_digits=8,
        decimal_places=2,
        help_text="The allocation for each child looked after for at least one day.",
    )

    class Meta:
        ordering = ["financial_year"]
        verbose_name = "Pupil Premium Plus rate"

    def __str__(self) -> str:
        return f"{self.financial_year_label}: £{self.amount:,.2f}"

    @property
    def financial_year_label(self) -> str:
        return terms.financial_year_label(self.financial_year)

    @property
    def school_share(self) -> Decimal:
        """Half goes to schools to fund PEP targets; the Virtual School keeps half."""
        return (self.amount / 2).quantize(Decimal("0.01"))


class ReportSubscription(models.Model):
    """Someone who receives the termly report by e-mail, for their own audience.

    The scope names which of the subscriber's audiences the report covers; what is in
    it is always worked out afresh from their roles when it is sent, so a person who
    loses a role stops receiving those numbers.

    TODO: Let managers subscribe and unsubscribe themselves from the dashboards; until
    that page exists an administrator adds subscriptions in the Django admin.
    """

    class Scope(models.TextChoices):
        MY_AUDIENCE = "my_audience", "Everything my roles let me see"
        AUTHORITY = "authority", "The whole authority"
        TEAMS = "teams", "The teams I manage"
        SCHOOLS = "schools", "My schools"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
    )
    scope = models.CharField(
        max_length=20, choices=Scope.choices, default=Scope.MY_AUDIENCE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_sent_term = models.ForeignKey(
        Term, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["user", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope"], name="one_subscription_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} for user {self.user_id}"


def _reference(model: str, related_name: str = "+") -> models.ForeignKey:
    # Facts point at case records without a database constraint: a deleted PEP or
    # child must not be held up by a report, and the next refresh drops its fact.
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name=related_name,
    )


class PepFact(models.Model):
    """What the termly measures need to know about one PEP, refreshed in one sweep.

    `reporting.facts.refresh_facts` rebuilds every row from the case records with a
    few set-based statements, so that dashboards read one narrow table instead of
    joining six large ones for every PEP of a term. Whether a deadline was met "on
    time", "late" or is "not yet due" depends on today's date and is worked out when
    the dashboard is read, from the deadline and completion dates kept here.
    """

    pep = models.OneToOneField(
        "peps.Pep",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    child = _reference("peps.Child")
    school = _reference("peps.School")
    social_worker = _reference(settings.AUTH_USER_MODEL)
    team = _reference("accounts.Team")
    link_teacher = _reference(settings.AUTH_USER_MODEL)
    date_of_birth = models.DateField(null=True)

    due_on = models.DateField(help_text="Pep.due_on, or the meeting date without one.")
    meeting_date = models.DateField()
    school_section_deadline = models.DateField(null=True)
    school_section_done = models.DateField(null=True)
    section_c_deadline = models.DateField(null=True)
    section_c_done = models.DateField(null=True)
    finalisation_deadline = models.DateField(null=True)
    finalisation_done = models.DateField(null=True)
    quality_assurance_deadline = models.DateField(null=True)
    quality_assurance_done = models.DateField(null=True)

    assessed = models.BooleanField(default=False)
    overall_band = models.CharField(max_length=40, blank=True)
    social_care_band = models.CharField(max_length=40, blank=True)
    education_band = models.CharField(max_length=40, blank=True)
    overall_total = models.PositiveSmallIntegerField(null=True)
    social_care_total = models.PositiveSmallIntegerField(null=True)
    education_total = models.PositiveSmallIntegerField(null=True)
    score_a = models.PositiveSmallIntegerField(null=True)
    score_b = models.PositiveSmallIntegerField(null=True)
    score_c1 = models.PositiveSmallIntegerField(null=True)
    score_c2 = models.PositiveSmallIntegerField(null=True)
    score_c3 = models.PositiveSmallIntegerField(null=True)
    score_d1 = models.PositiveSmallIntegerField(null=True)
    score_d2 = models.PositiveSmallIntegerField(null=True)
    score_d3 = models.PositiveSmallIntegerField(null=True)

    pupil_premium_committed = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0")
    )

    # The Virtual School's reasons to attend, worked out for meetings still ahead.
    new_into_care = models.BooleanField(default=False)
    school_change = models.BooleanField(default=False)
    concern = models.BooleanField(default=False)
    complexity = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["due_on"]),
            models.Index(fields=["school", "due_on"]),
            models.Index(fields=["team", "due_on"]),
            models.Index(fields=["meeting_date"]),
        ]


class ChildFact(models.Model):
    """What the measures need to know about one child in care, refreshed together."""

    child = models.OneToOneField(
        "peps.Child",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    local_child_id = models.CharField(max_length=10)
    date_of_birth = models.DateField(null=True)
    school = _reference("peps.School")
    social_worker = _reference(settings.AUTH_USER_MODEL)
    team = _reference("accounts.Team")
    care_started_on = models.DateField(null=True)
    next_pep_due_on = models.DateField(null=True)
    next_pep_met_on = models.DateField(
        null=True, help_text="The meeting held, or booked, for the next due date."
    )
    first_pep_on = models.DateField(
        null=True, help_text="The first meeting since the child came into care."
    )
    first_pep_deadline = models.DateField(null=True)
    latest_pep = _reference("peps.Pep")
    attendance = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    attendance_support = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["school"]),
            models.Index(fields=["team"]),
            models.Index(fields=["next_pep_due_on"]),
        ]


class FactRefresh(models.Model):
    """One sweep that rebuilt the facts: when, how long it took, how many rows."""

    refreshed_at = models.DateTimeField()
    as_of = models.DateField(help_text="The day the sweep took as today.")
    peps = models.PositiveIntegerField()
    children = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-refreshed_at"]
        get_latest_by = "refreshed_at"

    def __str__(self) -> str:
        return f"Facts refreshed at {self.refreshed_at:%d/%m/%Y %H:%M}"
