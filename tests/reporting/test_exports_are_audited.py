"""Exports that list children are recorded in the audit trail, one row per child."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessEvent
from reporting.models import ChildFact, PepFact
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00 +00:00", tick=False):
        yield


@pytest.mark.parametrize(
    ("name", "args", "facts"),
    [
        ("reporting:children", ("overdue",), ChildFact),
        ("reporting:peps", ("meeting", "late"), PepFact),
    ],
)
def test_an_export_of_a_list_records_every_child_in_it(
    client, authority, name, args, facts
):
    client_for(client, authority.administrator)

    response = client.get(
        reverse(name, args=args),
        {"export": "csv", "table": "children" if facts is ChildFact else "peps"},
    )

    assert response.status_code == 200
    events = AccessEvent.objects.filter(action="export")
    assert events.exists()
    assert set(events.values_list("user_id", flat=True)) == {authority.administrator.pk}
    assert set(events.values_list("path_name", flat=True)) == {name}
    assert set(events.values_list("child_id", flat=True)) <= set(
        facts.objects.values_list("child_id", flat=True)
    )


def test_looking_at_a_list_on_screen_records_no_export(client, authority):
    client_for(client, authority.administrator)

    client.get(reverse("reporting:children", args=["overdue"]))

    assert not AccessEvent.objects.filter(action="export").exists()
