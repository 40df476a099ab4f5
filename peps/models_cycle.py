"""What the PEP cycle engine stores: its settings and a record of what it sent.

`CycleSettings` is the one row of rules an administrator edits in the admin.
`MeetingInvitation`, `CycleEmail` and `Escalation` are how reminders, invitations and
escalations go out exactly once: each is claimed by a row written in the same
transaction as the e-mail is sent, so a second worker finds it claimed and a failed
send leaves no trace. docs/cycle-engine.md explains the design.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from peps import cycle

_UNIT_CHOICES = [(unit.value, unit.words(2).capitalize()) for unit in cycle.DayUnit]
_DEFAULTS = cycle.DEFAULT_RULES


def _amount_field(default: int, label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, default=default)


def _unit_field(default: cycle.DayUnit) -> models.CharField:
    return models.CharField(
        "counted in", max_length=20, choices=_UNIT_CHOICES, default=default.value
    )


class CycleSettings(models.Model):
    """The PEP cycle's rules as the Virtual School has set them: there is one row.

    The defaults are those of peps.cycle.DEFAULT_RULES (see docs/cycle-rules.md).
    """

    SINGLETON_ID = 1

    first_pep_amount = _amount_field(_DEFAULTS.first_pep.amount, "first PEP within")
    first_pep_unit = _unit_field(_DEFAULTS.first_pep.unit)
    second_pep_amount = _amount_field(_DEFAULTS.second_pep.amount, "second PEP within")
    second_pep_unit = _unit_field(_DEFAULTS.second_pep.unit)
    later_peps_amount = _amount_field(
        _DEFAULTS.later_peps.amount, "each later PEP within"
    )
    later_peps_unit = _unit_field(_DEFAULTS.later_peps.unit)
    finalisation_amount = _amount_field(
        _DEFAULTS.finalisation.amount, "finalised within"
    )
    finalisation_unit = _unit_field(_DEFAULTS.finalisation.unit)
    quality_assurance_amount = _amount_field(
        _DEFAULTS.quality_assurance.amount, "quality-assured within"
    )
    quality_assurance_unit = _unit_field(_DEFAULTS.quality_assurance.unit)
    reminder_lead_working_days = models.PositiveSmallIntegerField(
        "remind this many working days before a task is due",
        default=3,
        help_text="0 sends the reminder on the day the task is due.",
    )
    early_years_peps = models.BooleanField(
        "children below Reception have PEPs",
        default=False,
        help_text="Children from Reception to Year 13 always have PEPs.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "PEP cycle settings"
        verbose_name_plural = "PEP cycle settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="cycle_settings_is_a_single_row"
            )
        ]

    def __str__(self) -> str:
        return "PEP cycle settings"

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> CycleSettings:
        """The settings row, created with the defaults the first time it is read."""
        row, _ = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return row

    def rules(self) -> cycle.CycleRules:
        return cycle.CycleRules(
            first_pep=cycle.Interval(self.first_pep_amount, self.first_pep_unit),
            second_pep=cycle.Interval(self.second_pep_amount, self.second_pep_unit),
            later_peps=cycle.Interval(self.later_peps_amount, self.later_peps_unit),
            finalisation=cycle.Interval(
                self.finalisation_amount, self.finalisation_unit
            ),
            quality_assurance=cycle.Interval(
                self.quality_assurance_amount, self.quality_assurance_unit
            ),
        )

    def clean(self) -> None:
        # A PEP meeting due "within 0 months" would make every child overdue the
        # day they enter care; the rules of the next meeting must move time on.
        errors = {}
        for name in ("first_pep", "second_pep", "later_peps"):
            if getattr(self, f"{name}_amount") == 0:
                errors[f"{name}_amount"] = "Enter a number greater than 0."
        if errors:
            raise ValidationError(errors)


class MeetingInvitation(models.Model):
    """One version of a PEP meeting's calendar invitation, and whether it went out.

    Written when a meeting is scheduled or moved; sent by a worker afterwards. The
    calendar event's UID stays the same for every version of one PEP's invitation
    and SEQUENCE is `sequence`, so a calendar replaces the meeting when the date
    changes.
    """

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Not sent: the meeting moved again first"
        NO_RECIPIENTS = "no_recipients", "Not sent: nobody to send it to"

    pep = models.ForeignKey(
        "peps.Pep", on_delete=models.CASCADE, related_name="invitations"
    )
    sequence = models.PositiveIntegerField()
    meeting_date = models.DateField()
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["pep", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["pep", "sequence"], name="one_invitation_per_sequence"
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="invitation_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation {self.sequence} for PEP {self.pep_id}"


class Escalation(models.Model):
    """A PEP meeting not held by its due date, reported once to a manager."""

    class Kind(models.TextChoices):
        OVERDUE_PEP = "overdue_pep", "PEP meeting overdue and not booked"

    child = models.ForeignKey(
        "peps.Child", on_delete=models.CASCADE, related_name="escalations"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    due_on = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The manager it went to; empty when it went to the administrators.",
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind", "due_on"], name="one_escalation_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for child {self.child_id}"


class CycleEmail(models.Model):
    """The log of every e-mail the cycle engine sent, written with its claim."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Meeting invitation"
        INVITATION_UPDATE = "invitation_update", "Updated meeting invitation"
        REMINDER = "reminder", "Task reminder"
        TASK_ESCALATION = "task_escalation", "Overdue task escalation"
        PEP_ESCALATION = "pep_escalation", "Overdue PEP escalation"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    child = models.ForeignKey(
        "peps.Child", on_delete=models.CASCADE, related_name="cycle_emails"
    )
    pep = models.ForeignKey(
        "peps.Pep",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cycle_emails",
    )
    task = models.ForeignKey(
        "peps.PepTask",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    subject = models.CharField(max_length=200)
    recipients = models.JSONField(
        default=list, blank=True, help_text="The addresses it went to."
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["kind", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.sent_at:%d/%m/%Y %H:%M}"
