"""The Celery tasks: a real worker on Redis, and retries after a failed send."""

from __future__ import annotations

import os
import smtplib
import time
import uuid
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from pep_portal.celery import app
from peps import tasks
from peps.models import CycleEmail, PepTask
from tests import factories

MONDAY = date(2027, 2, 1)
needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: the real-worker test needs a Redis broker "
    "(CI sets REDIS_URL=redis://127.0.0.1:6379/15).",
)


def a_task_due_monday(child, social_worker) -> PepTask:
    pep = factories.PepFactory(
        child=child, social_worker=social_worker, meeting_date=date(2027, 3, 3)
    )
    return PepTask.objects.create(
        pep=pep,
        step="call_meeting",
        title="Call the meeting",
        responsible_role="social_worker",
        assignee=social_worker,
        due_on=MONDAY,
    )


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def real_broker():
    """Send tasks to the broker for real, on a queue of this test's own."""
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield f"pep-portal-test-{uuid.uuid4().hex}"
    app.conf.task_always_eager = was_eager


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_runs_the_daily_sweep(child, social_worker, real_broker):
    task = a_task_due_monday(child, social_worker)

    with start_worker(
        app,
        perform_ping_check=False,
        queues=[real_broker],
        shutdown_timeout=30,
    ):
        tasks.run_daily_sweep.apply_async(args=[MONDAY.isoformat()], queue=real_broker)
        reminded = wait_for(
            lambda: CycleEmail.objects.filter(task=task).exists(), seconds=30
        )

    assert reminded, "the worker did not run the sweep within 30 seconds"
    task.refresh_from_db()
    assert task.reminder_sent_at is not None
    child.refresh_from_db()
    assert child.next_pep_due_on is not None
    assert [m.to for m in mail.outbox] == [[social_worker.email]]


@pytest.mark.django_db
def test_the_daily_sweep_retries_after_a_failed_send_and_sends_once(
    child, social_worker, monkeypatch
):
    task = a_task_due_monday(child, social_worker)
    real_send = EmailBackend.send_messages
    attempts = []

    def fail_first_time(self, messages):
        attempts.append(len(messages))
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("mail server went away")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", fail_first_time)

    with pytest.raises(Retry) as retry:
        tasks.run_daily_sweep.delay(MONDAY.isoformat())

    assert isinstance(retry.value.exc, tasks.SweepIncomplete)
    assert retry.value.when > 0
    task.refresh_from_db()
    assert task.reminder_sent_at is None

    # What the worker would run after the pause: the same task, same arguments.
    retry.value.sig.apply()

    task.refresh_from_db()
    assert task.reminder_sent_at is not None
    assert len(attempts) == 2
    assert len(mail.outbox) == 1


def test_the_tasks_have_explicit_names_late_acks_and_time_limits(settings):
    sweep_task = app.tasks["peps.run_daily_sweep"]
    invitation_task = app.tasks["peps.send_meeting_invitation"]

    assert tasks.run_daily_sweep.name == sweep_task.name
    assert tasks.send_meeting_invitation.name == invitation_task.name
    assert sweep_task.acks_late and invitation_task.acks_late
    assert sweep_task.time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert sweep_task.soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert tasks.SweepIncomplete in sweep_task.autoretry_for
    assert smtplib.SMTPException in invitation_task.autoretry_for
