"""The cycle applied to the database: settings, due dates, tasks and invitations.

Dates were worked out by hand on a calendar with England's bank holidays (Christmas
2024: Wed 25, Thu 26 Dec and Wed 1 Jan 2025).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.template.loader import render_to_string

from accounts.models import Team
from peps import cycle, reminders, schedule
from peps.models import (
    Contact,
    CycleSettings,
    MeetingInvitation,
    Pep,
    PepTask,
    SchoolStaff,
)
from tests import factories

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def a_child(social_worker=None, *, care_start=date(2024, 12, 2), **fields):
    return factories.ChildFactory(
        social_worker=social_worker, care_started_on=care_start, **fields
    )


def meetings(child, *days: date) -> None:
    for day in days:
        factories.PepFactory(child=child, meeting_date=day)


# Settings --------------------------------------------------------------------------


def test_settings_start_with_the_regulations_defaults():
    assert CycleSettings.load().rules() == cycle.DEFAULT_RULES
    policy = schedule.current_policy()
    assert policy.reminder_lead_working_days == 3
    assert policy.early_years_peps is False


def test_a_saved_change_to_the_settings_applies_at_once():
    row = CycleSettings.load()
    row.finalisation_amount = 15
    row.later_peps_unit = cycle.DayUnit.WEEKS
    row.later_peps_amount = 20
    row.save()

    rules = schedule.current_rules()

    assert rules.finalisation == cycle.Interval(15, cycle.DayUnit.WORKING_DAYS)
    assert rules.later_peps == cycle.Interval(20, cycle.DayUnit.WEEKS)


def test_there_is_only_ever_one_settings_row():
    CycleSettings.load()
    CycleSettings(reminder_lead_working_days=5).save()

    assert CycleSettings.objects.count() == 1
    assert CycleSettings.load().reminder_lead_working_days == 5


def test_settings_refuse_a_next_meeting_due_within_nothing():
    row = CycleSettings.load()
    row.second_pep_amount = 0

    with pytest.raises(Exception, match="greater than 0"):
        row.full_clean()


# A child's due date ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "on", "due_on", "reason_starts", "is_overdue"),
    [
        pytest.param(
            [], date(2024, 12, 20), date(2025, 1, 2), "First PEP", False, id="first"
        ),
        pytest.param(
            [], date(2025, 1, 2), date(2025, 1, 2), "First PEP", False, id="due-today"
        ),
        pytest.param(
            [], date(2025, 1, 3), date(2025, 1, 2), "First PEP", True, id="a-day-late"
        ),
        pytest.param(
            [date(2024, 12, 20)],
            date(2025, 1, 10),
            date(2025, 3, 20),
            "Second PEP",
            False,
            id="second",
        ),
        pytest.param(
            [date(2024, 12, 20), date(2025, 3, 10)],
            date(2025, 4, 1),
            date(2025, 9, 10),
            "Later PEP",
            False,
            id="later-from-latest",
        ),
        pytest.param(
            [date(2024, 12, 20), date(2025, 3, 10)],
            date(2025, 3, 9),
            date(2025, 3, 20),
            "Second PEP",
            False,
            id="future-meeting-not-yet-held",
        ),
        pytest.param(
            [date(2024, 12, 20), date(2025, 3, 10)],
            date(2025, 3, 10),
            date(2025, 9, 10),
            "Later PEP",
            False,
            id="meeting-today-counts-as-held",
        ),
        pytest.param(
            [date(2023, 5, 1), date(2023, 11, 1)],
            date(2024, 12, 20),
            date(2025, 1, 2),
            "First PEP",
            False,
            id="earlier-period-of-care-ignored",
        ),
    ],
)
def test_a_childs_next_pep_is_due_by_the_rules(
    held, on, due_on, reason_starts, is_overdue
):
    child = a_child()
    meetings(child, *held)

    result = schedule.child_due(
        child, cycle.DEFAULT_RULES, on=on, early_years_peps=False
    )

    assert result.due_on == due_on
    assert result.reason.startswith(reason_starts)
    assert result.is_overdue is is_overdue


def test_a_booked_meeting_is_reported_with_the_due_date():
    child = a_child()
    meetings(child, date(2024, 12, 20), date(2025, 3, 10))

    result = schedule.child_due(child, on=date(2025, 1, 10))

    assert result.due_on == date(2025, 3, 20)
    assert result.next_meeting_on == date(2025, 3, 10)
    assert result.is_booked


def test_a_child_not_in_care_has_no_due_date():
    result = schedule.child_due(a_child(care_start=None), on=date(2025, 1, 10))

    assert result.due_on is None
    assert "not in care" in result.reason
    assert not result.is_overdue


@pytest.mark.parametrize(
    ("born_on", "early_years", "has_cycle"),
    [
        pytest.param(date(2020, 8, 31), False, True, id="reception"),
        pytest.param(date(2020, 9, 1), False, False, id="nursery-age"),
        pytest.param(date(2020, 9, 1), True, True, id="nursery-age-early-years-on"),
        pytest.param(date(2006, 9, 1), False, True, id="year-13"),
        pytest.param(date(2006, 8, 31), False, False, id="past-year-13"),
        pytest.param(date(2006, 8, 31), True, False, id="past-year-13-never"),
    ],
)
def test_only_children_of_school_age_have_a_cycle_unless_early_years_is_on(
    born_on, early_years, has_cycle
):
    child = a_child(date_of_birth=born_on)
    row = CycleSettings.load()
    row.early_years_peps = early_years
    row.save()

    result = schedule.child_due(child, on=date(2024, 12, 20))

    assert (result.due_on is not None) is has_cycle
    if not has_cycle:
        assert "Reception to Year 13" in result.reason


def test_child_due_uses_today_in_london(time_machine):
    time_machine.move_to(at(date(2025, 1, 3), hour=0))
    assert schedule.child_due(a_child()).is_overdue


def test_the_fragment_shows_the_due_date_and_why():
    child = a_child()
    html = render_to_string(
        "peps/_next_pep_due.html",
        {"child_due": schedule.child_due(child, on=date(2025, 1, 6))},
    )

    assert "2 January 2025" in html
    assert "First PEP: within 20 working days" in html
    assert "Overdue" in html
    assert "No meeting is booked yet." in html


# A PEP's own due date ---------------------------------------------------------------


def test_a_peps_due_date_counts_only_the_meetings_before_it():
    child = a_child()
    meetings(child, date(2024, 12, 20))
    later = factories.PepFactory(child=child, meeting_date=date(2025, 4, 1))
    factories.PepFactory(child=child, meeting_date=date(2025, 9, 1))

    assert schedule.pep_due_on(later) == date(2025, 3, 20)


# Tasks ------------------------------------------------------------------------------


@pytest.fixture
def booked(child, social_worker, school, designated_teacher):
    SchoolStaff.objects.create(
        school=school,
        user=designated_teacher,
        position=SchoolStaff.Position.DESIGNATED_TEACHER,
    )
    return factories.PepFactory(
        child=child,
        social_worker=social_worker,
        school=school,
        meeting_date=date(2027, 3, 3),
    )


def test_scheduling_lays_out_every_step_with_its_assignee(
    booked, social_worker, designated_teacher, link_teacher
):
    tasks = {task.step: task for task in schedule.pep_schedule_tasks(booked)}

    assert set(tasks) == {
        step.code for step in cycle.preparation_steps(booked.meeting_date)
    }
    assert tasks["call_meeting"].assignee == social_worker
    assert tasks["complete_school_section"].assignee == designated_teacher
    assert tasks["confirm_date"].assignee == link_teacher
    assert tasks["carer_confirm_attendance"].assignee is None
    assert tasks["confirm_date"].due_on == date(2027, 2, 3)
    assert tasks["finalise"].due_on == date(2027, 3, 17)


def test_a_school_without_a_designated_teacher_account_leaves_its_steps_open(
    child, school
):
    pep = factories.PepFactory(child=child, meeting_date=date(2027, 3, 3))

    tasks = {task.step: task for task in schedule.pep_schedule_tasks(pep)}

    # No school on the PEP: the child's current school is used.
    assert tasks["confirm_date"].assignee == school.link_teacher
    assert tasks["invite_child"].assignee is None


def test_scheduling_twice_creates_nothing_more(booked):
    schedule.pep_schedule_tasks(booked)
    schedule.pep_schedule_tasks(booked)

    assert PepTask.objects.filter(pep=booked).count() == 12


def test_moving_the_meeting_moves_open_tasks_and_renews_their_reminders(booked):
    schedule.pep_schedule_tasks(booked)
    PepTask.objects.filter(pep=booked).update(reminder_sent_at=at(date(2027, 1, 29)))
    PepTask.objects.filter(pep=booked, step="confirm_date").update(
        completed_at=at(date(2027, 2, 1))
    )

    booked.meeting_date = date(2027, 3, 10)
    booked.save()
    schedule.pep_schedule_tasks(booked)

    call = PepTask.objects.get(pep=booked, step="call_meeting")
    done = PepTask.objects.get(pep=booked, step="confirm_date")
    assert call.due_on == date(2027, 2, 17)
    assert call.reminder_sent_at is None
    assert done.due_on == date(2027, 2, 10)
    assert done.reminder_sent_at is not None


def test_a_step_can_be_marked_done_once(booked):
    schedule.pep_schedule_tasks(booked)

    assert schedule.pep_step_done(booked, "finalise") is True
    assert schedule.pep_step_done(booked, "finalise") is False


# Invitations -------------------------------------------------------------------------


@pytest.fixture
def carer(child):
    return Contact.objects.create(
        child=child,
        kind=Contact.Kind.CARER,
        name="Casey Carer",
        email="carer@example.invalid",
    )


def test_booking_a_meeting_invites_everyone_on_the_case_with_a_calendar_entry(
    booked,
    social_worker,
    designated_teacher,
    link_teacher,
    carer,
    time_machine,
    django_capture_on_commit_callbacks,
):
    time_machine.move_to(at(date(2027, 1, 15)))
    Contact.objects.create(
        child=booked.child,
        kind=Contact.Kind.CARER,
        name="No Copies",
        email="nocopies@example.invalid",
        receives_copies=False,
    )

    with django_capture_on_commit_callbacks(execute=True):
        schedule.pep_scheduled(booked, date_changed=False)

    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted(
        [
            social_worker.email,
            designated_teacher.email,
            link_teacher.email,
            carer.email,
        ]
    )
    message = mail.outbox[0]
    child = booked.child
    assert message.subject == (
        f"PEP Portal: PEP meeting for child ref {child.local_child_id} on 3 March 2027"
    )
    assert child.forename not in message.subject
    assert child.display_name in message.body
    assert Pep.objects.get(pk=booked.pk).due_on is not None
    invitation = MeetingInvitation.objects.get(pep=booked)
    assert invitation.outcome == MeetingInvitation.Outcome.SENT


def _calendar(message) -> str:
    (part,) = [
        a for a in message.attachments if a.get_content_type() == "text/calendar"
    ]
    assert part.get_param("method") == "REQUEST"
    return part.get_payload(decode=True).decode("utf-8")


def test_a_new_date_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    booked, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(date(2027, 1, 15)))
    with django_capture_on_commit_callbacks(execute=True):
        schedule.pep_scheduled(booked, date_changed=False)
    first = _calendar(mail.outbox[0])
    mail.outbox.clear()

    booked.meeting_date = date(2027, 3, 10)
    booked.save()
    with django_capture_on_commit_callbacks(execute=True):
        schedule.pep_scheduled(booked, date_changed=True)
    update = _calendar(mail.outbox[0])

    uid = re.search(r"^UID:(.+)\r$", first, re.MULTILINE).group(1)
    assert re.search(r"^UID:(.+)\r$", update, re.MULTILINE).group(1) == uid
    assert "SEQUENCE:0\r\n" in first
    assert "SEQUENCE:1\r\n" in update
    assert "DTSTART;VALUE=DATE:20270310\r\n" in update
    assert mail.outbox[0].subject.startswith("PEP Portal: Updated: PEP meeting")


def test_booking_the_same_date_again_sends_nothing_new(
    booked, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(date(2027, 1, 15)))
    with django_capture_on_commit_callbacks(execute=True):
        schedule.pep_scheduled(booked, date_changed=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        schedule.pep_scheduled(booked, date_changed=False)

    assert callbacks == []

    assert MeetingInvitation.objects.filter(pep=booked).count() == 1
    assert len(mail.outbox) == 3


def test_a_school_without_an_account_is_invited_at_its_designated_teacher_address(
    child, school, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(date(2027, 1, 15)))
    school.designated_teacher_email = "dt@school.example.invalid"
    school.save()
    pep = factories.PepFactory(child=child, meeting_date=date(2027, 3, 3))

    with django_capture_on_commit_callbacks(execute=True):
        schedule.pep_scheduled(pep, date_changed=False)

    assert "dt@school.example.invalid" in [m.to[0] for m in mail.outbox]


def test_an_invitation_for_a_date_that_has_moved_on_is_not_sent(booked):
    stale = MeetingInvitation.objects.create(
        pep=booked, sequence=0, meeting_date=date(2027, 2, 24)
    )

    outcome = reminders.invitation_send(stale.pk, on=date(2027, 1, 15))

    assert outcome == reminders.Outcome.SUPERSEDED
    assert mail.outbox == []


# The calendar file ---------------------------------------------------------------


def test_the_calendar_file_folds_long_lines_and_ends_each_with_crlf(booked):
    invitation = MeetingInvitation.objects.create(
        pep=booked, sequence=2, meeting_date=date(2027, 3, 3)
    )
    ics = reminders.meeting_ics(
        invitation,
        attendee="someone@example.invalid",
        summary="PEP meeting; with a comma, and a backslash \\",
        description="Ünïcödé " * 20,
        stamped_at=datetime(2027, 1, 15, 9, tzinfo=LONDON),
    )

    assert ics.endswith("END:VCALENDAR\r\n")
    assert "\n" not in ics.replace("\r\n", "")
    for line in ics.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    unfolded = ics.replace("\r\n ", "")
    assert "SUMMARY:PEP meeting\\; with a comma\\, and a backslash \\\\\r\n" in unfolded
    assert "DESCRIPTION:" + "Ünïcödé " * 20 in unfolded
    assert "DTSTART;VALUE=DATE:20270303\r\n" in ics
    assert "DTEND;VALUE=DATE:20270304\r\n" in ics
    assert "DTSTAMP:20270115T090000Z\r\n" in ics
    assert "METHOD:REQUEST\r\n" in ics
    assert "SEQUENCE:2\r\n" in ics


def test_escalations_go_to_the_team_manager_of_the_social_worker(booked, social_worker):
    manager = factories.UserFactory()
    social_worker.team = Team.objects.create(name="Team North", manager=manager)
    social_worker.save()
    (task,) = [
        t for t in schedule.pep_schedule_tasks(booked) if t.step == "call_meeting"
    ]

    found_manager, addresses = reminders.task_escalation_recipients(task)

    assert found_manager == manager
    assert addresses == [manager.email]


# The settings page ---------------------------------------------------------------


def test_administrators_edit_the_rules_on_one_admin_page_that_states_them(client):
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")

    listing = client.get("/admin/peps/cyclesettings/")
    page = client.get(listing["Location"])

    assert listing.status_code == 302
    html = page.content.decode()
    assert "The first PEP meeting is due within 20 working days" in html
    assert "Reminders go out 3 working days before a task is due." in html
    assert "Children below Reception have no PEPs." in html
    assert client.get("/admin/peps/cyclesettings/add/").status_code == 403
