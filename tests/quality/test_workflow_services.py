"""The workflow's operations against the database: each move, its trail and effects."""

from __future__ import annotations

import datetime

import pytest
from celery.exceptions import Retry
from django.core import mail
from guardian.shortcuts import assign_perm

from peps import access as pep_access
from peps.models import Contact, SectionB
from quality import services, signals
from quality.models import CarerCopy, PublishedPep, SectionE, Transition
from quality.tasks import render_pep_pdf
from quality.workflow import WorkflowError
from tests import factories

FULL_SCORES = {
    "score_a": 2,
    "score_b": 3,
    "score_c1": 2,
    "score_c2": 3,
    "score_c3": 1,
    "score_d1": 2,
    "score_d2": 4,
    "score_d3": 1,
    "pupil_voice_rating": 3,
    "care_planning_rating": 3,
    "targets_rating": 3,
}


@pytest.fixture
def ready_pep(pep):
    pep.meeting_date = datetime.date(2024, 11, 12)
    pep.next_meeting_date = datetime.date(2025, 5, 12)
    pep.save()
    return pep


@pytest.fixture
def delegated_teacher(designated_teacher, ready_pep):
    assign_perm("peps.complete_school_section", designated_teacher, ready_pep)
    SectionB.objects.filter(pep=ready_pep).update(
        submitted_at=datetime.datetime(2024, 11, 10, tzinfo=datetime.UTC)
    )
    return designated_teacher


@pytest.fixture
def finalised_pep(ready_pep, social_worker):
    return services.pep_finalise(ready_pep, social_worker)


def score(pep, **values):
    section, _ = SectionE.objects.get_or_create(pep=pep)
    for name, value in {**FULL_SCORES, **values}.items():
        setattr(section, name, value)
    section.save()
    return section


def test_social_worker_finalises_and_the_move_is_recorded(ready_pep, social_worker):
    pep = services.pep_finalise(ready_pep, social_worker)

    assert pep.status == "finalised"
    assert pep.finalised_at is not None
    transition = Transition.objects.get(pep=pep)
    assert (transition.action, transition.from_status, transition.to_status) == (
        "finalise",
        "draft",
        "finalised",
    )
    assert transition.actor == social_worker


def test_finalising_locks_sections_a_to_d_for_the_social_worker(
    finalised_pep, social_worker
):
    assert pep_access.editable_sections(social_worker, finalised_pep) == frozenset()


def test_finalise_without_the_next_meeting_date_changes_nothing(
    ready_pep, social_worker
):
    ready_pep.next_meeting_date = None
    ready_pep.save()

    with pytest.raises(WorkflowError, match="Enter the date of the next PEP meeting"):
        services.pep_finalise(ready_pep, social_worker)

    ready_pep.refresh_from_db()
    assert ready_pep.status == "draft"
    assert not Transition.objects.exists()


def test_finalise_before_the_meeting_is_refused(ready_pep, social_worker):
    with pytest.raises(WorkflowError, match="on or after the day of the meeting"):
        services.pep_finalise(
            ready_pep, social_worker, today=datetime.date(2024, 11, 11)
        )


def test_link_teacher_cannot_finalise(ready_pep, link_teacher):
    with pytest.raises(WorkflowError, match="You cannot finalise this PEP"):
        services.pep_finalise(ready_pep, link_teacher)


def test_returning_school_sections_reopens_the_delegation(
    ready_pep, delegated_teacher, social_worker, link_teacher
):
    services.pep_finalise(ready_pep, social_worker)
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["pep"].pk, kwargs["sections"], kwargs["comment"]))

    signals.school_sections_returned.connect(listener)
    try:
        pep = services.pep_return(
            ready_pep, link_teacher, ["D"], "Add a timescale to each target"
        )
    finally:
        signals.school_sections_returned.disconnect(listener)

    assert pep.status == "returned"
    assert pep.reopened_sections == ["D"]
    assert heard == [(pep.pk, ["D"], "Add a timescale to each target")]
    assert pep_access.editable_sections(delegated_teacher, pep) == {"D"}
    assert not pep_access.editable_sections(social_worker, pep) & {"A", "C"}


def test_a_return_is_emailed_to_the_people_who_must_amend(
    ready_pep,
    delegated_teacher,
    social_worker,
    link_teacher,
    django_capture_on_commit_callbacks,
):
    services.pep_finalise(ready_pep, social_worker)

    with django_capture_on_commit_callbacks(execute=True):
        services.pep_return(ready_pep, link_teacher, ["A", "B"], "Add attendees")

    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == sorted([social_worker.email, delegated_teacher.email])
    assert "Add attendees" in mail.outbox[0].body
    assert ready_pep.child.forename not in mail.outbox[0].body


def test_each_party_resubmits_and_the_pep_comes_back_when_all_are_in(
    ready_pep, delegated_teacher, social_worker, link_teacher
):
    services.pep_finalise(ready_pep, social_worker)
    services.pep_return(ready_pep, link_teacher, ["A", "D"], "Fix attendees, targets")

    pep = services.pep_resubmit(ready_pep, social_worker)
    assert (pep.status, pep.reopened_sections) == ("returned", ["D"])

    pep = services.pep_resubmit(ready_pep, delegated_teacher)
    assert (pep.status, pep.reopened_sections) == ("finalised", [])
    assert SectionB.objects.get(pep=pep).submitted_at is not None

    moves = list(
        Transition.objects.filter(pep=pep).values_list(
            "action", "to_status", "returned_sections"
        )
    )
    assert moves == [
        ("finalise", "finalised", []),
        ("return", "returned", ["A", "D"]),
        ("resubmit", "returned", ["A"]),
        ("resubmit", "finalised", ["D"]),
    ]


def test_social_worker_cannot_resubmit_what_went_back_to_the_school(
    ready_pep, delegated_teacher, social_worker, link_teacher
):
    services.pep_finalise(ready_pep, social_worker)
    services.pep_return(ready_pep, link_teacher, ["B"], "Add the child's views")

    with pytest.raises(WorkflowError, match="You cannot resubmit this PEP"):
        services.pep_resubmit(ready_pep, social_worker)


def test_approval_needs_every_score(finalised_pep, link_teacher):
    score(finalised_pep, score_d2=None)

    with pytest.raises(WorkflowError, match="Choose a score for Section D2"):
        services.pep_approve(finalised_pep, link_teacher)

    finalised_pep.refresh_from_db()
    assert finalised_pep.status == "finalised"
    assert not PublishedPep.objects.exists()


def test_approval_stores_the_rating_and_publishes_a_pdf(
    finalised_pep, link_teacher, django_capture_on_commit_callbacks
):
    score(finalised_pep)

    with django_capture_on_commit_callbacks(execute=True):
        publication = services.pep_approve(finalised_pep, link_teacher)

    section = SectionE.objects.get(pep=finalised_pep)
    assert (section.social_care_total, section.social_care_band) == (8, "Good")
    assert (section.education_total, section.education_band) == (10, "Excellent")
    assert (section.overall_total, section.overall_band) == (18, "Good")
    assert section.assessed_at is not None
    assert section.link_teacher == link_teacher

    publication.refresh_from_db()
    assert publication.version == 1
    assert publication.file.read(5) == b"%PDF-"
    assert len(publication.sha256) == 64
    assert publication.error == ""


def test_reapproval_publishes_a_new_version_and_keeps_the_old_one(
    finalised_pep,
    link_teacher,
    social_worker,
    administrator,
    django_capture_on_commit_callbacks,
):
    score(finalised_pep)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.pep_approve(finalised_pep, link_teacher)
    first.refresh_from_db()
    first_name, first_hash = first.file.name, first.sha256

    with pytest.raises(WorkflowError):
        services.pep_return(finalised_pep, link_teacher, ["A"], "Typo in Section A")
    services.pep_return(finalised_pep, administrator, ["A"], "Typo in Section A")
    services.pep_resubmit(finalised_pep, social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.pep_approve(finalised_pep, link_teacher)

    second.refresh_from_db()
    first.refresh_from_db()
    assert second.version == 2
    assert second.file.name != first_name
    assert (first.file.name, first.sha256) == (first_name, first_hash)
    assert first.file.storage.exists(first_name)


def test_drawing_a_published_version_twice_leaves_it_alone(
    finalised_pep, link_teacher, django_capture_on_commit_callbacks
):
    score(finalised_pep)
    with django_capture_on_commit_callbacks(execute=True):
        publication = services.pep_approve(finalised_pep, link_teacher)
    publication.refresh_from_db()
    drawn = (publication.file.name, publication.sha256, publication.rendered_at)

    render_pep_pdf.delay(publication.pk)

    publication.refresh_from_db()
    assert (publication.file.name, publication.sha256, publication.rendered_at) == drawn


def test_a_failed_drawing_is_recorded_on_the_row(
    finalised_pep, link_teacher, monkeypatch
):
    score(finalised_pep)
    publication = services.pep_approve(finalised_pep, link_teacher)

    def broken(self):
        raise OSError("font cache unreadable")

    monkeypatch.setattr("quality.tasks.PepPdf.render", broken)
    # Run eagerly, a retry surfaces as Retry instead of being queued with its wait.
    with pytest.raises(Retry, match="Retry in 60s"):
        render_pep_pdf.delay(publication.pk)

    publication.refresh_from_db()
    assert not publication.file
    assert publication.error == "Try 1: OSError: font cache unreadable"


def test_social_worker_emails_the_final_copy_to_a_carer(
    finalised_pep, link_teacher, social_worker, django_capture_on_commit_callbacks
):
    carer = Contact.objects.create(
        child=finalised_pep.child,
        kind=Contact.Kind.CARER,
        name="Chris Carer",
        email="carer@example.invalid",
    )
    score(finalised_pep)
    with django_capture_on_commit_callbacks(execute=True):
        services.pep_approve(finalised_pep, link_teacher)

    services.carer_copy_send(finalised_pep, social_worker, [carer])

    assert [message.to for message in mail.outbox] == [["carer@example.invalid"]]
    (name, content, kind) = mail.outbox[0].attachments[0]
    assert kind == "application/pdf" and content.startswith(b"%PDF-")
    copy = CarerCopy.objects.get()
    assert (copy.contact, copy.sent_by, copy.publication.version) == (
        carer,
        social_worker,
        1,
    )


def test_link_teacher_cannot_email_carers(finalised_pep, link_teacher):
    carer = Contact.objects.create(
        child=finalised_pep.child,
        kind=Contact.Kind.CARER,
        name="Chris Carer",
        email="carer@example.invalid",
    )

    with pytest.raises(WorkflowError, match="Only the child's social worker"):
        services.carer_copy_send(finalised_pep, link_teacher, [carer])
    assert not CarerCopy.objects.exists()


def test_a_carer_of_another_child_is_never_sent_a_copy(
    finalised_pep, link_teacher, social_worker, django_capture_on_commit_callbacks
):
    stranger = Contact.objects.create(
        child=factories.ChildFactory(),
        kind=Contact.Kind.CARER,
        name="Someone Else",
        email="else@example.invalid",
    )
    score(finalised_pep)
    with django_capture_on_commit_callbacks(execute=True):
        services.pep_approve(finalised_pep, link_teacher)

    with pytest.raises(WorkflowError, match="Select the carers"):
        services.carer_copy_send(finalised_pep, social_worker, [stranger])
    assert mail.outbox == []
