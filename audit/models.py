"""What the audit trail keeps beside simple_history's versions of each record.

Three logs:
- `PermissionChange`: every grant or removal of access — object grants on a child or
  PEP, group (role) membership, direct model permissions and the account flags that
  widen or end access.
- `AccessEvent`: every view or download of a child's record, by whom and when.
- `JobFailure`: background jobs that failed, grouped so that a retried job is one row.

The first two are append-only: the admin offers no change or delete, and on
PostgreSQL a trigger refuses UPDATE and DELETE on their tables (migration 0002).
They hold ids rather than foreign keys to children and PEPs, so that the trail
outlives the records it describes; the user columns carry no database constraint for
the same reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessEvent(models.Model):
    """One view or download of a child's record."""

    class Action(models.TextChoices):
        VIEW_CHILD = "view_child", "Viewed the child's record"
        VIEW_PEP = "view_pep", "Viewed a PEP"
        DOWNLOAD_PDF = "download_pdf", "Downloaded a PEP as PDF"
        DOWNLOAD_ATTACHMENT = "download_attachment", "Downloaded an attachment"
        EXPORT = "export", "Included in an export"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    child_id = models.BigIntegerField()
    pep_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    path_name = models.CharField(
        "page", max_length=120, blank=True, help_text="The URL name, never the URL."
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child_id", "-at"]),
            models.Index(fields=["user", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (child {self.child_id})"


class PermissionChange(models.Model):
    """One change to who may reach what."""

    class Kind(models.TextChoices):
        OBJECT_GRANTED = "object_granted", "Granted on one record"
        OBJECT_REVOKED = "object_revoked", "Removed from one record"
        GROUP_ADDED = "group_added", "Role given"
        GROUP_REMOVED = "group_removed", "Role taken away"
        PERMISSION_ADDED = "permission_added", "Permission given"
        PERMISSION_REMOVED = "permission_removed", "Permission taken away"
        ACCOUNT_CHANGED = "account_changed", "Account access changed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who made the change; empty for imports and background jobs.",
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose access changed; empty when a whole group's grant changed.",
    )
    subject_group = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    permission = models.CharField(
        max_length=200, blank=True, help_text="app_label.codename, or the flag's name."
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject_user", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.permission or self.subject_group}"


class JobFailure(models.Model):
    """A background job that failed, once per task, arguments and exception class.

    Arguments are shown only as ids: any value that is not a number is replaced by
    its type's name, so a job called with a name or an address never stores it here.
    """

    task_name = models.CharField(max_length=200)
    task_id = models.CharField("latest task id", max_length=64, blank=True)
    args_repr = models.CharField("arguments", max_length=500, blank=True)
    exception_class = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_name", "args_repr", "exception_class"],
                name="one_job_failure_per_task_args_and_error",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}: {self.exception_class} ×{self.count}"
