"""Delegations of a PEP's school section (Sections B and D) to a school's teacher.

A delegation names the e-mail address it was sent to; the teacher's account is linked
when they first open the invitation link signed in under that address, and only then
are the object permissions on the PEP granted (see delegation.services).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Delegation(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        RETRACTED = "retracted", "Retracted"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Expired"

    pep = models.ForeignKey(
        "peps.Pep", on_delete=models.CASCADE, related_name="delegations"
    )
    email = models.EmailField("designated teacher's e-mail address")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegations",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    # When the teacher's last grant from this delegation was taken away.
    access_ended_at = models.DateTimeField(null=True, blank=True)
    # Part of the invitation token: replacing it makes every earlier link invalid.
    token_nonce = models.CharField(max_length=40, default=new_nonce)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pep"],
                condition=Q(status="assigned"),
                name="one_assigned_delegation_per_pep",
            )
        ]
        indexes = [
            models.Index(fields=["teacher", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"Delegation {self.pk} ({self.get_status_display()})"


class TeacherCommentImport(models.Model):
    """A parsed teacher-comment file awaiting the teacher's confirmation.

    Nothing reaches the PEP until the teacher confirms; one pending file per
    delegation, and the daily task deletes any left unconfirmed for a day.
    """

    delegation = models.OneToOneField(
        Delegation, on_delete=models.CASCADE, related_name="pending_import"
    )
    filename = models.CharField(max_length=200)
    rows = models.JSONField(default=list)
    rejected = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    ignored_headings = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )


class CarerCopy(models.Model):
    """A record that the submitted school section was e-mailed to a carer."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="carer_copies"
    )
    contact = models.ForeignKey(
        "peps.Contact", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]
        verbose_name_plural = "carer copies"
