"""Section E and the 22-point rubric, through the link teacher's page."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import Role
from quality import services
from quality.bands import GUIDE_DISCREPANCY_NOTE
from quality.demo import fill_demo_pep
from quality.models import SectionE
from tests import factories
from tests.conftest import client_for

SCORES = {
    "score_a": "2",
    "score_b": "3",
    "score_c1": "2",
    "score_c2": "3",
    "score_c3": "1",
    "score_d1": "2",
    "score_d2": "4",
    "score_d3": "1",
}
RATINGS = {
    "pupil_voice_rating": "3",
    "care_planning_rating": "3",
    "targets_rating": "2",
}


@pytest.fixture
def url(pep):
    return reverse("quality:section_e", kwargs={"pep_id": pep.pk})


@pytest.fixture
def teacher_client(client, link_teacher):
    return client_for(client, link_teacher)


def form_data(section, **changes):
    data = {
        "version": str(section.version),
        "link_teacher": str(section.link_teacher_id or ""),
        "virtual_school_contact": "Virtual School, 01234 000009",
        "progress_comment": "Good progress in reading",
        "attendance_comment": "Attendance is 96%",
        "access_to_education_comment": "No suspensions",
        "link_teacher_comment": "A thorough PEP",
        **SCORES,
        **RATINGS,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_suggested_scores_are_preselected_with_reasons_and_missing_fields(
    teacher_client, url, pep
):
    response = teacher_client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    # The factory's PEP has almost nothing filled in, so A is partly complete.
    assert 'id="id_score_a_1" name="score_a" type="radio" value="1"' in page
    assert (
        'name="score_a" type="radio" value="1" aria-describedby="id_score_a_1-hint" '
        "checked" in page
    )
    assert "Suggested score: 1" in page
    assert "Date of PEP meeting" not in page.split("Missing:")[1].split("</ul>")[0]
    assert "Phase of education" in page
    assert "No suggestion: only a reader can judge" in page


def test_each_choice_shows_the_guides_descriptor(teacher_client, url):
    page = teacher_client.get(url).content.decode()

    assert "Previous targets are reviewed, the new targets are SMART" in page
    assert "Pupil voice is detailed and clear." in page
    assert "Educational targets generally reflect the pupil&#x27;s progress" in page


def test_smart_gaps_are_listed_per_target(teacher_client, url, pep, link_teacher):
    fill_demo_pep(pep, link_teacher=link_teacher)
    # The demo PEP's three targets are SMART; a fourth is not.
    pep.targets.create(
        subject_area="Science", target="Do better in science", action="", timescale=""
    )

    page = teacher_client.get(url).content.decode()

    assert "Target 3 (Science)" in page  # core targets come first
    assert "No success criterion: say what you will see" in page
    assert "SMART: nothing missing." in page


def test_saving_keeps_suggested_and_final_scores_and_shows_totals(
    teacher_client, url, pep
):
    teacher_client.get(url)
    section = SectionE.objects.get(pep=pep)

    response = teacher_client.post(url, form_data(section), follow=True)

    assert response.status_code == 200
    section.refresh_from_db()
    assert section.score_a == 2
    assert section.suggested_scores["A"]["score"] == 1
    assert "Phase of education" in section.suggested_scores["A"]["missing"]
    assert section.version == 2
    page = response.content.decode()
    assert "8 out of 10" in page  # social care: 2 + 2 + 3 + 1
    assert "10 out of 12" in page  # education: 3 + 2 + 4 + 1
    assert '<td class="govuk-table__cell" id="band-overall">Good</td>' in page
    assert escape(GUIDE_DISCREPANCY_NOTE) in page


def test_partial_scores_save_and_say_how_many_are_left(teacher_client, url, pep):
    teacher_client.get(url)
    section = SectionE.objects.get(pep=pep)

    response = teacher_client.post(
        url, form_data(section, score_d2=None, score_d3=None), follow=True
    )

    assert "6 of 8 criteria scored" in response.content.decode()


def test_a_score_out_of_range_is_refused_with_a_clear_message(teacher_client, url, pep):
    teacher_client.get(url)
    section = SectionE.objects.get(pep=pep)

    response = teacher_client.post(url, form_data(section, score_a="3"))

    assert response.status_code == 200
    assert "Choose a score from 0 to 2" in response.content.decode()
    section.refresh_from_db()
    assert section.score_a is None


def test_a_save_over_someone_elses_is_refused(teacher_client, url, pep):
    teacher_client.get(url)
    section = SectionE.objects.get(pep=pep)
    stale = form_data(section)
    teacher_client.post(url, form_data(section, link_teacher_comment="First"))

    response = teacher_client.post(url, {**stale, "link_teacher_comment": "Second"})

    assert "Someone else saved Section E after you opened it" in (
        response.content.decode()
    )
    section.refresh_from_db()
    assert section.link_teacher_comment == "First"


def test_previous_peps_scores_are_shown_beside_the_current_ones(
    teacher_client, url, pep
):
    earlier = factories.PepFactory(
        child=pep.child, meeting_date=pep.meeting_date - datetime.timedelta(days=180)
    )
    SectionE.objects.create(
        pep=earlier,
        score_a=1,
        overall_total=15,
        overall_band="Good",
        social_care_total=7,
        social_care_band="Good",
        education_total=8,
        education_band="Good",
        assessed_at=datetime.datetime(2023, 9, 1, tzinfo=datetime.UTC),
    )

    page = teacher_client.get(url).content.decode()

    assert "Earlier PEPs of this child" in page
    assert "15 (Good)" in page
    assert f"Earlier PEPs: {earlier.meeting_date:%-d %b %Y}: 1" in page


def test_approving_without_every_score_sends_the_teacher_back(
    teacher_client, url, pep, social_worker
):
    pep.next_meeting_date = pep.meeting_date + datetime.timedelta(days=180)
    pep.save()
    services.pep_finalise(pep, social_worker)
    teacher_client.get(url)
    section = SectionE.objects.get(pep=pep)
    teacher_client.post(url, form_data(section, score_b=None))

    response = teacher_client.post(
        reverse("quality:approve", kwargs={"pep_id": pep.pk}), follow=True
    )

    assert "Choose a score for Section B: child or young person&#x27;s views" in (
        response.content.decode()
    )
    pep.refresh_from_db()
    assert pep.status == "finalised"


@pytest.mark.parametrize("persona", ["social_worker", "designated_teacher", "outsider"])
def test_only_the_virtual_school_opens_section_e(client, url, persona, request):
    user = request.getfixturevalue(persona)

    response = client_for(client, user).get(url)

    assert response.status_code == 404


def test_a_link_teacher_of_another_school_cannot_open_section_e(client, url):
    stranger = factories.UserFactory()
    stranger.groups.add(Group.objects.get_or_create(name=Role.LINK_TEACHER.value)[0])

    assert client_for(client, stranger).get(url).status_code == 404
