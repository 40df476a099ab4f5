"""The "My tasks" page and marking a task done."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from peps.models import Pep, PepTask
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _on_a_monday(time_machine):
    time_machine.move_to(datetime(2027, 2, 1, 9, tzinfo=LONDON))


def a_task(pep, user, *, due_on, step="call_meeting", title="Call the meeting"):
    return PepTask.objects.create(
        pep=pep,
        step=step,
        title=title,
        responsible_role="social_worker",
        assignee=user,
        due_on=due_on,
    )


@pytest.fixture
def pep(child, social_worker):
    return factories.PepFactory(
        child=child, social_worker=social_worker, meeting_date=date(2027, 3, 3)
    )


def test_my_tasks_lists_open_tasks_earliest_first_with_overdue_marked(
    client, social_worker, pep
):
    later = a_task(pep, social_worker, due_on=date(2027, 2, 24), title="Read it")
    overdue = a_task(
        pep, social_worker, due_on=date(2027, 1, 27), step="x", title="Late one"
    )
    a_task(pep, social_worker, due_on=date(2027, 2, 2), step="y", title="Done one")
    PepTask.objects.filter(step="y").update(completed_at=datetime(2027, 1, 30))

    response = client_for(client, social_worker).get(reverse("tasks:list"))

    assert response.status_code == 200
    listed = [row["task"] for row in response.context["rows"]]
    assert listed == [overdue, later]
    assert response.context["overdue_count"] == 1
    html = response.content.decode()
    assert html.index("Late one") < html.index("Read it")
    assert "Overdue" in html
    assert "Done one" not in html
    assert pep.child.display_name in html
    assert f'href="{reverse("peps:pep", args=[pep.pk])}"' in html


def test_a_task_on_a_pep_the_user_cannot_open_is_not_shown(
    client, social_worker, other_social_worker
):
    someone_elses = factories.PepFactory(
        child=factories.ChildFactory(social_worker=other_social_worker),
        meeting_date=date(2027, 3, 3),
    )
    hidden = a_task(someone_elses, social_worker, due_on=date(2027, 2, 3))

    signed_in = client_for(client, social_worker)
    response = signed_in.get(reverse("tasks:list"))

    assert response.context["rows"] == []
    assert "no open tasks" in response.content.decode()
    done = signed_in.post(reverse("tasks:done", args=[hidden.pk]))
    assert done.status_code == 404
    hidden.refresh_from_db()
    assert hidden.completed_at is None


def test_tasks_of_approved_peps_are_not_listed(client, social_worker, child):
    approved = factories.PepFactory(
        child=child, meeting_date=date(2027, 1, 10), status=Pep.Status.APPROVED
    )
    a_task(approved, social_worker, due_on=date(2027, 1, 20))

    response = client_for(client, social_worker).get(reverse("tasks:list"))

    assert response.context["rows"] == []


def test_marking_a_task_done_removes_it_from_the_list(client, social_worker, pep):
    task = a_task(pep, social_worker, due_on=date(2027, 2, 3))
    signed_in = client_for(client, social_worker)

    response = signed_in.post(reverse("tasks:done", args=[task.pk]), follow=True)

    task.refresh_from_db()
    assert task.completed_at is not None
    assert response.context["rows"] == []
    assert "Task marked as done: Call the meeting" in response.content.decode()


def test_another_persons_task_cannot_be_marked_done(
    client, social_worker, administrator, pep
):
    task = a_task(pep, social_worker, due_on=date(2027, 2, 3))

    response = client_for(client, administrator).post(
        reverse("tasks:done", args=[task.pk])
    )

    assert response.status_code == 404


def test_marking_done_needs_a_post(client, social_worker, pep):
    task = a_task(pep, social_worker, due_on=date(2027, 2, 3))

    response = client_for(client, social_worker).get(
        reverse("tasks:done", args=[task.pk])
    )

    assert response.status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("tasks:list"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_outsider_sees_no_tasks_even_if_assigned(client, outsider, pep):
    a_task(pep, outsider, due_on=date(2027, 2, 3))

    response = client_for(client, outsider).get(reverse("tasks:list"))

    assert response.status_code == 404


def test_a_designated_teacher_is_sent_to_the_delegation_tray(
    client, designated_teacher
):
    response = client_for(client, designated_teacher).get(reverse("tasks:list"))

    assert response.status_code == 302
    assert response.url == reverse("delegation:tray")
