"""The whole PEP on one page: every section, every question, every table."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from peps.forms import SECTION_LAYOUTS, Group, Rows
from peps.models import (
    LegalStatusRow,
    MeetingAttendee,
    Pep,
    PreviousTargetReview,
    SubjectProgress,
    Target,
)
from tests.conftest import client_for


def _page(client, pep):
    response = client.get(reverse("peps:pep", args=[pep.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def filled_pep(pep):
    pep.section_a.phase = "primary"
    pep.section_a.school_year = "Year 4"
    pep.section_a.save()
    pep.section_b.voice_subjects = "Art goes well."
    pep.section_b.save()
    pep.section_c.health_information = "Wears glasses."
    pep.section_c.save()
    pep.section_d.current_attendance = Decimal("96.50")
    pep.section_d.save()
    MeetingAttendee.objects.create(
        pep=pep, name="Casey Carer", role=MeetingAttendee.Role.CARER
    )
    LegalStatusRow.objects.create(
        pep=pep, started_on=datetime.date(2024, 1, 8), legal_status="Care order"
    )
    SubjectProgress.objects.create(pep=pep, subject="Maths", is_core=True)
    SubjectProgress.objects.create(pep=pep, subject="Art", is_core=False)
    PreviousTargetReview.objects.create(pep=pep, target="Read every night")
    Target.objects.create(
        pep=pep,
        subject_area="English",
        target="Write a story",
        pupil_premium_cost=Decimal("250.50"),
    )
    Target.objects.create(
        pep=pep,
        kind=Target.Kind.ADDITIONAL,
        subject_area="Music",
        target="Learn a scale",
        pupil_premium_cost=Decimal("100"),
    )
    return pep


def test_every_section_shows_every_question_by_its_label(
    client, social_worker, filled_pep
):
    client_for(client, social_worker)

    page = _page(client, filled_pep)

    for layout in SECTION_LAYOUTS.values():
        assert escape(layout.title) in page
        for part in layout.parts:
            if isinstance(part, Rows):
                assert part.heading in page
                labels = [
                    part.model._meta.get_field(name).verbose_name
                    for name in part.fields
                ]
            else:
                model = Pep if part.source == "pep" else layout.form_class._meta.model
                labels = [
                    model._meta.get_field(name).verbose_name
                    for name in part.fields
                    if name not in part.omit_when_blank
                ]
            for label in labels:
                assert escape(capfirst(label)) in page, label
    assert "Section E: Virtual School" in page
    assert "Not yet quality-assured" in page


def test_the_questions_appear_in_the_order_of_the_form(
    client, social_worker, filled_pep
):
    client_for(client, social_worker)

    page = _page(client, filled_pep)

    layout = SECTION_LAYOUTS["B"]
    labels = [
        escape(
            capfirst(layout.form_class._meta.model._meta.get_field(name).verbose_name)
        )
        for part in layout.parts
        if isinstance(part, Group)
        for name in part.fields
    ]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)


def test_the_tables_and_answers_show_what_is_stored(client, social_worker, filled_pep):
    client_for(client, social_worker)

    page = _page(client, filled_pep)

    for text in (
        "Primary",
        "Year 4",
        "1 February 2024",
        "Art goes well.",
        "Wears glasses.",
        "96.5%",
        "Casey Carer",
        "Carer",
        "Care order",
        "8 January 2024",
        "Maths",
        "Art",
        "Read every night",
        "Write a story",
        "£250.50",
        "Learn a scale",
        "£100.00",
        "Pupil Premium Plus cost of all new targets: £350.50",
    ):
        assert text in page, text


@pytest.mark.parametrize(
    ("persona", "editable"),
    [
        ("social_worker", "ABCD"),
        ("link_teacher", "BD"),
        ("administrator", "ABCD"),
    ],
)
def test_edit_links_appear_only_for_sections_the_user_may_edit(
    persona, editable, request, client, pep
):
    client_for(client, request.getfixturevalue(persona))

    page = _page(client, pep)

    for letter in "ABCD":
        link = reverse("peps:section_edit", args=[pep.pk, letter])
        assert (link in page) is (letter in editable), letter


def test_a_finalised_pep_offers_no_edit_links_to_its_social_worker(
    client, social_worker, pep
):
    pep.status = Pep.Status.FINALISED
    pep.save()
    client_for(client, social_worker)

    page = _page(client, pep)

    assert "section-a/" not in page
    assert "Awaiting quality assurance" in page


def test_the_pep_page_links_back_to_the_child_only_for_those_who_may_open_it(
    client, social_worker, governor, pep
):
    from guardian.shortcuts import assign_perm

    assign_perm("peps.view_pep", governor, pep)
    child_url = reverse("peps:child", args=[pep.child_id])

    client_for(client, social_worker)
    assert child_url in _page(client, pep)
    client_for(client, governor)
    assert child_url not in _page(client, pep)
