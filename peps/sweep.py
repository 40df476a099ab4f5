"""The daily sweep of the PEP cycle.

`run_sweep(as_of)` brings every child's next PEP due date up to date, lays out the
tasks of PEPs whose timeline has none yet, sends invitations waiting to go out,
reminds people of tasks coming due, and escalates overdue tasks and overdue PEPs.

Due dates are worked out for the whole authority from one grouped query and written
back in one statement per 20,000 changed children. Everything sent is claimed first
(see peps/reminders.py), so two sweeps at once, or a sweep run again after a crash,
never send anything twice. docs/cycle-engine.md explains the design.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from peps import cycle, reminders, schedule
from peps.models import Child, Escalation, MeetingInvitation, Pep, PepTask

logger = logging.getLogger(__name__)
T = TypeVar("T")

WRITE_BATCH = 20_000
DEFAULT_SEND_LANES = 4
MIN_SENDS_PER_LANE = 20
ESCALATION_LOOKUP_BATCH = 10_000


@dataclass
class SweepReport:
    """What a sweep did, or with `dry_run` would have done. Ids only, no names."""

    as_of: date
    dry_run: bool
    children_with_cycle: int = 0
    due_dates_changed: int = 0
    overdue_children: list[int] = field(default_factory=list)
    peps_scheduled: list[int] = field(default_factory=list)
    invitations_sent: list[int] = field(default_factory=list)
    reminders_sent: list[int] = field(default_factory=list)
    tasks_escalated: list[int] = field(default_factory=list)
    peps_escalated: list[int] = field(default_factory=list)
    sent_to_nobody: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as lines for a person to read."""
        verb = "Would" if self.dry_run else "Did"
        return [
            f"PEP sweep as of {self.as_of.isoformat()}"
            f"{' (dry run: nothing changed or sent)' if self.dry_run else ''}",
            f"Children with a PEP cycle: {self.children_with_cycle}",
            f"Next PEP due dates changed: {self.due_dates_changed}",
            _ids("Children overdue with no meeting booked", self.overdue_children),
            _ids(f"{verb} lay out tasks for PEPs", self.peps_scheduled),
            _ids(f"{verb} send invitations", self.invitations_sent),
            _ids(f"{verb} send reminders for tasks", self.reminders_sent),
            _ids(f"{verb} escalate overdue tasks", self.tasks_escalated),
            _ids(f"{verb} escalate overdue PEPs of children", self.peps_escalated),
            _ids("Claimed with nobody to e-mail", self.sent_to_nobody),
            _ids("Failed, to be retried", self.failures),
            f"Took {self.seconds:.2f} s ("
            + ", ".join(
                f"{stage.replace('_', ' ')} {seconds:.2f} s"
                for stage, seconds in self.stage_seconds.items()
            )
            + ")",
        ]


def _ids(label: str, ids: Sequence[object], shown: int = 50) -> str:
    listed = ", ".join(str(item) for item in ids[:shown])
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return f"{label}: {len(ids)}" + (f" ({listed}{more})" if ids else "")


@dataclass(frozen=True)
class _Overdue:
    due_on: date
    care_started_on: date
    held: schedule.MeetingsHeld


def run_sweep(as_of: date, dry_run: bool = False) -> SweepReport:
    """Run the whole sweep as of `as_of`; with `dry_run`, only count."""
    started = time.perf_counter()
    report = SweepReport(as_of=as_of, dry_run=dry_run)
    policy = schedule.current_policy()

    def timed(stage: str, work: Callable[[], T]) -> T:
        stage_started = time.perf_counter()
        result = work()
        report.stage_seconds[stage] = time.perf_counter() - stage_started
        return result

    overdue = timed("due_dates", lambda: _refresh_due_dates(as_of, policy, report))
    timed("tasks", lambda: _schedule_missing_tasks(as_of, policy, report))
    timed("invitations", lambda: _send_pending_invitations(as_of, report))
    timed("reminders", lambda: _send_reminders(as_of, policy, report))
    timed("task_escalations", lambda: _escalate_tasks(as_of, report))
    timed("pep_escalations", lambda: _escalate_peps(as_of, overdue, policy, report))

    report.seconds = time.perf_counter() - started
    logger.info(
        "PEP sweep as of %s%s: %s due dates changed, %s reminders, %s task and "
        "%s PEP escalations, %s failures in %.2f s",
        as_of,
        " (dry run)" if dry_run else "",
        report.due_dates_changed,
        len(report.reminders_sent),
        len(report.tasks_escalated),
        len(report.peps_escalated),
        len(report.failures),
        report.seconds,
    )
    return report


# Due dates ------------------------------------------------------------------------


def refresh_due_dates(as_of: date) -> int:
    """Bring every child's next due date up to date, and nothing else.

    For set-up steps such as loading demo data, where the lists should show due
    dates at once but no e-mail should go out. Returns how many dates changed.
    """
    report = SweepReport(as_of=as_of, dry_run=False)
    _refresh_due_dates(as_of, schedule.current_policy(), report)
    return report.due_dates_changed


def cycle_rows(as_of: date) -> QuerySet[Child]:
    """Per child: what the rules need, in one grouped query.

    Children not in care are included only when they still carry a due date that
    must be cleared.
    """
    this_period = Q(peps__meeting_date__gte=F("care_started_on"))
    held = this_period & Q(peps__meeting_date__lte=as_of)
    booked = this_period & Q(peps__meeting_date__gt=as_of)
    return (
        Child.objects.filter(
            Q(care_started_on__isnull=False) | Q(next_pep_due_on__isnull=False)
        )
        .order_by()
        .values_list("pk", "date_of_birth", "care_started_on", "next_pep_due_on")
        .annotate(
            held=Count("peps__meeting_date", filter=held, distinct=True),
            first_on=Min("peps__meeting_date", filter=held),
            latest_on=Max("peps__meeting_date", filter=held),
            booked_on=Min("peps__meeting_date", filter=booked),
        )
    )


def _refresh_due_dates(
    as_of: date, policy: schedule.CyclePolicy, report: SweepReport
) -> dict[int, _Overdue]:
    rules = policy.rules
    in_cycle: dict[date, bool] = {}
    changes: dict[int, date | None] = {}
    overdue: dict[int, _Overdue] = {}

    for (
        pk,
        born_on,
        care_started_on,
        stored,
        held,
        first_on,
        latest_on,
        booked_on,
    ) in cycle_rows(as_of).iterator(chunk_size=10_000):
        due_on = None
        if care_started_on is not None:
            eligible = in_cycle.get(born_on)
            if eligible is None:
                eligible = in_cycle[born_on] = schedule.has_cycle(
                    born_on, as_of, early_years_peps=policy.early_years_peps
                )
            if eligible:
                meetings = schedule.MeetingsHeld(held, first_on, latest_on)
                due_on = schedule.due_for(care_started_on, meetings, rules)
                report.children_with_cycle += 1
                if due_on < as_of and booked_on is None:
                    overdue[pk] = _Overdue(due_on, care_started_on, meetings)

        if due_on != stored:
            changes[pk] = due_on

    report.due_dates_changed = len(changes)
    report.overdue_children = sorted(overdue)
    if changes and not report.dry_run:
        _write_due_dates(changes)
    return overdue


def _write_due_dates(changes: dict[int, date | None]) -> None:
    """Write changed due dates set-wise; not through save(), which would add a
    history row per child for a value the sweep derives."""
    # In id order, so that two sweeps writing at once lock rows in the same order.
    items = sorted(changes.items())
    table = connection.ops.quote_name(Child._meta.db_table)
    column = connection.ops.quote_name("next_pep_due_on")

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for batch in _batches(items, WRITE_BATCH):
                cursor.execute(
                    # Table and column names come from Django, values are bound.
                    f"UPDATE {table} AS child "  # noqa: S608
                    f"SET {column} = change.due_on "
                    "FROM unnest(%s::bigint[], %s::date[]) AS change(id, due_on) "
                    "WHERE child.id = change.id",
                    [[pk for pk, _ in batch], [due for _, due in batch]],
                )
        return

    by_date: dict[date | None, list[int]] = {}
    for pk, due_on in items:
        by_date.setdefault(due_on, []).append(pk)
    for due_on, pks in by_date.items():
        for batch in _batches(pks, 500):
            Child.objects.filter(pk__in=batch).update(next_pep_due_on=due_on)


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Tasks and invitations ------------------------------------------------------------


def earliest_running_meeting(as_of: date, rules: cycle.CycleRules) -> date:
    """The earliest meeting date whose timeline still has a step due on `as_of` or
    later: the quality-assurance deadline is the last step of every timeline."""
    meeting = as_of
    for _ in range(800):
        if cycle.quality_assurance_due(meeting - timedelta(days=1), rules) < as_of:
            return meeting
        meeting -= timedelta(days=1)
    return meeting


def _schedule_missing_tasks(
    as_of: date, policy: schedule.CyclePolicy, report: SweepReport
) -> None:
    """Lay out tasks for open PEPs with a running timeline and no tasks yet, and
    catch up with PEPs whose date moved without their invitation following."""
    running = Pep.objects.filter(
        meeting_date__gte=earliest_running_meeting(as_of, policy.rules)
    ).exclude(status=Pep.Status.APPROVED)

    without_tasks = running.filter(
        ~Exists(PepTask.objects.filter(pep=OuterRef("pk")))
    ).order_by("meeting_date", "pk")
    latest_invited = Subquery(
        MeetingInvitation.objects.filter(pep=OuterRef("pk"))
        .order_by("-sequence")
        .values("meeting_date")[:1]
    )
    moved = (
        running.filter(meeting_date__gte=as_of)
        .annotate(invited_for=latest_invited)
        .filter(invited_for__isnull=False)
        .exclude(meeting_date=F("invited_for"))
        .order_by("meeting_date", "pk")
    )

    related = ("child__social_worker", "social_worker", "school__link_teacher")
    for batch in _batches(list(without_tasks.values_list("pk", flat=True)), 2_000):
        report.peps_scheduled.extend(batch)
        if report.dry_run:
            continue
        # A PEP recorded outside the screens (an import, the admin) gets its
        # tasks, but no invitation: its meeting was arranged elsewhere.
        peps = list(Pep.objects.filter(pk__in=batch).select_related(*related))
        _attempt(
            report,
            f"lay out tasks for {len(peps)} PEPs",
            lambda peps=peps: _lay_out(peps, policy.rules),
        )

    for pep in moved.select_related(*related):
        report.peps_scheduled.append(pep.pk)
        if report.dry_run:
            continue
        _attempt(
            report,
            f"reschedule PEP {pep.pk}",
            lambda pep=pep: _reschedule(pep),
        )


def _lay_out(peps: list[Pep], rules: cycle.CycleRules) -> reminders.Outcome:
    schedule.peps_schedule_tasks(peps, rules)
    return reminders.Outcome.SENT


def _reschedule(pep: Pep) -> reminders.Outcome:
    schedule.pep_scheduled(pep, date_changed=True)
    return reminders.Outcome.SENT


def _send_pending_invitations(as_of: date, report: SweepReport) -> None:
    pending = MeetingInvitation.objects.filter(sent_at__isnull=True).order_by("pk")
    work = [
        _Work(pk, lambda pk=pk: reminders.invitation_send(pk, on=as_of))
        for pk in pending.values_list("pk", flat=True)
    ]
    _send_all(report, work, report.invitations_sent, "invitation")


# Reminders and escalations --------------------------------------------------------


def reminder_horizon(as_of: date, lead_working_days: int) -> date:
    """Tasks due up to this date are reminded on `as_of`."""
    lead = cycle.Interval(lead_working_days, cycle.DayUnit.WORKING_DAYS)
    return cycle.add_interval(as_of, lead)


def _open_tasks() -> QuerySet[PepTask]:
    return PepTask.objects.filter(completed_at__isnull=True).exclude(
        pep__status=Pep.Status.APPROVED
    )


def _send_reminders(
    as_of: date, policy: schedule.CyclePolicy, report: SweepReport
) -> None:
    """A reminder for each open task due between today and the reminder horizon.

    A task already overdue when it was laid out gets no reminder: the sweep only
    reminds ahead of a due date.
    """
    horizon = reminder_horizon(as_of, policy.reminder_lead_working_days)
    due_soon = _open_tasks().filter(
        reminder_sent_at__isnull=True, due_on__gte=as_of, due_on__lte=horizon
    )
    work = [
        _Work(task.pk, lambda task=task: reminders.reminder_send(task, on=as_of))
        for task in _loaded_tasks(due_soon, report.dry_run)
    ]
    _send_all(report, work, report.reminders_sent, "reminder for task")


def _escalate_tasks(as_of: date, report: SweepReport) -> None:
    """Escalate each task reminded, past its due date and still open, once.

    Only reminded tasks: a task that was overdue before anyone could be told
    (a meeting booked at short notice) is shown as overdue but not escalated.
    """
    overdue = _open_tasks().filter(
        escalated_at__isnull=True, reminder_sent_at__isnull=False, due_on__lt=as_of
    )
    work = [
        _Work(task.pk, lambda task=task: reminders.task_escalation_send(task, on=as_of))
        for task in _loaded_tasks(overdue, report.dry_run)
    ]
    _send_all(report, work, report.tasks_escalated, "escalation of task")


def _loaded_tasks(tasks: QuerySet[PepTask], dry_run: bool) -> list[PepTask]:
    """The tasks in due order, loaded a batch at a time with what sending reads
    (for a dry run, only their ids are needed)."""
    ids = list(tasks.order_by("due_on", "pk").values_list("pk", flat=True))
    if dry_run:
        return [PepTask(pk=pk) for pk in ids]

    loaded_tasks = []
    for batch in _batches(ids, 1_000):
        loaded = reminders.tasks_for_sending().in_bulk(batch)
        loaded_tasks.extend(loaded[pk] for pk in batch if pk in loaded)
    return loaded_tasks


def _escalate_peps(
    as_of: date,
    overdue: dict[int, _Overdue],
    policy: schedule.CyclePolicy,
    report: SweepReport,
) -> None:
    """Escalate each child whose PEP is overdue and not booked, once per due date."""
    told = set()
    child_ids = list(overdue)
    for batch in _batches(child_ids, ESCALATION_LOOKUP_BATCH):
        told.update(
            Escalation.objects.filter(
                kind=Escalation.Kind.OVERDUE_PEP, child_id__in=batch
            ).values_list("child_id", "due_on")
        )

    to_tell = [pk for pk in child_ids if (pk, overdue[pk].due_on) not in told]
    if report.dry_run:
        report.peps_escalated.extend(to_tell)
        return

    def escalate(child: Child, item: _Overdue) -> reminders.Outcome:
        reason = cycle.due_reason(
            item.care_started_on, item.held.stand_ins(), policy.rules
        )
        return reminders.pep_escalation_send(
            child, due_on=item.due_on, on=as_of, reason=reason
        )

    work = []
    for batch in _batches(to_tell, 1_000):
        children = reminders.children_for_sending().in_bulk(batch)
        work.extend(
            _Work(
                pk, lambda child=children[pk], item=overdue[pk]: escalate(child, item)
            )
            for pk in batch
        )
    _send_all(report, work, report.peps_escalated, "escalation of child")


# Sending in lanes -----------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    item_id: int
    send: Callable[[], reminders.Outcome]


def send_lanes() -> int:
    """How many sends run side by side, each in its own transaction.

    Each lane needs its own database connection, which cannot see rows the caller
    has not committed; so one lane inside a transaction, and one on SQLite, which
    has one writer at a time. The claims make any number of lanes safe.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, getattr(settings, "PEP_SWEEP_SEND_LANES", DEFAULT_SEND_LANES))


def _send_all(
    report: SweepReport, work: list[_Work], done: list[int], what: str
) -> None:
    if report.dry_run:
        done.extend(item.item_id for item in work)
        return

    lanes = min(send_lanes(), len(work) // MIN_SENDS_PER_LANE or 1)
    outcomes: dict[int, reminders.Outcome | None] = {}

    def run(part: Sequence[_Work]) -> None:
        for item in part:
            outcomes[item.item_id] = _attempt(
                report, f"{what} {item.item_id}", item.send
            )

    if lanes == 1:
        run(work)
    else:
        threads = [
            threading.Thread(target=_in_own_connection, args=(run, work[lane::lanes]))
            for lane in range(lanes)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    for item in work:
        _record(report, outcomes.get(item.item_id), done, item.item_id, what)


def _in_own_connection(
    run: Callable[[Sequence[_Work]], None], part: Sequence[_Work]
) -> None:
    try:
        run(part)
    finally:
        connection.close()


# Bookkeeping ----------------------------------------------------------------------


def _attempt(
    report: SweepReport, what: str, action: Callable[[], reminders.Outcome]
) -> reminders.Outcome | None:
    """Run one piece of work; a failure is logged and left for the next run.

    The work's own transaction has rolled back by the time the error reaches
    here, so nothing of it is claimed.
    """
    try:
        return action()
    except Exception as error:  # one failure must not stop the sweep
        logger.warning("PEP sweep could not do %s: %s", what, type(error).__name__)
        report.failures.append(f"{what}: {type(error).__name__}")
        return None


def _record(
    report: SweepReport,
    outcome: reminders.Outcome | None,
    done: list[int],
    item_id: int,
    what: str,
) -> None:
    if outcome == reminders.Outcome.SENT:
        done.append(item_id)
    elif outcome == reminders.Outcome.NO_RECIPIENTS:
        report.sent_to_nobody.append(f"{what} {item_id}")
