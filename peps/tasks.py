"""Celery tasks of the PEP cycle: thin wrappers that take ids and call services.

Both tasks are safe to run twice or at once with themselves: all they send is
claimed first (peps/reminders.py). They acknowledge late, so a worker lost
mid-task hands the work to another, and retry with growing pauses on errors that
pass (a database restart, a mail server that does not answer).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from peps import reminders
from peps.sweep import run_sweep

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
)

# Optional settings; without them the project-wide Celery limits apply.
SWEEP_TIME_LIMIT = getattr(
    settings, "PEP_SWEEP_TIME_LIMIT", settings.CELERY_TASK_TIME_LIMIT
)
SWEEP_SOFT_TIME_LIMIT = getattr(
    settings, "PEP_SWEEP_SOFT_TIME_LIMIT", settings.CELERY_TASK_SOFT_TIME_LIMIT
)


class SweepIncomplete(RuntimeError):
    """Some of a sweep's e-mails failed; a retry sends those and nothing else."""


@shared_task(
    name="peps.run_daily_sweep",
    acks_late=True,
    autoretry_for=(*TRANSIENT_ERRORS, SweepIncomplete),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
    time_limit=SWEEP_TIME_LIMIT,
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT,
)
def run_daily_sweep(as_of: str | None = None) -> dict[str, object]:
    """The daily sweep, as of today in the portal's time zone unless told a date."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    report = run_sweep(day)

    if report.failures:
        raise SweepIncomplete(
            f"The PEP sweep as of {day.isoformat()} left {len(report.failures)} "
            "e-mails unsent; retrying sends only those."
        )
    return {
        "as_of": day.isoformat(),
        "due_dates_changed": report.due_dates_changed,
        "reminders_sent": len(report.reminders_sent),
        "tasks_escalated": len(report.tasks_escalated),
        "peps_escalated": len(report.peps_escalated),
    }


@shared_task(
    name="peps.send_meeting_invitation",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=8,
    time_limit=120,
    soft_time_limit=90,
)
def send_meeting_invitation(invitation_id: int) -> str:
    """Send one version of a PEP meeting's invitation; the sweep catches up with
    any whose retries run out."""
    return reminders.invitation_send(invitation_id).value
