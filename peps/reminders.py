"""The cycle engine's e-mails: meeting invitations, task reminders and escalations.

Each sender claims its work before it sends, inside one transaction that also
writes the `CycleEmail` log row: the claim is a conditional UPDATE (or an INSERT
guarded by a unique constraint) that only one worker can win. If sending fails the
transaction rolls back, the claim with it, and the next run sends the message. Two
workers never both send: the loser's UPDATE waits for the winner's row lock and
then finds the row already claimed.

Subjects never name the child, since subjects show in notifications, on lock screens
and in mail-server logs; they give the local child reference. The body names the
child: it goes only to professionals on the case and to the child's own carers,
who need to know which child it is about. docs/cycle-engine.md says more.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from peps import cycle, schedule
from peps.models import (
    Child,
    Contact,
    CycleEmail,
    Escalation,
    MeetingInvitation,
    Pep,
    PepTask,
)

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "PEP Portal: "
CALENDAR_PRODUCT = "-//PEP Portal//PEP meetings//EN"


class Outcome(enum.StrEnum):
    """What became of one piece of work a sender was asked to do."""

    SENT = "sent"
    NO_RECIPIENTS = "no_recipients"
    ALREADY_DONE = "already_done"
    SUPERSEDED = "superseded"


# Addresses -----------------------------------------------------------------------


def _addresses(users: Iterable[User | None]) -> list[str]:
    return [user.email for user in users if user and user.is_active and user.email]


def _unique(addresses: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for address in addresses:
        if address:
            seen.setdefault(address.strip().lower(), None)
    return list(seen)


def carer_addresses(child: Child) -> list[str]:
    """Carers who have asked for copies and gave an e-mail address."""
    return list(
        Contact.objects.filter(
            child=child, kind=Contact.Kind.CARER, receives_copies=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


def administrators() -> list[User]:
    return list(
        User.objects.filter(groups__name=Role.ADMINISTRATOR.value, is_active=True)
        .exclude(email="")
        .order_by("id")
    )


def social_worker_of(pep: Pep) -> User | None:
    return pep.social_worker or pep.child.social_worker


def manager_of(worker: User | None) -> User | None:
    """A social worker's team manager, when both exist and can receive e-mail."""
    if worker is None or worker.team_id is None:
        return None
    manager = worker.team.manager
    if manager is None or not manager.is_active or not manager.email:
        return None
    return manager


def invitation_addresses(pep: Pep) -> list[str]:
    school = schedule.school_for(pep)
    designated_teacher = schedule.designated_teacher_of(school)
    professionals = _addresses(
        [
            social_worker_of(pep),
            designated_teacher,
            school.link_teacher if school else None,
        ]
    )
    if designated_teacher is None and school and school.designated_teacher_email:
        professionals.append(school.designated_teacher_email)
    return _unique([*professionals, *carer_addresses(pep.child)])


def reminder_addresses(task: PepTask) -> list[str]:
    """The assignee; for an unassigned school or carer step, the school or carers."""
    if task.assignee is not None:
        return _unique(_addresses([task.assignee]))

    match task.responsible_role:
        case cycle.Role.DESIGNATED_TEACHER:
            school = schedule.school_for(task.pep)
            return _unique([school.designated_teacher_email] if school else [])
        case cycle.Role.CARER:
            return _unique(carer_addresses(task.pep.child))
    return []


def task_escalation_recipients(task: PepTask) -> tuple[User | None, list[str]]:
    """The manager responsible for an overdue task, or else the administrators.

    A social worker's step goes to their team manager; a school's or carer's step
    to the school's Virtual School link teacher; the Virtual School's own steps,
    and any step with nobody above it, to the administrators.
    """
    manager: User | None = None
    match task.responsible_role:
        case cycle.Role.SOCIAL_WORKER:
            manager = manager_of(task.assignee or social_worker_of(task.pep))
        case cycle.Role.DESIGNATED_TEACHER | cycle.Role.CARER:
            school = schedule.school_for(task.pep)
            link_teacher = school.link_teacher if school else None
            if link_teacher and link_teacher.is_active and link_teacher.email:
                manager = link_teacher

    if manager is not None:
        return manager, [manager.email]
    return None, _unique(_addresses(administrators()))


def pep_escalation_recipients(child: Child) -> tuple[User | None, list[str]]:
    manager = manager_of(child.social_worker)
    if manager is not None:
        return manager, [manager.email]
    return None, _unique(_addresses(administrators()))


# The calendar file ----------------------------------------------------------------


def _ics_text(value: str) -> str:
    """Escape a TEXT value as RFC 5545 section 3.3.11 asks."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current = ""
    limit = 75
    for character in line:
        if len((current + character).encode("utf-8")) > limit:
            parts.append(current)
            current = character
            limit = 74  # continuation lines begin with a space
        else:
            current += character
    parts.append(current)
    return "\r\n ".join(parts)


def meeting_ics(
    invitation: MeetingInvitation,
    *,
    attendee: str,
    summary: str,
    description: str,
    stamped_at: datetime,
) -> str:
    """An iCalendar REQUEST for one attendee, all day on the meeting date.

    PEPs record the meeting's date but not its time, so the event is all day
    (DTSTART with VALUE=DATE) and shown as free time rather than inventing a
    time that people might trust. The UID is the same for every version of one
    PEP's invitation and SEQUENCE grows with each change of date.
    """
    organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "pep-portal@localhost"
    day = invitation.meeting_date
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{CALENDAR_PRODUCT}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{invitation.calendar_uid}@pep-portal",
        f"SEQUENCE:{invitation.sequence}",
        f"DTSTAMP:{stamped_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_ics_text(summary)}",
        f"DESCRIPTION:{_ics_text(description)}",
        f"ORGANIZER;CN=PEP Portal:mailto:{organiser}",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
        f"RSVP=FALSE:mailto:{attendee}",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(f"{_fold(line)}\r\n" for line in lines)


def _calendar_part(ics: str) -> MIMEText:
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


# Messages -------------------------------------------------------------------------


def _render(template: str, context: dict[str, object]) -> str:
    context = {
        "site_url": settings.SITE_URL.rstrip("/"),
        "tasks_path": reverse("tasks:list"),
        **context,
    }
    return render_to_string(f"emails/cycle/{template}", context)


def _child_ref(child: Child) -> str:
    return f"child ref {child.local_child_id}"


def _message(subject: str, body: str, to: list[str]) -> EmailMessage:
    return EmailMessage(subject=SUBJECT_PREFIX + subject, body=body, to=to)


def _log(
    kind: CycleEmail.Kind,
    *,
    child: Child,
    subject: str,
    recipients: list[str],
    sent_at: datetime,
    pep: Pep | None = None,
    task: PepTask | None = None,
) -> None:
    CycleEmail.objects.create(
        kind=kind,
        child=child,
        pep=pep,
        task=task,
        subject=SUBJECT_PREFIX + subject,
        recipients=recipients,
        sent_at=sent_at,
    )


def invitation_send(invitation_id: int, *, on: date | None = None) -> Outcome:
    """Send one version of a meeting invitation to everyone invited, once.

    A version that a later one has replaced, or whose meeting date has passed, is
    marked and not sent.
    """
    on = on or timezone.localdate()
    now = timezone.now()

    with transaction.atomic():
        claimed = MeetingInvitation.objects.filter(
            pk=invitation_id, sent_at__isnull=True
        ).update(sent_at=now)
        if not claimed:
            return Outcome.ALREADY_DONE

        invitation = MeetingInvitation.objects.select_related(
            "pep__child__social_worker", "pep__social_worker", "pep__school"
        ).get(pk=invitation_id)
        pep = invitation.pep
        replaced = (
            pep.meeting_date != invitation.meeting_date
            or invitation.meeting_date < on
            or pep.invitations.filter(sequence__gt=invitation.sequence).exists()
        )
        if replaced:
            invitation.outcome = MeetingInvitation.Outcome.SUPERSEDED
            invitation.save(update_fields=["outcome"])
            return Outcome.SUPERSEDED

        recipients = invitation_addresses(pep)
        is_update = invitation.sequence > 0
        subject = (
            f"{'Updated: ' if is_update else ''}PEP meeting for "
            f"{_child_ref(pep.child)} on {cycle.format_date(invitation.meeting_date)}"
        )
        body = _render(
            "invitation.txt",
            {"pep": pep, "child": pep.child, "invitation": invitation},
        )
        messages = []
        for address in recipients:
            message = _message(subject, body, [address])
            message.attach(
                _calendar_part(
                    meeting_ics(
                        invitation,
                        attendee=address,
                        summary=f"PEP meeting ({_child_ref(pep.child)})",
                        description=(
                            f"Personal Education Plan meeting for "
                            f"{_child_ref(pep.child)}. Details are in PEP Portal."
                        ),
                        stamped_at=now,
                    )
                )
            )
            messages.append(message)

        invitation.outcome = (
            MeetingInvitation.Outcome.SENT
            if recipients
            else MeetingInvitation.Outcome.NO_RECIPIENTS
        )
        invitation.save(update_fields=["outcome"])
        kind = (
            CycleEmail.Kind.INVITATION_UPDATE
            if is_update
            else CycleEmail.Kind.INVITATION
        )
        _log(
            kind,
            child=pep.child,
            pep=pep,
            subject=subject,
            recipients=recipients,
            sent_at=now,
        )
        if messages:
            get_connection().send_messages(messages)

    logger.info(
        "Invitation %s (PEP %s, sequence %s) sent to %s recipients",
        invitation.pk,
        pep.pk,
        invitation.sequence,
        len(recipients),
    )
    return Outcome.SENT if recipients else Outcome.NO_RECIPIENTS


def tasks_for_sending() -> QuerySet[PepTask]:
    """Tasks with everything a reminder or an escalation reads, in one query."""
    return PepTask.objects.select_related(
        "assignee__team__manager",
        "pep__child__social_worker__team__manager",
        "pep__social_worker__team__manager",
        "pep__school__link_teacher",
    )


def reminder_send(task: PepTask, *, on: date) -> Outcome:
    """Remind whoever does a task that it is coming due, once per due date.

    `task` comes from `tasks_for_sending()`; the claim is made on its row.
    """
    now = timezone.now()

    with transaction.atomic():
        claimed = PepTask.objects.filter(
            pk=task.pk, reminder_sent_at__isnull=True, completed_at__isnull=True
        ).update(reminder_sent_at=now)
        if not claimed:
            return Outcome.ALREADY_DONE

        recipients = reminder_addresses(task)
        subject = (
            f"PEP task due on {cycle.format_date(task.due_on)} "
            f"({_child_ref(task.pep.child)})"
        )
        body = _render(
            "reminder.txt",
            {
                "task": task,
                "pep": task.pep,
                "child": task.pep.child,
                "for_carer": task.responsible_role == cycle.Role.CARER,
                "days_left": cycle.working_days_between(on, task.due_on),
            },
        )
        _log(
            CycleEmail.Kind.REMINDER,
            child=task.pep.child,
            pep=task.pep,
            task=task,
            subject=subject,
            recipients=recipients,
            sent_at=now,
        )
        if recipients:
            _message(subject, body, recipients).send()

    logger.debug("Reminder for task %s sent to %s recipients", task.pk, len(recipients))
    return Outcome.SENT if recipients else Outcome.NO_RECIPIENTS


def task_escalation_send(task: PepTask, *, on: date) -> Outcome:
    """Tell the responsible manager that a reminded task is still not done, once.

    `task` comes from `tasks_for_sending()`; the claim is made on its row.
    """
    now = timezone.now()

    with transaction.atomic():
        claimed = PepTask.objects.filter(
            pk=task.pk, escalated_at__isnull=True, completed_at__isnull=True
        ).update(escalated_at=now)
        if not claimed:
            return Outcome.ALREADY_DONE

        manager, recipients = task_escalation_recipients(task)
        subject = (
            f"Overdue PEP task, due on {cycle.format_date(task.due_on)} "
            f"({_child_ref(task.pep.child)})"
        )
        body = _render(
            "task_escalation.txt",
            {
                "task": task,
                "pep": task.pep,
                "child": task.pep.child,
                "manager": manager,
                "role_label": cycle.Role(task.responsible_role).label,
                "working_days_late": cycle.working_days_between(task.due_on, on),
            },
        )
        _log(
            CycleEmail.Kind.TASK_ESCALATION,
            child=task.pep.child,
            pep=task.pep,
            task=task,
            subject=subject,
            recipients=recipients,
            sent_at=now,
        )
        if recipients:
            _message(subject, body, recipients).send()

    logger.info("Task %s escalated to %s recipients", task.pk, len(recipients))
    return Outcome.SENT if recipients else Outcome.NO_RECIPIENTS


def children_for_sending() -> QuerySet[Child]:
    return Child.objects.select_related("social_worker__team__manager")


def pep_escalation_send(
    child: Child, *, due_on: date, on: date, reason: str
) -> Outcome:
    """Tell the responsible manager that a child's PEP is overdue and not booked.

    Once per child and due date: the `Escalation` row is the claim, and its
    unique constraint makes a second worker's insert fail. `child` comes from
    `children_for_sending()`.
    """
    now = timezone.now()
    manager, recipients = pep_escalation_recipients(child)

    with transaction.atomic():
        try:
            with transaction.atomic():
                Escalation.objects.create(
                    child=child,
                    kind=Escalation.Kind.OVERDUE_PEP,
                    due_on=due_on,
                    recipient=manager,
                    sent_at=now,
                )
        except IntegrityError:
            return Outcome.ALREADY_DONE

        subject = (
            f"Overdue PEP, due on {cycle.format_date(due_on)} ({_child_ref(child)})"
        )
        body = _render(
            "pep_escalation.txt",
            {
                "child": child,
                "due_on": due_on,
                "reason": reason,
                "manager": manager,
                "working_days_late": cycle.working_days_between(due_on, on),
            },
        )
        _log(
            CycleEmail.Kind.PEP_ESCALATION,
            child=child,
            subject=subject,
            recipients=recipients,
            sent_at=now,
        )
        if recipients:
            _message(subject, body, recipients).send()

    logger.info("Overdue PEP of child %s escalated", child.pk)
    return Outcome.SENT if recipients else Outcome.NO_RECIPIENTS
