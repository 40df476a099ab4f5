"""Delegating a PEP's school section: staff delegate and retract; the teacher opens the
link, completes Sections B and D and submits; grants follow; the tray keeps a submitted
PEP for 30 days; the daily task ends what has run out."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail, signing
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from delegation import services
from delegation.models import CarerCopy, Delegation
from delegation.tasks import expire_delegations
from peps.models import (
    Contact,
    PepUserObjectPermission,
    SectionB,
    SectionC,
    SectionD,
    SubjectProgress,
    Target,
)
from tests import factories
from tests.conftest import client_for
from tests.delegation.helpers import assign, delegate, fresh, invitation_link


def grants(user, pep) -> set[str]:
    return set(
        PepUserObjectPermission.objects.filter(
            user=user, content_object=pep
        ).values_list("permission__codename", flat=True)
    )


@pytest.fixture
def delegation(pep, designated_teacher, administrator):
    return delegate(pep, designated_teacher, administrator)


@pytest.fixture
def teacher_client(client, designated_teacher):
    return client_for(client, designated_teacher)


def complete_school_section(pep) -> None:
    SectionB.objects.filter(pep=pep).update(
        invited_to_contribute="yes", voice_going_right="Maths and art go well."
    )
    SectionD.objects.filter(pep=pep).update(current_attendance=Decimal("96.5"))
    SubjectProgress.objects.create(pep=pep, subject="English", is_core=True)
    Target.objects.create(pep=pep, subject_area="English", target="Read daily.")


# Staff delegate and retract


def test_an_administrator_delegates_to_the_schools_designated_teacher(
    client, administrator, pep, school
):
    school.designated_teacher_email = "dt@school.example"
    school.save()
    client_for(client, administrator)
    page = reverse("delegation:delegate", args=[pep.pk])

    form = client.get(page)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            page, {"email": "dt@school.example", "expires_on": "30/12/2099"}
        )

    assert "dt@school.example" in form.content.decode()
    assert response.status_code == 302
    delegation = Delegation.objects.get(pep=pep)
    assert delegation.status == Delegation.Status.ASSIGNED
    assert delegation.teacher is None
    assert delegation.expires_at.date() == datetime.date(2099, 12, 30)
    token = urlsplit(invitation_link("dt@school.example")).path.split("/")[-2]
    payload = signing.loads(token, salt=services.INVITATION_SALT)
    assert set(payload) == {"d", "n"}, "the link carries ids and a nonce, no details"


def test_the_childs_link_teacher_may_delegate(client, link_teacher, pep):
    client_for(client, link_teacher)

    response = client.get(reverse("delegation:delegate", args=[pep.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("person", ["social_worker", "designated_teacher", "outsider"])
def test_others_cannot_reach_the_delegate_page(client, pep, person, request):
    client_for(client, request.getfixturevalue(person))

    assert client.get(reverse("delegation:delegate", args=[pep.pk])).status_code == 404


def test_a_link_teacher_of_another_school_cannot_delegate(client, pep, db):
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    stranger = factories.UserFactory()
    stranger.groups.add(Group.objects.get_or_create(name=Role.LINK_TEACHER.value)[0])
    client_for(client, stranger)

    assert client.get(reverse("delegation:delegate", args=[pep.pk])).status_code == 404


def test_a_pep_has_one_assigned_delegation_at_a_time(client, administrator, pep):
    assign(pep, "first@school.example", administrator)
    client_for(client, administrator)

    response = client.post(
        reverse("delegation:delegate", args=[pep.pk]),
        {"email": "second@school.example", "expires_on": "30/12/2099"},
    )

    assert "already delegated" in response.content.decode()
    assert Delegation.objects.filter(pep=pep).count() == 1


def test_a_past_last_day_is_refused_with_a_message(client, administrator, pep):
    client_for(client, administrator)

    response = client.post(
        reverse("delegation:delegate", args=[pep.pk]),
        {"email": "dt@school.example", "expires_on": "1/1/2020"},
    )

    assert "must be today or later" in response.content.decode()
    assert not Delegation.objects.exists()


def test_retracting_ends_access_and_tells_the_teacher(
    client, delegation, administrator, designated_teacher
):
    client_for(client, administrator)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("delegation:retract", args=[delegation.pk]))

    assert response.status_code == 302
    assert fresh(delegation).status == Delegation.Status.RETRACTED
    assert grants(designated_teacher, delegation.pep) == set()
    assert "withdrawn" in mail.outbox[-1].subject
    client_for(client, designated_teacher)
    assert (
        client.get(reverse("delegation:task", args=[delegation.pk])).status_code == 404
    )
    tray = client.get(reverse("delegation:tray")).content.decode()
    assert "Recently retracted" in tray
    assert delegation.pep.child.display_name in tray


def test_the_retract_button_only_answers_post(client, delegation, administrator):
    client_for(client, administrator)

    response = client.get(reverse("delegation:retract", args=[delegation.pk]))

    assert response.status_code == 405
    assert fresh(delegation).status == Delegation.Status.ASSIGNED


# Opening the link


def test_opening_the_link_under_the_invited_address_grants_the_pep(
    client, pep, administrator, designated_teacher
):
    assign(pep, designated_teacher.email.upper(), administrator)
    link = invitation_link(designated_teacher.email.lower())
    assert grants(designated_teacher, pep) == set()
    client_for(client, designated_teacher)

    response = client.get(urlsplit(link).path)

    delegation = Delegation.objects.get(pep=pep)
    assert response["Location"] == reverse("delegation:task", args=[delegation.pk])
    assert grants(designated_teacher, pep) == {"view_pep", "complete_school_section"}
    assert fresh(delegation).teacher == designated_teacher


def test_opening_the_link_under_another_account_grants_nothing(
    client, pep, administrator, designated_teacher, outsider
):
    assign(pep, designated_teacher.email, administrator)
    link = invitation_link(designated_teacher.email)
    client_for(client, outsider)

    response = client.get(urlsplit(link).path)

    assert response.status_code == 404
    assert grants(outsider, pep) == set()
    assert Delegation.objects.get(pep=pep).teacher is None


# What the teacher sees and edits


def test_the_task_page_shows_the_childs_name_year_school_and_meeting_only(
    teacher_client, delegation, school
):
    pep = delegation.pep
    SectionC.objects.filter(pep=pep).update(care_plan_summary="Secret care plan text")

    page = teacher_client.get(reverse("delegation:task", args=[delegation.pk]))

    body = page.content.decode()
    assert pep.child.display_name in body
    assert "Year 4" in body
    assert school.name in body
    assert "1 February 2024" in body
    assert "Secret care plan text" not in body
    assert pep.child.local_child_id not in body
    assert "14 March 2015" not in body


def test_the_teacher_answers_pupil_voice_questions_page_by_page(
    teacher_client, delegation
):
    page = reverse("delegation:voice", args=[delegation.pk, "aspirations"])

    response = teacher_client.post(
        page,
        {"version": 1, "voice_future": "A vet", "ambitions": "Vet", "aspirations": ""},
    )

    assert response["Location"] == reverse(
        "delegation:voice", args=[delegation.pk, "attendance"]
    )
    section = SectionB.objects.get(pep=delegation.pep)
    assert (section.voice_future, section.version) == ("A vet", 2)


def test_a_save_over_a_newer_save_is_refused(teacher_client, delegation):
    SectionB.objects.filter(pep=delegation.pep).update(version=5, ambitions="Pilot")

    response = teacher_client.post(
        reverse("delegation:voice", args=[delegation.pk, "aspirations"]),
        {"version": 4, "ambitions": "Vet"},
    )

    assert response.status_code == 200
    assert "Someone else saved this section" in response.content.decode()
    assert SectionB.objects.get(pep=delegation.pep).ambitions == "Pilot"


def test_the_teacher_records_subjects_attendance_and_targets(
    teacher_client, delegation
):
    task = delegation.pk
    subjects = {
        "version": 1,
        "subjects-TOTAL_FORMS": 1,
        "subjects-INITIAL_FORMS": 0,
        "subjects-0-subject": "Maths",
        "subjects-0-is_core": "on",
        "subjects-0-current_level": "4",
        "subjects-0-on_track_for_are": "yes",
    }
    attendance = {"version": 2, "current_attendance": "150"}
    targets = {
        "version": 3,
        "reviews-TOTAL_FORMS": 0,
        "reviews-INITIAL_FORMS": 0,
        "targets-TOTAL_FORMS": 1,
        "targets-INITIAL_FORMS": 0,
        "targets-0-kind": "core",
        "targets-0-subject_area": "Maths",
        "targets-0-target": "Times tables to 12 by Easter.",
        "targets-0-pupil_premium_cost": "120.50",
    }

    teacher_client.post(
        reverse("delegation:section_d", args=[task, "progress"]), subjects
    )
    refused = teacher_client.post(
        reverse("delegation:section_d", args=[task, "attendance"]), attendance
    )
    teacher_client.post(
        reverse("delegation:section_d", args=[task, "attendance"]),
        {**attendance, "current_attendance": "93.5"},
    )
    teacher_client.post(
        reverse("delegation:section_d", args=[task, "targets"]), targets
    )

    pep = delegation.pep
    assert "less than or equal to 100" in refused.content.decode()
    assert pep.subjects.get().subject == "Maths"
    assert SectionD.objects.get(pep=pep).current_attendance == Decimal("93.5")
    assert pep.targets.get().pupil_premium_cost == Decimal("120.50")


# Submitting


def test_submission_lists_what_is_missing_and_changes_nothing(
    teacher_client, delegation
):
    response = teacher_client.post(reverse("delegation:submit", args=[delegation.pk]))

    body = response.content.decode()
    assert "invited to contribute" in body
    assert "at least one subject" in body
    assert "current attendance" in body
    assert fresh(delegation).status == Delegation.Status.ASSIGNED


def test_submitting_marks_both_sections_and_ends_editing(
    teacher_client, delegation, designated_teacher, administrator
):
    pep = delegation.pep
    complete_school_section(pep)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = teacher_client.post(
            reverse("delegation:submit", args=[delegation.pk])
        )

    assert response["Location"] == reverse("delegation:task", args=[delegation.pk])
    assert SectionB.objects.get(pep=pep).submitted_at is not None
    assert SectionD.objects.get(pep=pep).submitted_at is not None
    assert fresh(delegation).status == Delegation.Status.SUBMITTED
    assert grants(designated_teacher, pep) == {"view_pep"}
    assert mail.outbox[-1].to == [administrator.email]
    edit = reverse("delegation:voice", args=[delegation.pk, "general"])
    assert teacher_client.get(edit).status_code == 404
    task = teacher_client.get(reverse("delegation:task", args=[delegation.pk]))
    assert "Maths and art go well." in task.content.decode()


def test_staff_see_that_the_school_section_was_submitted(
    client, delegation, administrator
):
    complete_school_section(delegation.pep)
    services.delegation_submit(delegation, delegation.teacher)
    client_for(client, administrator)

    page = client.get(reverse("delegation:delegate", args=[delegation.pep.pk]))

    assert "The school submitted its section on" in page.content.decode()


def test_the_submitted_section_downloads_as_a_pdf(teacher_client, delegation):
    complete_school_section(delegation.pep)
    services.delegation_submit(delegation, delegation.teacher)

    response = teacher_client.get(reverse("delegation:pdf", args=[delegation.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")


def test_a_submitted_pep_leaves_the_tray_thirty_days_after_submission(
    teacher_client, delegation, designated_teacher
):
    complete_school_section(delegation.pep)
    task = reverse("delegation:task", args=[delegation.pk])
    pdf = reverse("delegation:pdf", args=[delegation.pk])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        services.delegation_submit(delegation, designated_teacher)

        traveller.shift(datetime.timedelta(days=29, hours=23))
        client_for(teacher_client, designated_teacher)
        tray = teacher_client.get(reverse("delegation:tray")).content.decode()
        assert delegation.pep.child.display_name in tray
        assert teacher_client.get(task).status_code == 200

        traveller.shift(datetime.timedelta(hours=2))
        client_for(teacher_client, designated_teacher)
        tray = teacher_client.get(reverse("delegation:tray")).content.decode()
        assert delegation.pep.child.display_name not in tray
        assert teacher_client.get(task).status_code == 404
        assert teacher_client.get(pdf).status_code == 404
        assert grants(designated_teacher, delegation.pep) == {"view_pep"}

        expire_delegations.delay()

    assert grants(designated_teacher, delegation.pep) == set()
    assert fresh(delegation).access_ended_at is not None


def test_the_daily_task_expires_overdue_delegations_and_can_run_twice(
    delegation, designated_teacher
):
    with time_machine.travel(delegation.expires_at + datetime.timedelta(seconds=1)):
        first = expire_delegations.delay().get()
        second = expire_delegations.delay().get()

    assert first["expired"] == 1
    assert second == {"expired": 0, "access_ended": 0, "imports_deleted": 0}
    assert fresh(delegation).status == Delegation.Status.EXPIRED
    assert grants(designated_teacher, delegation.pep) == set()


def test_an_expired_delegation_is_closed_even_before_the_daily_task(
    teacher_client, delegation, designated_teacher
):
    with time_machine.travel(delegation.expires_at + datetime.timedelta(seconds=1)):
        client_for(teacher_client, designated_teacher)
        response = teacher_client.get(reverse("delegation:task", args=[delegation.pk]))

    assert response.status_code == 404


def test_delegating_again_after_a_retraction_grants_again(
    delegation, designated_teacher, administrator
):
    services.delegation_retract(delegation, administrator)

    again = delegate(delegation.pep, designated_teacher, administrator)

    assert again.pk != delegation.pk
    assert grants(designated_teacher, delegation.pep) == {
        "view_pep",
        "complete_school_section",
    }


# The carer's copy


def test_the_teacher_emails_the_carer_a_copy_after_submission(
    teacher_client, delegation
):
    child = delegation.pep.child
    carer = Contact.objects.create(
        child=child, kind="carer", name="Cara Carer", email="cara@home.example"
    )
    Contact.objects.create(
        child=child, kind="birth_family", name="Bea Birth", email="bea@home.example"
    )
    Contact.objects.create(
        child=child,
        kind="carer",
        name="Nope Nocopies",
        email="no@home.example",
        receives_copies=False,
    )
    page = reverse("delegation:carer_copy", args=[delegation.pk])
    assert teacher_client.get(page).status_code == 404
    complete_school_section(delegation.pep)
    services.delegation_submit(delegation, delegation.teacher)
    mail.outbox.clear()

    form = teacher_client.get(page).content.decode()
    response = teacher_client.post(page, {"contacts": [str(carer.pk)]})

    assert "Cara Carer" in form
    assert "Bea Birth" not in form and "Nope Nocopies" not in form
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["cara@home.example"]]
    name, content, content_type = mail.outbox[0].attachments[0]
    assert content_type == "application/pdf" and content.startswith(b"%PDF-")
    copy = CarerCopy.objects.get()
    assert (copy.contact, copy.sent_by) == (carer, delegation.teacher)


def test_the_pep_page_links_to_delegation_for_those_who_may_delegate(
    client, pep, administrator, link_teacher, social_worker
):
    delegate_url = reverse("delegation:delegate", args=[pep.pk])

    for person, shown in (
        (administrator, True),
        (link_teacher, True),
        (social_worker, False),
    ):
        client_for(client, person)
        page = client.get(reverse("peps:pep", args=[pep.pk])).content.decode()
        assert (delegate_url in page) is shown, person


def test_the_pep_page_shows_who_has_the_school_section_and_when_it_came_in(
    client, delegation, administrator
):
    client_for(client, administrator)
    pep_page = reverse("peps:pep", args=[delegation.pep.pk])

    assert delegation.email in client.get(pep_page).content.decode()
    complete_school_section(delegation.pep)
    services.delegation_submit(delegation, delegation.teacher)
    assert (
        "The school submitted Sections B and D on"
        in client.get(pep_page).content.decode()
    )
