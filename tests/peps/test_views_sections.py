"""Editing Sections A to D: rows, validation, and never losing someone else's edit."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from peps.models import (
    LegalStatusRow,
    MeetingAttendee,
    PreviousTargetReview,
    SectionA,
    SectionB,
    SubjectProgress,
    Target,
)
from tests import factories
from tests.conftest import client_for
from tests.peps.page_forms import form_values


def _url(pep, letter):
    return reverse("peps:section_edit", args=[pep.pk, letter])


def _open(client, pep, letter):
    response = client.get(_url(pep, letter))
    assert response.status_code == 200
    return form_values(response)


@pytest.fixture
def signed_in(client, social_worker):
    return client_for(client, social_worker)


# Section A


def test_a_new_section_a_starts_from_the_childs_year_and_phase(signed_in, pep):
    values = _open(signed_in, pep, "A")

    assert values["school_year"] == "Year 4"
    assert values["phase"] == "primary"
    assert values["meeting_date_0"] == "1"
    assert values["meeting_date_1"] == "2"
    assert values["meeting_date_2"] == "2024"
    assert values["version"] == "1"


def test_saving_section_a_stores_it_with_its_attendees(signed_in, social_worker, pep):
    values = _open(signed_in, pep, "A")
    values.update(
        {
            "phase": "secondary",
            "school_year": "Year 7",
            "next_meeting_date_0": "1",
            "next_meeting_date_1": "8",
            "next_meeting_date_2": "2024",
            "attendees-0-name": "Casey Carer",
            "attendees-0-role": "carer",
            "attendees-0-contact_details": "0700 000000",
        }
    )

    response = signed_in.post(_url(pep, "A"), values, follow=True)

    assert response.redirect_chain == [(reverse("peps:pep", args=[pep.pk]), 302)]
    assert "Section A saved" in response.content.decode()
    section = SectionA.objects.get(pep=pep)
    assert (section.phase, section.school_year) == ("secondary", "Year 7")
    assert section.version == 2
    assert section.updated_by == social_worker
    pep.refresh_from_db()
    assert pep.next_meeting_date == datetime.date(2024, 8, 1)
    attendee = MeetingAttendee.objects.get(pep=pep)
    assert (attendee.name, attendee.role) == ("Casey Carer", "carer")


def test_adding_a_person_keeps_everything_typed_and_saves_nothing(signed_in, pep):
    values = _open(signed_in, pep, "A")
    values.update(
        {
            "school_year": "Year 5",
            "attendees-0-name": "Casey Carer",
            "attendees-0-role": "carer",
            "add_row": "attendees",
        }
    )

    response = signed_in.post(_url(pep, "A"), values)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Casey Carer"' in page
    assert '<option value="Year 5" selected>' in page
    assert "Person 2" in page
    assert 'name="attendees-1-name"' in page
    assert not MeetingAttendee.objects.exists()
    assert SectionA.objects.get(pep=pep).version == 1

    values = form_values(response)
    values.update(
        {"attendees-1-name": "Sam Worker", "attendees-1-role": "social_worker"}
    )
    signed_in.post(_url(pep, "A"), values)
    assert sorted(MeetingAttendee.objects.values_list("name", flat=True)) == [
        "Casey Carer",
        "Sam Worker",
    ]


def test_a_person_is_removed_by_ticking_remove(signed_in, pep):
    MeetingAttendee.objects.create(pep=pep, name="Gone Soon", role="carer")
    MeetingAttendee.objects.create(pep=pep, name="Stays", role="carer")
    values = _open(signed_in, pep, "A")
    values["attendees-0-DELETE"] = "on"

    signed_in.post(_url(pep, "A"), values)

    assert list(MeetingAttendee.objects.values_list("name", flat=True)) == ["Stays"]


def test_errors_in_rows_name_the_row_and_field_and_link_to_it(signed_in, pep):
    values = _open(signed_in, pep, "A")
    values.update({"attendees-0-role": "other", "attendees-0-name": ""})

    response = signed_in.post(_url(pep, "A"), values)

    page = response.content.decode()
    assert "There is a problem" in page
    assert (
        '<a href="#id_attendees-0-name">Person 1: Enter the person&#x27;s name</a>'
        in (page)
    )
    assert (
        '<a href="#id_attendees-0-other_role">Person 1: Enter what the person&#x27;s '
        "role is</a>" in page
    )
    assert "<title>Error: " in page
    assert not MeetingAttendee.objects.exists()


def test_a_later_meeting_date_past_its_due_date_needs_a_reason(signed_in, pep):
    pep.due_on = datetime.date(2024, 2, 10)
    pep.save()
    values = _open(signed_in, pep, "A")
    values.update({"meeting_date_0": "20", "late_reason": ""})

    response = signed_in.post(_url(pep, "A"), values)

    assert "Enter why the meeting is after its due date" in response.content.decode()

    values["late_reason"] = "The carer was in hospital."
    signed_in.post(_url(pep, "A"), values)
    pep.refresh_from_db()
    assert pep.meeting_date == datetime.date(2024, 2, 20)
    assert pep.late_reason == "The carer was in hospital."
    assert pep.is_late


def test_the_next_meeting_must_come_after_this_one(signed_in, pep):
    values = _open(signed_in, pep, "A")
    values.update(
        {
            "next_meeting_date_0": "1",
            "next_meeting_date_1": "1",
            "next_meeting_date_2": "2024",
        }
    )

    response = signed_in.post(_url(pep, "A"), values)

    assert (
        "The date of the next PEP meeting must be after the date of the PEP meeting"
        in response.content.decode()
    )


def test_a_blank_meeting_date_is_refused_in_govuk_words(signed_in, pep):
    values = _open(signed_in, pep, "A")
    values.update({"meeting_date_0": "", "meeting_date_1": "", "meeting_date_2": ""})

    response = signed_in.post(_url(pep, "A"), values)

    page = response.content.decode()
    assert '<a href="#id_meeting_date_0">Enter the date of the PEP meeting</a>' in page


# Lost edits


def test_a_save_over_someone_elses_newer_save_is_refused_and_keeps_the_text(
    signed_in, pep
):
    values = _open(signed_in, pep, "B")
    SectionB.objects.filter(pep=pep).update(
        voice_subjects="Saved by a colleague.", version=2
    )
    values["voice_subjects"] = "My own careful notes."

    response = signed_in.post(_url(pep, "B"), values)

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Someone else saved this section while you were editing. Your changes have "
        "not been saved; they are shown below so you can copy them across." in page
    )
    assert "My own careful notes." in page
    assert "opens in new tab" in page
    section = SectionB.objects.get(pep=pep)
    assert section.voice_subjects == "Saved by a colleague."
    assert section.version == 2


def test_two_saves_from_the_same_reading_let_only_the_first_through(
    client, social_worker, administrator, pep
):
    client_for(client, social_worker)
    first = _open(client, pep, "C")
    second = dict(first)
    first["health_information"] = "First."
    second["health_information"] = "Second."

    assert client.post(_url(pep, "C"), first).status_code == 302
    client_for(client, administrator)
    refused = client.post(_url(pep, "C"), second)

    assert refused.status_code == 200
    pep.section_c.refresh_from_db()
    assert pep.section_c.health_information == "First."
    assert pep.section_c.version == 2


def test_a_tampered_version_is_refused_with_a_clear_message(signed_in, pep):
    values = _open(signed_in, pep, "B")
    values["version"] = "not a number"

    response = signed_in.post(_url(pep, "B"), values)

    assert "This page is out of date." in response.content.decode()


# Section B


def test_section_b_asks_the_pupil_voice_questions_under_their_headings(signed_in, pep):
    response = signed_in.get(_url(pep, "B"))

    page = response.content.decode()
    headings = [
        "General",
        "Career and educational aspirations",
        "Attendance",
        "Targets",
        "Section B questions",
        "Comments from the carer and social worker",
    ]
    positions = [page.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert "Do you come to school on time?" in page


def test_saving_section_b_stores_the_answers(client, link_teacher, pep):
    client_for(client, link_teacher)
    values = _open(client, pep, "B")
    values.update(
        {
            "invited_to_contribute": "yes",
            "voice_going_right": "Reading and football.",
            "carer_comments": "Kind to others.",
        }
    )

    response = client.post(_url(pep, "B"), values)

    assert response.status_code == 302
    section = SectionB.objects.get(pep=pep)
    assert section.invited_to_contribute == "yes"
    assert section.voice_going_right == "Reading and football."
    assert section.carer_comments == "Kind to others."
    assert section.updated_by == link_teacher


# Section C


def test_section_c_offers_only_link_teachers_as_virtual_school_teacher(
    signed_in, pep, link_teacher, other_social_worker
):
    response = signed_in.get(_url(pep, "C"))

    options = list(response.context["form"].fields["virtual_teacher"].queryset)
    assert options == [link_teacher]
    assert str(other_social_worker) not in response.content.decode()


def test_saving_section_c_stores_its_fields_and_legal_status_rows(
    signed_in, pep, link_teacher
):
    values = _open(signed_in, pep, "C")
    values.update(
        {
            "virtual_teacher": str(link_teacher.pk),
            "travel": "walks",
            "care_started_on_0": "8",
            "care_started_on_1": "1",
            "care_started_on_2": "2024",
            "sdq_score": "12",
            "legal_statuses-0-started_on_0": "8",
            "legal_statuses-0-started_on_1": "1",
            "legal_statuses-0-started_on_2": "2024",
            "legal_statuses-0-legal_status": "Care order",
        }
    )

    response = signed_in.post(_url(pep, "C"), values)

    assert response.status_code == 302
    pep.section_c.refresh_from_db()
    assert pep.section_c.virtual_teacher == link_teacher
    assert pep.section_c.care_started_on == datetime.date(2024, 1, 8)
    row = LegalStatusRow.objects.get(pep=pep)
    assert (row.started_on, row.legal_status) == (
        datetime.date(2024, 1, 8),
        "Care order",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sdq_score": "41"}, "Enter the SDQ score as a whole number from 0 to 40"),
        (
            {
                "care_started_on_0": "30",
                "care_started_on_1": "2",
                "care_started_on_2": "2024",
            },
            "The CLA start date must be a real date",
        ),
        (
            {"legal_statuses-0-legal_status": "Care order"},
            "Legal status 1: Enter the date the legal status started",
        ),
        (
            {
                "legal_statuses-0-started_on_0": "1",
                "legal_statuses-0-started_on_1": "2",
            },
            "Legal status 1: The date the legal status started must include a year",
        ),
    ],
)
def test_section_c_explains_what_is_wrong(signed_in, pep, changes, message):
    values = _open(signed_in, pep, "C")
    values.update(changes)

    response = signed_in.post(_url(pep, "C"), values)

    assert message in response.content.decode()


# Section D


def test_a_new_section_d_offers_the_three_core_subjects(signed_in, pep):
    values = _open(signed_in, pep, "D")

    assert [values[f"core_subjects-{index}-subject"] for index in range(3)] == [
        "English Language",
        "English Literature",
        "Maths",
    ]


def test_untouched_core_subjects_are_not_saved_as_empty_rows(signed_in, pep):
    values = _open(signed_in, pep, "D")

    signed_in.post(_url(pep, "D"), values)

    assert not SubjectProgress.objects.exists()


def test_saving_section_d_stores_subjects_targets_and_reviews(
    client, link_teacher, pep
):
    client_for(client, link_teacher)
    values = _open(client, pep, "D")
    values.update(
        {
            "core_subjects-2-current_level": "Working at",
            "core_subjects-2-on_track_for_target": "yes",
            "current_attendance": "95.5%",
            "core_targets-0-subject_area": "English",
            "core_targets-0-target": "Write a story",
            "core_targets-0-pupil_premium_cost": "£1,250.50",
            "has_send": "no",
        }
    )
    values = form_values(
        client.post(_url(pep, "D"), {**values, "add_row": "additional_targets"})
    )
    values.update(
        {
            "additional_targets-0-subject_area": "Music",
            "additional_targets-0-target": "Learn a scale",
            "additional_targets-0-pupil_premium_cost": "100",
        }
    )
    values = form_values(
        client.post(_url(pep, "D"), {**values, "add_row": "previous_targets"})
    )
    values["previous_targets-0-target"] = "Read every night"

    response = client.post(_url(pep, "D"), values)

    assert response.status_code == 302
    subject = SubjectProgress.objects.get(pep=pep)
    assert (subject.subject, subject.is_core, subject.on_track_for_target) == (
        "Maths",
        True,
        "yes",
    )
    targets = {
        target.subject_area: (target.kind, target.pupil_premium_cost)
        for target in Target.objects.filter(pep=pep)
    }
    assert targets == {
        "English": (Target.Kind.CORE, Decimal("1250.50")),
        "Music": (Target.Kind.ADDITIONAL, Decimal("100")),
    }
    assert PreviousTargetReview.objects.get(pep=pep).target == "Read every night"
    pep.section_d.refresh_from_db()
    assert pep.section_d.current_attendance == Decimal("95.5")
    assert pep.section_d.has_send == "no"


def test_an_additional_subject_is_kept_apart_from_the_core_ones(signed_in, pep):
    SubjectProgress.objects.create(pep=pep, subject="Maths", is_core=True)
    values = _open(signed_in, pep, "D")
    values = form_values(
        signed_in.post(_url(pep, "D"), {**values, "add_row": "additional_subjects"})
    )
    values["additional_subjects-0-subject"] = "Art"

    signed_in.post(_url(pep, "D"), values)

    assert sorted(SubjectProgress.objects.values_list("subject", "is_core")) == [
        ("Art", False),
        ("Maths", True),
    ]


@pytest.mark.parametrize("cost", ["lots", "-5", "250.505", "123456789"])
def test_a_cost_that_is_not_pounds_is_refused(signed_in, pep, cost):
    values = _open(signed_in, pep, "D")
    values.update(
        {
            "core_targets-0-subject_area": "English",
            "core_targets-0-target": "Write a story",
            "core_targets-0-pupil_premium_cost": cost,
        }
    )

    response = signed_in.post(_url(pep, "D"), values)

    page = response.content.decode()
    assert "Target 1: Enter the cost in pounds, like 250 or 250.50" in page
    assert 'href="#id_core_targets-0-pupil_premium_cost"' in page
    assert not Target.objects.exists()


@pytest.mark.parametrize("attendance", ["high", "101", "-1"])
def test_attendance_must_be_a_percentage(signed_in, pep, attendance):
    values = _open(signed_in, pep, "D")
    values["current_attendance"] = attendance

    response = signed_in.post(_url(pep, "D"), values)

    assert (
        "Enter the current attendance as a percentage, like 95 or 95.5"
        in response.content.decode()
    )


def test_rows_of_another_pep_cannot_be_edited_through_this_one(signed_in, pep):
    other_pep = factories.PepFactory(child=pep.child)
    theirs = MeetingAttendee.objects.create(pep=other_pep, name="Theirs", role="carer")
    values = _open(signed_in, pep, "A")
    values.update(
        {
            "attendees-INITIAL_FORMS": "1",
            "attendees-0-id": str(theirs.pk),
            "attendees-0-name": "Changed",
            "attendees-0-role": "carer",
        }
    )

    signed_in.post(_url(pep, "A"), values)

    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
    assert theirs.pep == other_pep


def test_an_unknown_section_letter_is_not_found(signed_in, pep):
    response = signed_in.get(f"/children/peps/{pep.pk}/section-e/")

    assert response.status_code == 404


def test_a_full_table_says_so_when_another_row_is_asked_for(signed_in, pep):
    MeetingAttendee.objects.bulk_create(
        MeetingAttendee(pep=pep, name=f"Person {number}", role="other", other_role="x")
        for number in range(50)
    )
    values = _open(signed_in, pep, "A")

    response = signed_in.post(_url(pep, "A"), {**values, "add_row": "attendees"})

    assert "PEP meeting attendance can have up to 50 rows" in response.content.decode()


def test_a_chosen_teacher_who_left_the_role_does_not_block_saving_section_c(
    signed_in, pep, other_social_worker
):
    pep.section_c.virtual_teacher = other_social_worker
    pep.section_c.save()
    values = _open(signed_in, pep, "C")
    values["health_information"] = "Updated."

    response = signed_in.post(_url(pep, "C"), values)

    assert response.status_code == 302
    pep.section_c.refresh_from_db()
    assert pep.section_c.virtual_teacher == other_social_worker


def test_pressing_enter_in_a_field_saves_rather_than_adding_a_row(signed_in, pep):
    page = signed_in.get(_url(pep, "D")).content.decode()

    form = page[page.index('<form method="post" novalidate>') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'type="submit"' in first_button
    assert "name=" not in first_button
