"""The PEP cycle applied to the database: rules in force, due dates, task schedules.

peps/cycle.py decides every date; this module feeds it what the database holds and
writes back what it decides. The screens call `pep_scheduled` after a PEP meeting is
booked or moved; pages call `child_due` to show when a child's next PEP is due; the
daily sweep (peps/sweep.py) calls `due_for` for every child at once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from accounts.models import User
from peps import cycle, school_year
from peps.models import (
    Child,
    CycleSettings,
    Enrolment,
    MeetingInvitation,
    Pep,
    PepTask,
    School,
    SchoolStaff,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CyclePolicy:
    """Everything the engine reads from the settings row, as plain values."""

    rules: cycle.CycleRules
    reminder_lead_working_days: int
    early_years_peps: bool


def current_policy() -> CyclePolicy:
    """The settings in force.

    One query, so nothing is cached: a change an administrator saves applies to
    the next page and the next sweep in every process at once.
    """
    row = CycleSettings.load()
    # TODO: Fill CycleRules.closures from the term dates once the reporting app
    # stores them; until then an interval counted in school days counts working
    # days, and this mark can go when the closures are passed in here.
    return CyclePolicy(
        rules=row.rules(),
        reminder_lead_working_days=row.reminder_lead_working_days,
        early_years_peps=row.early_years_peps,
    )


def current_rules() -> cycle.CycleRules:
    return current_policy().rules


def has_cycle(date_of_birth: date, on: date, *, early_years_peps: bool) -> bool:
    """Reception to Year 13 always; younger children only when the setting says so."""
    year = school_year.school_year(date_of_birth, on)
    if year.needs_pep:
        return True
    return early_years_peps and year.number < school_year.RECEPTION


@dataclass(frozen=True)
class MeetingsHeld:
    """What the rules need of the PEP meetings held in the current period of care.

    `count` is the number of distinct meeting dates from the start of care up to
    the day asked about. The rules count from the first meeting when there is one
    and from the latest when there are more, so those two dates stand in for all.
    """

    count: int
    first_on: date | None = None
    latest_on: date | None = None

    @classmethod
    def of(cls, meeting_dates: Iterable[date]) -> MeetingsHeld:
        dates = sorted(set(meeting_dates))
        if not dates:
            return cls(0)
        return cls(len(dates), dates[0], dates[-1])

    def stand_ins(self) -> tuple[date, ...]:
        if self.count == 0:
            return ()
        if self.count == 1:
            return (self.first_on,)
        return (self.first_on, self.latest_on)


@functools.lru_cache(maxsize=100_000)
def due_for(care_started_on: date, held: MeetingsHeld, rules: cycle.CycleRules) -> date:
    """The next PEP's due date; cached, as a caseload shares few distinct inputs."""
    return cycle.pep_due(care_started_on, held.stand_ins(), rules)


@dataclass(frozen=True)
class ChildDue:
    """When a child's next PEP meeting is due, and why.

    `due_on` is None for a child with no PEP cycle, and `reason` then says why.
    `next_meeting_on` is the next PEP meeting booked after the day asked about.
    """

    due_on: date | None
    reason: str
    is_overdue: bool
    next_meeting_on: date | None = None

    @property
    def is_booked(self) -> bool:
        return self.next_meeting_on is not None


NOT_IN_CARE = "No PEP is due: the child is not in care."


def no_cycle_reason(year: school_year.SchoolYear) -> str:
    where = "below Reception" if year.number < 0 else "past Year 13"
    return (
        "No PEP is due: PEPs are for children from Reception to Year 13, and this "
        f"child is {where}."
    )


def child_due(
    child: Child,
    rules: cycle.CycleRules | None = None,
    *,
    on: date | None = None,
    early_years_peps: bool | None = None,
) -> ChildDue:
    """When `child`'s next PEP meeting is due as of `on` (today by default).

    A PEP counts as held once the day of its meeting has come: the sweep runs in
    the early morning, and counting the meeting on its own day means the next due
    date shows from that day on. A deadline is met on its day, so a meeting held
    on the due date never makes the child overdue either way.
    """
    on = on or timezone.localdate()
    if rules is None or early_years_peps is None:
        policy = current_policy()
        rules = rules or policy.rules
        early_years_peps = (
            policy.early_years_peps if early_years_peps is None else early_years_peps
        )

    if child.care_started_on is None:
        return ChildDue(None, NOT_IN_CARE, False)
    if not has_cycle(child.date_of_birth, on, early_years_peps=early_years_peps):
        return ChildDue(
            None, no_cycle_reason(child.school_year_on(on)), is_overdue=False
        )

    meetings = Pep.objects.filter(child=child, meeting_date__gte=child.care_started_on)
    held = MeetingsHeld.of(
        meetings.filter(meeting_date__lte=on).values_list("meeting_date", flat=True)
    )
    next_meeting_on = meetings.filter(meeting_date__gt=on).aggregate(
        next_on=Min("meeting_date")
    )["next_on"]

    due_on = due_for(child.care_started_on, held, rules)
    return ChildDue(
        due_on=due_on,
        reason=cycle.due_reason(child.care_started_on, held.stand_ins(), rules),
        is_overdue=cycle.is_late(due_on, on),
        next_meeting_on=next_meeting_on,
    )


def pep_due_on(pep: Pep, rules: cycle.CycleRules | None = None) -> date | None:
    """When this PEP's meeting was due: counted from the meetings held before it.

    None when the child is not in care. The screens can compare it with the
    meeting date to ask for a reason when the meeting is late.
    """
    rules = rules or current_rules()
    care_started_on = pep.child.care_started_on
    if care_started_on is None:
        return None

    earlier = (
        Pep.objects.filter(
            child_id=pep.child_id,
            meeting_date__gte=care_started_on,
            meeting_date__lt=pep.meeting_date,
        )
        .exclude(pk=pep.pk)
        .values_list("meeting_date", flat=True)
    )
    return due_for(care_started_on, MeetingsHeld.of(earlier), rules)


def school_for(pep: Pep) -> School | None:
    """The PEP's school, or else the school the child is enrolled at now."""
    if pep.school_id is not None:
        return pep.school
    enrolment = (
        pep.child.enrolments.filter(ended_on__isnull=True)
        .select_related("school")
        .order_by("-started_on", "-id")
        .first()
    )
    return enrolment.school if enrolment else None


def designated_teacher_of(school: School | None) -> User | None:
    """The school's designated teacher account, if the school has one."""
    if school is None:
        return None
    position = (
        SchoolStaff.objects.filter(
            school=school,
            position=SchoolStaff.Position.DESIGNATED_TEACHER,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return position.user if position else None


@dataclass(frozen=True)
class Workplace:
    """Where a PEP's school steps are done: the school and its designated teacher."""

    school: School | None
    designated_teacher: User | None

    @classmethod
    def of(cls, pep: Pep) -> Workplace:
        school = school_for(pep)
        return cls(school, designated_teacher_of(school))


def assignee_for(role: cycle.Role, pep: Pep, workplace: Workplace) -> User | None:
    """Who does a step of the timeline.

    Carers do not sign in, so their steps are left unassigned; their reminders go
    by e-mail to the child's carers as a courtesy.
    """
    match role:
        case cycle.Role.SOCIAL_WORKER:
            return pep.social_worker or pep.child.social_worker
        case cycle.Role.DESIGNATED_TEACHER:
            return workplace.designated_teacher
        case cycle.Role.VIRTUAL_SCHOOL:
            return workplace.school.link_teacher if workplace.school else None
        case cycle.Role.CARER:
            return None


def _new_tasks(
    pep: Pep,
    steps: list[cycle.PreparationStep],
    workplace: Workplace,
    existing: Iterable[str] = (),
) -> list[PepTask]:
    skip = set(existing)
    return [
        PepTask(
            pep=pep,
            step=step.code,
            title=step.title,
            responsible_role=step.responsible.value,
            assignee=assignee_for(step.responsible, pep, workplace),
            due_on=step.due_on,
        )
        for step in steps
        if step.code not in skip
    ]


def pep_schedule_tasks(
    pep: Pep, rules: cycle.CycleRules | None = None
) -> list[PepTask]:
    """Create the PEP's preparation tasks, or move their due dates to its meeting.

    Safe to run again and from two places at once: one task per step is a database
    constraint. A task whose due date moves gets a fresh reminder, and can be
    escalated again, for its new date; a completed task is left as it is. An
    assignee someone has set by hand is kept.
    """
    rules = rules or current_rules()
    steps = cycle.preparation_steps(pep.meeting_date, rules)
    workplace = Workplace.of(pep)

    existing = {task.step: task for task in PepTask.objects.filter(pep=pep)}
    new_tasks = _new_tasks(pep, steps, workplace, existing)
    PepTask.objects.bulk_create(new_tasks, ignore_conflicts=True)

    for step in steps:
        task = existing.get(step.code)
        if task is None or task.due_on == step.due_on:
            continue
        changes = {"due_on": step.due_on}
        if task.completed_at is None:
            changes |= {"reminder_sent_at": None, "escalated_at": None}
        if task.assignee_id is None:
            changes["assignee"] = assignee_for(step.responsible, pep, workplace)
        PepTask.objects.filter(pk=task.pk).update(**changes)

    logger.debug(
        "Scheduled PEP %s: %s tasks created, %s already there",
        pep.pk,
        len(new_tasks),
        len(existing),
    )
    return list(PepTask.objects.filter(pep=pep))


def peps_schedule_tasks(peps: list[Pep], rules: cycle.CycleRules) -> int:
    """Lay out the tasks of many PEPs that have none, in a few queries.

    For the sweep, which may find thousands at once after an import. Each PEP's
    school and designated teacher are found as `pep_schedule_tasks` finds them.
    Returns how many tasks were written.
    """
    without_school = [pep.child_id for pep in peps if pep.school_id is None]
    current_school: dict[int, School] = {}
    enrolments = (
        Enrolment.objects.filter(child_id__in=without_school, ended_on__isnull=True)
        .select_related("school__link_teacher")
        .order_by("child_id", "-started_on", "-id")
    )
    for enrolment in enrolments:
        current_school.setdefault(enrolment.child_id, enrolment.school)

    schools = {
        pep.pk: pep.school if pep.school_id else current_school.get(pep.child_id)
        for pep in peps
    }
    designated_teachers: dict[int, User] = {}
    staff = (
        SchoolStaff.objects.filter(
            school_id__in={school.pk for school in schools.values() if school},
            position=SchoolStaff.Position.DESIGNATED_TEACHER,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("id")
    )
    for position in staff:
        designated_teachers.setdefault(position.school_id, position.user)

    tasks = []
    for pep in peps:
        school = schools[pep.pk]
        workplace = Workplace(
            school, designated_teachers.get(school.pk) if school else None
        )
        steps = cycle.preparation_steps(pep.meeting_date, rules)
        tasks.extend(_new_tasks(pep, steps, workplace))
    PepTask.objects.bulk_create(tasks, ignore_conflicts=True, batch_size=5000)
    return len(tasks)


def pep_scheduled(pep: Pep, *, date_changed: bool) -> None:
    """Everything that follows booking a PEP meeting or moving its date.

    Call it after saving the PEP, inside the same transaction if there is one. It
    records when the meeting was due (unless the PEP already says), lays out the
    preparation tasks with their assignees and queues the calendar invitation (or,
    when the date changed, the updated one), which a worker sends once the
    transaction commits.
    """
    policy_rules = current_rules()

    with transaction.atomic():
        if pep.due_on is None:
            # A queryset update: this derived value is not a user's edit, so it
            # does not belong in the PEP's history.
            pep.due_on = pep_due_on(pep, policy_rules)
            Pep.objects.filter(pk=pep.pk).update(due_on=pep.due_on)

        pep_schedule_tasks(pep, policy_rules)
        invitation = invitation_record(pep)

    if invitation is not None:
        logger.info(
            "PEP %s %s; invitation %s queued",
            pep.pk,
            "moved" if date_changed else "booked",
            invitation.pk,
        )
        transaction.on_commit(
            functools.partial(_enqueue_invitation, invitation.pk), robust=True
        )


def invitation_record(pep: Pep) -> MeetingInvitation | None:
    """Write the next version of the PEP's invitation if its date is not yet sent.

    None when the latest version already has this meeting date (booking the same
    date twice sends nothing new).
    """
    latest = pep.invitations.order_by("-sequence").first()
    if latest is not None and latest.meeting_date == pep.meeting_date:
        return None

    fields = {"pep": pep, "meeting_date": pep.meeting_date}
    if latest is None:
        fields["sequence"] = 0
    else:
        fields |= {"sequence": latest.sequence + 1, "calendar_uid": latest.calendar_uid}

    try:
        with transaction.atomic():
            return MeetingInvitation.objects.create(**fields)
    except IntegrityError:
        # Someone else recorded this version a moment ago; theirs will be sent.
        return None


def _enqueue_invitation(invitation_id: int) -> None:
    from peps import tasks

    tasks.send_meeting_invitation.delay(invitation_id)


def pep_step_done(pep: Pep, step: str, *, at: datetime | None = None) -> bool:
    """Mark one step of a PEP's timeline done, for workflow code such as finalising.

    Returns whether a task was open and is now done.
    """
    updated = PepTask.objects.filter(
        pep=pep, step=step, completed_at__isnull=True
    ).update(completed_at=at or timezone.now())
    return updated == 1
