"""A PEP's history page: each change to it and its sections, old and new values."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from audit.history import pep_history, pep_models
from peps.models import Pep, SectionB, Target
from quality.models import SectionE
from tests.conftest import client_for


def _history_url(pep: Pep) -> str:
    return reverse("audit:pep_history", args=[pep.pk])


def test_the_history_covers_the_pep_its_sections_and_its_rows():
    names = {model._meta.label for model in pep_models()}

    assert {
        "peps.Pep",
        "peps.SectionA",
        "peps.SectionB",
        "peps.SectionC",
        "peps.SectionD",
        "quality.SectionE",
        "peps.Target",
        "peps.SubjectProgress",
        "peps.MeetingAttendee",
        "peps.LegalStatusRow",
        "peps.PreviousTargetReview",
    } <= names
    assert "peps.Child" not in names


def test_a_section_change_shows_the_old_and_new_value_with_who_and_when(
    pep, designated_teacher, acting_as
):
    acting_as(designated_teacher)
    section = SectionB.objects.get(pep=pep)
    moment = datetime.datetime(2030, 2, 3, 10, 15, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        section.attended_meeting = "no"
        section.outcome_reviewer = "Carer"
        section.version += 1
        section.save()

    newest = pep_history(pep)[0]

    assert newest.record == "Section B"
    assert newest.kind_label == "Changed"
    assert newest.user_name == "Dee Teacher"
    assert newest.at == moment
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        (
            "Did the child or young person attend the PEP meeting?",
            "",
            "No",
        ),
        (
            "If the child or young person did not attend, who will review the "
            "outcome with them?",
            "",
            "Carer",
        ),
    ]


def test_the_version_counter_and_timestamps_are_not_shown_as_changes(pep):
    section = SectionB.objects.get(pep=pep)
    section.version += 1
    section.save()

    changed = [entry for entry in pep_history(pep) if entry.kind == "~"]

    assert changed == []


def test_added_and_deleted_rows_are_listed(pep, social_worker, acting_as):
    acting_as(social_worker)
    target = Target.objects.create(
        pep=pep, subject_area="Maths", target="Know times tables to 12 by July"
    )
    target.delete()

    entries = [entry for entry in pep_history(pep) if entry.record.startswith("Target")]

    assert [entry.kind_label for entry in entries] == ["Deleted", "Created"]
    created = entries[1]
    assert ("Subject area", "", "Maths") in [
        (c.label, c.old, c.new) for c in created.changes
    ]
    deleted = entries[0]
    assert ("Subject area", "Maths", "") in [
        (c.label, c.old, c.new) for c in deleted.changes
    ]


def test_a_change_of_status_shows_the_labels_people_read(pep):
    pep.status = Pep.Status.FINALISED
    pep.save()

    newest = pep_history(pep)[0]

    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Status", "In preparation", "Awaiting quality assurance")
    ]


def test_scores_in_section_e_are_in_the_history(pep, link_teacher, acting_as):
    acting_as(link_teacher)
    section_e = SectionE.objects.create(pep=pep)
    section_e.score_b = 3
    section_e.save()

    newest = pep_history(pep)[0]

    assert newest.record == "Section E"
    assert [(c.old, c.new) for c in newest.changes] == [("", "3")]
    assert newest.user_name == "Lee Link"


def test_a_change_without_a_user_is_put_down_to_the_portal(pep):
    pep.late_reason = "School closed for snow"
    pep.save()

    assert pep_history(pep)[0].user_name == "The portal (import or scheduled job)"


def test_the_childs_social_worker_reads_the_page(client, social_worker, pep):
    pep.late_reason = "Carer was ill"
    pep.save()
    client_for(client, social_worker)

    response = client.get(_history_url(pep))

    assert response.status_code == 200
    content = response.content.decode()
    assert "History of changes" in content
    assert "Carer was ill" in content
    assert "Before" in content and "After" in content


def test_an_administrator_reads_the_page(client, administrator, pep):
    client_for(client, administrator)

    assert client.get(_history_url(pep)).status_code == 200


@pytest.mark.parametrize(
    "persona", ["other_social_worker", "designated_teacher", "governor", "outsider"]
)
def test_people_who_cannot_open_the_pep_do_not_find_its_history(
    client, request, persona, pep
):
    client_for(client, request.getfixturevalue(persona))

    response = client.get(_history_url(pep))

    assert response.status_code == 404
    assert "History of changes" not in response.content.decode()


def test_the_page_is_split_into_pages_of_fifty_changes(client, administrator, pep):
    for number in range(55):
        pep.late_reason = f"Reason {number}"
        pep.save()
    client_for(client, administrator)

    first = client.get(_history_url(pep))
    second = client.get(_history_url(pep), {"page": 2})

    assert len(first.context["page"].object_list) == 50
    assert "Reason 54" in first.content.decode()
    assert "Reason 0" in second.content.decode()
