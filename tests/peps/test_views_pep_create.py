"""Creating a PEP: the meeting date in GOV.UK's words, and a reason when it is late."""

import datetime

import pytest
from django.urls import reverse

from peps.models import Pep
from tests.conftest import client_for


def _create(client, child, day="", month="", year="", late_reason=None):
    data = {"meeting_date_0": day, "meeting_date_1": month, "meeting_date_2": year}
    if late_reason is not None:
        data["late_reason"] = late_reason
    return client.post(reverse("peps:pep_create", args=[child.pk]), data)


def _entered_care(child, on):
    child.care_started_on = on
    child.save()


# Entering care on Monday 6 January 2025, the first PEP is due 20 working days
# later, counted from the 7th: Monday 3 February 2025.
ENTERED_CARE = datetime.date(2025, 1, 6)
FIRST_PEP_DUE = datetime.date(2025, 2, 3)


def test_the_social_worker_creates_a_pep_and_lands_on_it(client, social_worker, child):
    # In care from Monday 3 March 2025: the first PEP is due by 31 March.
    _entered_care(child, datetime.date(2025, 3, 3))
    client_for(client, social_worker)

    response = _create(client, child, "17", "3", "2025")

    pep = Pep.objects.get(child=child)
    assert response.status_code == 302
    assert response.url == reverse("peps:pep", args=[pep.pk])
    assert pep.meeting_date == datetime.date(2025, 3, 17)
    assert pep.created_by == social_worker
    assert pep.late_reason == ""
    assert pep.section_a and pep.section_b and pep.section_c and pep.section_d
    page = client.get(response.url).content.decode()
    assert "PEP meeting on 17 March 2025 created" in page


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date of the PEP meeting"),
        ("31", "2", "2025", "The date of the PEP meeting must be a real date"),
        ("1", "13", "2025", "The date of the PEP meeting must be a real date"),
        ("1", "3", "25", "The date of the PEP meeting must be a real date"),
        ("a", "3", "2025", "The date of the PEP meeting must be a real date"),
        ("1", "", "2025", "The date of the PEP meeting must include a month"),
        ("", "", "2025", "The date of the PEP meeting must include a day and month"),
    ],
)
def test_a_missing_or_impossible_date_is_refused_in_govuk_words(
    client, social_worker, child, day, month, year, message
):
    client_for(client, social_worker)

    response = _create(client, child, day, month, year)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'class="govuk-error-summary' in page
    assert 'href="#id_meeting_date_0"' in page
    assert "<title>Error: " in page
    assert not Pep.objects.exists()


def test_what_was_typed_is_kept_when_the_date_is_refused(client, social_worker, child):
    client_for(client, social_worker)

    response = _create(client, child, "31", "2", "2025")

    page = response.content.decode()
    assert 'name="meeting_date_0" value="31"' in page
    assert 'name="meeting_date_2" value="2025"' in page


def test_a_late_meeting_needs_a_reason(client, social_worker, child):
    _entered_care(child, ENTERED_CARE)
    client_for(client, social_worker)

    response = _create(client, child, "10", "3", "2025", late_reason="")

    page = response.content.decode()
    assert "Enter why the meeting is after its due date" in page
    assert 'href="#id_late_reason"' in page
    assert not Pep.objects.exists()


def test_a_late_meeting_with_its_reason_is_created_and_flagged(
    client, social_worker, child
):
    _entered_care(child, ENTERED_CARE)
    client_for(client, social_worker)

    _create(client, child, "10", "3", "2025", late_reason="The school was closed.")

    pep = Pep.objects.get(child=child)
    assert pep.late_reason == "The school was closed."
    assert pep.due_on == FIRST_PEP_DUE
    assert pep.is_late
    page = client.get(reverse("peps:pep", args=[pep.pk])).content.decode()
    assert "Late" in page
    assert "The school was closed." in page


def test_a_meeting_on_its_due_date_is_not_late_and_keeps_no_reason(
    client, social_worker, child
):
    _entered_care(child, ENTERED_CARE)
    client_for(client, social_worker)

    _create(client, child, "3", "2", "2025", late_reason="Typed by mistake")

    pep = Pep.objects.get(child=child)
    assert not pep.is_late
    assert pep.late_reason == ""


def test_without_a_due_date_no_reason_is_asked(client, social_worker, child):
    _entered_care(child, None)
    client_for(client, social_worker)

    response = client.get(reverse("peps:pep_create", args=[child.pk]))

    assert "late_reason" not in response.content.decode()


def test_a_link_teacher_cannot_create_a_pep(client, link_teacher, child):
    client_for(client, link_teacher)

    response = _create(client, child, "17", "3", "2025")

    assert response.status_code == 404
    assert not Pep.objects.exists()


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1", "1", "1990", "must be on or after 6 January 2025, when the child came"),
        ("1", "1", "2099", "The date of the PEP meeting must be within a year"),
    ],
)
def test_a_meeting_before_care_or_far_ahead_is_refused(
    client, social_worker, child, day, month, year, message
):
    _entered_care(child, ENTERED_CARE)
    client_for(client, social_worker)

    response = _create(client, child, day, month, year, late_reason="Reason")

    assert message in response.content.decode()
    assert not Pep.objects.exists()


def test_the_same_form_sent_twice_makes_one_pep(client, social_worker, child):
    _entered_care(child, datetime.date(2025, 3, 3))
    client_for(client, social_worker)

    _create(client, child, "17", "3", "2025")
    second = _create(client, child, "17", "3", "2025")

    assert Pep.objects.filter(child=child).count() == 1
    assert "already has a PEP meeting on that date" in second.content.decode()


def test_a_year_beyond_any_pep_is_refused_without_a_server_error(
    client, social_worker, child
):
    client_for(client, social_worker)

    response = _create(client, child, "31", "12", "9999")

    assert response.status_code == 200
    assert "must be a real date" in response.content.decode()
