"""Failing background jobs are kept with their error, ids only, for administrators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.jobs import record_failure, safe_arguments
from audit.models import JobFailure
from pep_portal.celery import app
from tests.conftest import client_for


class ChildNotFound(Exception):
    pass


@app.task(name="tests.trust.send_reminder")
def send_reminder(pep_id: int, note: str = "") -> None:
    raise ChildNotFound(
        f"No school for PEP {pep_id}; carer jo.bloggs@example.invalid, born 14/03/2015"
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "shown"),
    [
        ((12,), {}, "(12)"),
        ((12, "Alex Smith"), {}, "(12, <str>)"),
        ((), {"pep_id": 7, "email": "a@b.example"}, "(pep_id=7, email=<str>)"),
        (("42",), {}, "('42')"),
        (([1, 2, "x"],), {}, "([1, 2, <str>])"),
        ((None, True), {}, "(None, True)"),
        (({"name": "Alex"},), {}, "(<dict>)"),
        ((2.5,), {}, "(<float>)"),
    ],
)
def test_job_arguments_are_shown_as_ids_only(args, kwargs, shown):
    assert safe_arguments(args, kwargs) == shown


def test_very_long_arguments_are_cut_short():
    shown = safe_arguments([list(range(20))] * 40, {})

    assert len(shown) <= 500
    assert shown.endswith("…)")


def _run_as_a_worker_would(*args, **kwargs):
    """Run the task through Celery's tracer as a worker does: errors are not raised
    to the caller but handled, which is when Celery sends task_failure."""
    return send_reminder.apply(args=args, kwargs=kwargs, throw=False)


def test_a_failing_job_is_recorded_with_its_error_and_no_personal_data(db):
    result = _run_as_a_worker_would(31, note="Alex is unwell")

    assert result.state == "FAILURE"

    failure = JobFailure.objects.get()
    assert failure.task_name == "tests.trust.send_reminder"
    assert failure.args_repr == "(31, note=<str>)"
    assert failure.exception_class.endswith("ChildNotFound")
    assert failure.message == "No school for PEP 31; carer [email], born [date]"
    assert failure.count == 1
    assert failure.task_id


def test_the_same_failure_again_is_counted_on_the_same_row(db):
    for _ in range(3):
        _run_as_a_worker_would(31)

    failure = JobFailure.objects.get()
    assert failure.count == 3
    assert failure.last_seen >= failure.first_seen


def test_a_failure_with_other_arguments_gets_its_own_row(db):
    record_failure(task_name="t", task_id="a", exception=ValueError("x"), args=(1,))
    record_failure(task_name="t", task_id="b", exception=ValueError("x"), args=(2,))

    assert JobFailure.objects.count() == 2


def test_an_administrator_sees_failing_jobs(client, administrator, db):
    record_failure(
        task_name="peps.tasks.sweep_cycles",
        task_id="abc-123",
        exception=RuntimeError("Redis went away"),
        args=(5,),
    )
    client_for(client, administrator)

    response = client.get(reverse("audit:job_failures"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "peps.tasks.sweep_cycles(5)" in content
    assert "builtins.RuntimeError" in content
    assert "Redis went away" in content


@pytest.mark.parametrize("persona", ["social_worker", "link_teacher", "governor"])
def test_only_administrators_see_failing_jobs(client, request, persona):
    client_for(client, request.getfixturevalue(persona))

    assert client.get(reverse("audit:job_failures")).status_code == 404
