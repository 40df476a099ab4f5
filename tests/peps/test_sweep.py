"""The daily sweep: due dates, tasks, reminders, escalations, each done once.

The sweep is run as of Monday 1 February 2027 unless a test says otherwise; with
the default lead of 3 working days it reminds tasks due up to Thursday 4 February.
"""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from accounts.models import Team
from accounts.roles import Role
from peps import cycle, schedule, sweep
from peps.models import (
    Contact,
    CycleEmail,
    CycleSettings,
    Escalation,
    MeetingInvitation,
    Pep,
    PepTask,
    SchoolStaff,
)
from tests import factories
from tests.conftest import _user_with

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2027, 2, 1)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)


@pytest.fixture
def manager(db, social_worker):
    boss = _user_with(Role.SOCIAL_WORK_MANAGER, first_name="Mo", last_name="Manager")
    social_worker.team = Team.objects.create(name="Team North", manager=boss)
    social_worker.save()
    return boss


@pytest.fixture
def booked(child, social_worker, school):
    """A PEP booked for after the sweep's day, so its child is not overdue."""
    return factories.PepFactory(
        child=child,
        social_worker=social_worker,
        school=school,
        meeting_date=date(2027, 3, 3),
    )


def a_task(pep, *, due_on, step="call_meeting", role="social_worker", **fields):
    fields.setdefault("assignee", pep.social_worker)
    return PepTask.objects.create(
        pep=pep,
        step=step,
        title="Call the meeting",
        responsible_role=role,
        due_on=due_on,
        **fields,
    )


def emails(kind: str) -> list:
    return [m for m in mail.outbox if kind in m.subject]


# Due dates ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_brings_every_childs_due_date_up_to_date():
    first = factories.ChildFactory(care_started_on=date(2024, 12, 2))
    second = factories.ChildFactory(care_started_on=date(2024, 12, 2))
    factories.PepFactory(child=second, meeting_date=date(2024, 12, 20))
    left_care = factories.ChildFactory(
        care_started_on=None, next_pep_due_on=date(2025, 1, 1)
    )
    too_young = factories.ChildFactory(
        care_started_on=date(2024, 12, 2), date_of_birth=date(2022, 1, 1)
    )

    report = sweep.run_sweep(date(2025, 1, 10))

    for child in (first, second, left_care, too_young):
        child.refresh_from_db()
    assert first.next_pep_due_on == date(2025, 1, 2)
    assert second.next_pep_due_on == date(2025, 3, 20)
    assert left_care.next_pep_due_on is None
    assert too_young.next_pep_due_on is None
    assert report.due_dates_changed == 3
    assert report.children_with_cycle == 2
    assert report.overdue_children == [first.pk]


@pytest.mark.django_db
def test_the_sweep_agrees_with_the_childs_own_page():
    child = factories.ChildFactory(care_started_on=date(2024, 12, 2))
    for day in (date(2024, 12, 20), date(2025, 3, 10), date(2025, 9, 1)):
        factories.PepFactory(child=child, meeting_date=day)

    for as_of in (date(2025, 1, 1), date(2025, 3, 10), date(2025, 6, 1)):
        sweep.run_sweep(as_of, dry_run=False)
        child.refresh_from_db()
        assert child.next_pep_due_on == schedule.child_due(child, on=as_of).due_on


@pytest.mark.django_db
def test_a_second_sweep_on_the_same_day_changes_nothing():
    factories.ChildFactory(care_started_on=date(2024, 12, 2))
    sweep.run_sweep(MONDAY)

    assert sweep.run_sweep(MONDAY).due_dates_changed == 0


@pytest.mark.django_db
def test_a_dry_run_changes_and_sends_nothing(booked, manager):
    a_task(booked, due_on=MONDAY)
    overdue = factories.ChildFactory(social_worker=booked.social_worker)

    report = sweep.run_sweep(MONDAY, dry_run=True)

    overdue.refresh_from_db()
    assert overdue.next_pep_due_on is None
    assert report.due_dates_changed == 2
    assert len(report.reminders_sent) == 1
    assert report.peps_escalated == [overdue.pk]
    assert mail.outbox == []
    assert PepTask.objects.filter(reminder_sent_at__isnull=False).count() == 0
    assert Escalation.objects.count() == 0


# Tasks ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_lays_out_tasks_for_peps_recorded_elsewhere_without_inviting(
    booked,
):
    approved = factories.PepFactory(
        child=booked.child, meeting_date=date(2027, 2, 10), status=Pep.Status.APPROVED
    )
    long_past = factories.PepFactory(child=booked.child, meeting_date=date(2026, 6, 1))

    report = sweep.run_sweep(MONDAY)

    assert report.peps_scheduled == [booked.pk]
    assert PepTask.objects.filter(pep=booked).count() == 12
    assert not PepTask.objects.filter(pep__in=[approved, long_past]).exists()
    assert not MeetingInvitation.objects.exists()


@pytest.mark.django_db
def test_the_sweep_sends_an_invitation_a_worker_never_sent(booked):
    schedule.pep_schedule_tasks(booked)
    invitation = MeetingInvitation.objects.create(
        pep=booked, sequence=0, meeting_date=booked.meeting_date
    )

    report = sweep.run_sweep(MONDAY)

    assert report.invitations_sent == [invitation.pk]
    assert emails("PEP meeting for child ref")
    assert sweep.run_sweep(MONDAY).invitations_sent == []


@pytest.mark.django_db
def test_a_meeting_moved_without_telling_the_engine_is_caught_up(booked):
    schedule.pep_schedule_tasks(booked)
    MeetingInvitation.objects.create(
        pep=booked, sequence=0, meeting_date=booked.meeting_date, sent_at=at(MONDAY)
    )
    booked.meeting_date = date(2027, 3, 10)
    booked.save()

    report = sweep.run_sweep(MONDAY)

    assert report.peps_scheduled == [booked.pk]
    latest = MeetingInvitation.objects.filter(pep=booked).order_by("sequence").last()
    assert (latest.sequence, latest.outcome) == (1, MeetingInvitation.Outcome.SENT)
    assert PepTask.objects.get(pep=booked, step="call_meeting").due_on == date(
        2027, 2, 17
    )
    assert emails("Updated: PEP meeting")


# Reminders -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("due_on", "lead", "reminded"),
    [
        pytest.param(date(2027, 2, 1), 3, True, id="due-today"),
        pytest.param(date(2027, 2, 4), 3, True, id="three-working-days-ahead"),
        pytest.param(date(2027, 2, 5), 3, False, id="four-working-days-ahead"),
        pytest.param(date(2027, 1, 29), 3, False, id="already-overdue"),
        pytest.param(date(2027, 2, 1), 0, True, id="no-lead-due-today"),
        pytest.param(date(2027, 2, 2), 0, False, id="no-lead-due-tomorrow"),
        pytest.param(date(2027, 2, 8), 5, True, id="lead-spans-a-weekend"),
    ],
)
def test_a_task_is_reminded_within_the_lead_before_it_is_due(
    booked, due_on, lead, reminded
):
    CycleSettings.objects.update_or_create(
        pk=1, defaults={"reminder_lead_working_days": lead}
    )
    task = a_task(booked, due_on=due_on)

    report = sweep.run_sweep(MONDAY)

    assert (task.pk in report.reminders_sent) is reminded
    assert len(emails("PEP task due on")) == int(reminded)


@pytest.mark.django_db
def test_each_reminder_goes_out_once_and_is_logged(booked, social_worker):
    task = a_task(booked, due_on=date(2027, 2, 3))

    sweep.run_sweep(MONDAY)
    sweep.run_sweep(MONDAY)
    sweep.run_sweep(date(2027, 2, 2))

    (message,) = emails("PEP task due on")
    assert message.to == [social_worker.email]
    assert message.subject == (
        "PEP Portal: PEP task due on 3 February 2027 "
        f"(child ref {booked.child.local_child_id})"
    )
    assert booked.child.forename not in message.subject
    assert reverse("peps:pep", args=[booked.pk]) in message.body
    log = CycleEmail.objects.get(kind=CycleEmail.Kind.REMINDER)
    assert (log.task, log.recipients) == (task, [social_worker.email])


@pytest.mark.django_db
def test_done_tasks_and_tasks_of_approved_peps_are_not_reminded(booked):
    a_task(booked, due_on=MONDAY, completed_at=at(MONDAY))
    approved = factories.PepFactory(
        child=booked.child, meeting_date=date(2027, 2, 10), status=Pep.Status.APPROVED
    )
    a_task(approved, due_on=MONDAY)

    assert sweep.run_sweep(MONDAY).reminders_sent == []


@pytest.mark.django_db
def test_a_carers_step_is_sent_to_carers_who_take_copies(booked):
    Contact.objects.create(
        child=booked.child,
        kind=Contact.Kind.CARER,
        name="Casey Carer",
        email="carer@example.invalid",
    )
    Contact.objects.create(
        child=booked.child,
        kind=Contact.Kind.BIRTH_FAMILY,
        name="Bea Family",
        email="family@example.invalid",
    )
    a_task(
        booked,
        due_on=MONDAY,
        step="carer_confirm_attendance",
        role="carer",
        assignee=None,
    )

    sweep.run_sweep(MONDAY)

    (message,) = emails("PEP task due on")
    assert message.to == ["carer@example.invalid"]
    assert "social worker" in message.body


@pytest.mark.django_db
def test_a_task_with_nobody_to_tell_is_claimed_and_logged_without_mail(booked):
    task = a_task(
        booked,
        due_on=MONDAY,
        step="complete_school_section",
        role="designated_teacher",
        assignee=None,
    )

    report = sweep.run_sweep(MONDAY)

    assert report.sent_to_nobody == [f"reminder for task {task.pk}"]
    assert mail.outbox == []
    assert CycleEmail.objects.get(task=task).recipients == []


# Escalations -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("step", "role", "escalated_to"),
    [
        pytest.param("call_meeting", "social_worker", "manager", id="social-worker"),
        pytest.param(
            "complete_school_section", "designated_teacher", "link", id="school"
        ),
        pytest.param("carer_confirm_attendance", "carer", "link", id="carer"),
        pytest.param("quality_assure", "virtual_school", "admins", id="vs"),
    ],
)
def test_an_overdue_reminded_task_is_escalated_to_whoever_answers_for_it(
    booked, manager, link_teacher, administrator, step, role, escalated_to
):
    task = a_task(
        booked,
        due_on=date(2027, 1, 29),
        step=step,
        role=role,
        reminder_sent_at=at(date(2027, 1, 26)),
    )

    report = sweep.run_sweep(MONDAY)

    expected = {"manager": manager, "link": link_teacher, "admins": administrator}
    (message,) = emails("Overdue PEP task")
    assert message.to == [expected[escalated_to].email]
    assert report.tasks_escalated == [task.pk]
    assert sweep.run_sweep(date(2027, 2, 2)).tasks_escalated == []


@pytest.mark.django_db
def test_a_social_workers_task_without_a_team_manager_goes_to_administrators(
    booked, administrator
):
    a_task(booked, due_on=date(2027, 1, 29), reminder_sent_at=at(date(2027, 1, 26)))

    sweep.run_sweep(MONDAY)

    (message,) = emails("Overdue PEP task")
    assert message.to == [administrator.email]


@pytest.mark.django_db
def test_a_task_overdue_before_anyone_was_reminded_is_not_escalated(booked, manager):
    a_task(booked, due_on=date(2027, 1, 29))

    assert sweep.run_sweep(MONDAY).tasks_escalated == []


@pytest.mark.django_db
def test_an_overdue_unbooked_pep_is_escalated_once_per_due_date(social_worker, manager):
    child = factories.ChildFactory(
        social_worker=social_worker, care_started_on=date(2024, 12, 2)
    )

    first = sweep.run_sweep(date(2025, 1, 3))
    again = sweep.run_sweep(date(2025, 1, 6))

    assert first.peps_escalated == [child.pk]
    assert again.peps_escalated == []
    (message,) = emails("Overdue PEP, due on 2 January 2025")
    assert message.to == [manager.email]
    assert "First PEP: within 20 working days" in message.body
    escalation = Escalation.objects.get()
    assert (escalation.child, escalation.due_on, escalation.recipient) == (
        child,
        date(2025, 1, 2),
        manager,
    )

    # A meeting is held late; when the next one is overdue, that is a new matter.
    factories.PepFactory(child=child, meeting_date=date(2025, 1, 20))
    assert sweep.run_sweep(date(2025, 4, 22)).peps_escalated == [child.pk]
    assert Escalation.objects.count() == 2


@pytest.mark.django_db
def test_an_overdue_pep_with_a_meeting_booked_is_not_escalated(social_worker):
    child = factories.ChildFactory(
        social_worker=social_worker, care_started_on=date(2024, 12, 2)
    )
    factories.PepFactory(child=child, meeting_date=date(2025, 1, 20))

    report = sweep.run_sweep(date(2025, 1, 6))

    assert report.peps_escalated == []
    assert report.overdue_children == []


# Failures and concurrency --------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_send_leaves_no_claim_and_the_next_run_sends_it(booked, monkeypatch):
    task = a_task(booked, due_on=MONDAY)
    real_send = EmailBackend.send_messages

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    failed = sweep.run_sweep(MONDAY)

    task.refresh_from_db()
    assert failed.failures == [f"reminder for task {task.pk}: SMTPServerDisconnected"]
    assert task.reminder_sent_at is None
    assert not CycleEmail.objects.exists()

    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    retried = sweep.run_sweep(MONDAY)

    assert retried.reminders_sent == [task.pk]
    assert len(emails("PEP task due on")) == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite locks the whole database, so two writers never overlap; "
    "the exactly-once claim is proved against PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_never_send_anything_twice(monkeypatch):
    sworker = _user_with(Role.SOCIAL_WORKER)
    sworker.team = Team.objects.create(
        name="Team South", manager=_user_with(Role.SOCIAL_WORK_MANAGER)
    )
    sworker.save()
    pep = factories.PepFactory(
        child=factories.ChildFactory(social_worker=sworker),
        social_worker=sworker,
        meeting_date=date(2027, 3, 3),
    )
    steps = [step for step in cycle.preparation_steps(pep.meeting_date)][:10]
    for number, step in enumerate(steps):
        due_soon = number % 2 == 0
        a_task(
            pep,
            step=step.code,
            due_on=MONDAY if due_soon else date(2027, 1, 29),
            reminder_sent_at=None if due_soon else at(date(2027, 1, 26)),
        )
    for _ in range(5):
        factories.ChildFactory(social_worker=sworker, care_started_on=date(2026, 1, 5))

    real_send = EmailBackend.send_messages

    def slow_send(self, messages):
        # Long enough that the other sweep reaches the same row while this
        # one still holds it.
        time.sleep(0.05)
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow_send)
    start = threading.Barrier(2)
    reports, errors = [], []

    def one_sweep():
        try:
            start.wait()
            reports.append(sweep.run_sweep(MONDAY))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    sent = [report.reminders_sent + report.tasks_escalated for report in reports]
    assert sorted(sent[0] + sent[1]) == sorted(
        PepTask.objects.values_list("pk", flat=True)
    )
    peps_escalated = reports[0].peps_escalated + reports[1].peps_escalated
    assert len(peps_escalated) == len(set(peps_escalated)) == 5
    assert len(mail.outbox) == 10 + 5
    assert CycleEmail.objects.count() == 10 + 5
    assert all(not report.failures for report in reports)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="Sending in parallel lanes is for PostgreSQL; on SQLite the sweep sends "
    "in one lane.",
)
@pytest.mark.django_db(transaction=True)
def test_sending_in_parallel_lanes_sends_each_reminder_once(settings):
    settings.PEP_SWEEP_SEND_LANES = 4
    sworker = _user_with(Role.SOCIAL_WORKER)
    task_ids = []
    for _ in range(4):
        pep = factories.PepFactory(
            child=factories.ChildFactory(social_worker=sworker),
            social_worker=sworker,
            meeting_date=date(2027, 3, 3),
        )
        for step in cycle.preparation_steps(pep.meeting_date):
            task_ids.append(a_task(pep, step=step.code, due_on=MONDAY).pk)

    report = sweep.run_sweep(MONDAY)

    assert sweep.send_lanes() == 4
    assert report.reminders_sent == sorted(task_ids)
    assert report.failures == []
    assert len(mail.outbox) == len(task_ids) == 48
    assert not PepTask.objects.filter(reminder_sent_at__isnull=True).exists()


# The command and the schedule ----------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_counts_and_ids_and_never_names(booked, capsys):
    task = a_task(booked, due_on=MONDAY)

    call_command("run_pep_sweep", "--as-of", "2027-02-01", "--dry-run")

    out = capsys.readouterr().out
    assert "PEP sweep as of 2027-02-01 (dry run" in out
    assert f"Would send reminders for tasks: 1 ({task.pk})" in out
    assert booked.child.forename not in out
    assert booked.child.surname not in out
    assert PepTask.objects.get(pk=task.pk).reminder_sent_at is None


@pytest.mark.django_db
def test_the_command_explains_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="YYYY-MM-DD, not '1/2/2027'"):
        call_command("run_pep_sweep", "--as-of", "1/2/2027")


@pytest.mark.django_db
def test_the_daily_sweep_is_scheduled_for_six_in_the_morning_london_time():
    entry = PeriodicTask.objects.get(name="Daily PEP sweep")

    assert entry.task == "peps.run_daily_sweep"
    assert entry.enabled
    assert (entry.crontab.hour, entry.crontab.minute) == ("6", "0")
    assert str(entry.crontab.timezone) == "Europe/London"


@pytest.mark.django_db
def test_the_designated_teachers_account_gets_school_reminders(
    booked, school, designated_teacher
):
    SchoolStaff.objects.create(
        school=school,
        user=designated_teacher,
        position=SchoolStaff.Position.DESIGNATED_TEACHER,
    )
    schedule.pep_schedule_tasks(booked)

    report = sweep.run_sweep(date(2027, 2, 15))

    reminded = PepTask.objects.filter(pk__in=report.reminders_sent)
    assert set(reminded.values_list("step", flat=True)) == {
        "complete_school_section",
        "send_carer_copy",
    }
    carer_step = PepTask.objects.get(pep=booked, step="carer_confirm_attendance")
    assert report.sent_to_nobody == [f"reminder for task {carer_step.pk}"]
    assert {m.to[0] for m in emails("PEP task due on")} == {designated_teacher.email}
