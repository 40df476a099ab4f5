"""Quality-assurance pages: the queue, the moves, bands, and published PEPs."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from delegation.models import Delegation
from peps.models import Contact, SchoolStaff
from quality import services
from quality.bands import DEFAULT_BANDS
from quality.models import Band, CarerCopy, PublishedPep, SectionE, Transition
from tests import factories
from tests.conftest import client_for
from tests.delegation.helpers import delegate

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


def with_role(user, role):
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@pytest.fixture
def ready_pep(pep):
    pep.next_meeting_date = pep.meeting_date + datetime.timedelta(days=180)
    pep.save()
    return pep


@pytest.fixture
def finalised_pep(ready_pep, social_worker):
    return services.pep_finalise(ready_pep, social_worker)


@pytest.fixture
def scored_pep(finalised_pep):
    SectionE.objects.create(pep=finalised_pep, **FULL_SCORES)
    return finalised_pep


@pytest.fixture
def publication(scored_pep):
    """A published version, its PDF stood in by a few bytes to keep tests quick."""
    pep = scored_pep
    pep.status = "approved"
    pep.save()
    published = PublishedPep.objects.create(pep=pep, version=1, reason="Approved")
    published.file.save("pep.pdf", ContentFile(b"%PDF-1.7 stand-in"))
    return published


# The QA queue ---------------------------------------------------------------------


def test_queue_lists_finalised_peps_at_the_teachers_schools_oldest_first(
    client, link_teacher, school, social_worker
):
    peps = []
    for days_ago in (3, 9, 5):
        child = factories.ChildFactory(social_worker=social_worker)
        factories.EnrolmentFactory(child=child, school=school)
        pep = factories.PepFactory(child=child, social_worker=social_worker)
        pep.next_meeting_date = datetime.date(2024, 8, 1)
        pep.save()
        pep = services.pep_finalise(pep, social_worker)
        pep.finalised_at = pep.finalised_at - datetime.timedelta(days=days_ago)
        pep.save()
        peps.append(pep)
    elsewhere = factories.PepFactory(status="finalised")

    response = client_for(client, link_teacher).get(reverse("quality:queue"))

    listed = list(response.context["page"].object_list)
    assert listed == [peps[1], peps[2], peps[0]]
    assert elsewhere not in listed


def test_administrator_sees_every_finalised_pep(client, administrator):
    pep = factories.PepFactory(status="finalised")

    response = client_for(client, administrator).get(reverse("quality:queue"))

    assert pep in response.context["page"].object_list


@pytest.mark.parametrize("persona", ["social_worker", "designated_teacher", "outsider"])
def test_only_the_virtual_school_has_a_queue(client, persona, request):
    user = request.getfixturevalue(persona)

    assert client_for(client, user).get(reverse("quality:queue")).status_code == 404


# The moves through the pages ------------------------------------------------------


def test_social_worker_finalises_from_the_page(client, ready_pep, social_worker):
    url = reverse("quality:finalise", kwargs={"pep_id": ready_pep.pk})

    response = client_for(client, social_worker).post(url)

    assert response.status_code == 302
    ready_pep.refresh_from_db()
    assert ready_pep.status == "finalised"


def test_finalise_page_lists_what_is_missing(client, pep, social_worker):
    url = reverse("quality:finalise", kwargs={"pep_id": pep.pk})

    response = client_for(client, social_worker).post(url)

    assert response.status_code == 200
    assert "Enter the date of the next PEP meeting" in response.content.decode()
    pep.refresh_from_db()
    assert pep.status == "draft"


def test_link_teacher_returns_sections_with_a_comment(
    client, finalised_pep, link_teacher
):
    url = reverse("quality:return", kwargs={"pep_id": finalised_pep.pk})

    response = client_for(client, link_teacher).post(
        url, {"sections": ["C", "A"], "comment": "Add the care plan summary"}
    )

    assert response.status_code == 302
    finalised_pep.refresh_from_db()
    assert finalised_pep.reopened_sections == ["A", "C"]
    assert Transition.objects.get(action="return").comment == (
        "Add the care plan summary"
    )


def test_a_return_without_a_comment_is_refused(client, finalised_pep, link_teacher):
    url = reverse("quality:return", kwargs={"pep_id": finalised_pep.pk})

    response = client_for(client, link_teacher).post(url, {"sections": ["A"]})

    assert "Enter what needs to be amended" in response.content.decode()
    finalised_pep.refresh_from_db()
    assert finalised_pep.status == "finalised"


def test_social_worker_sees_the_comment_and_resubmits(
    client, finalised_pep, link_teacher, social_worker
):
    services.pep_return(finalised_pep, link_teacher, ["A"], "Add the attendees")
    url = reverse("quality:resubmit", kwargs={"pep_id": finalised_pep.pk})
    signed_in = client_for(client, social_worker)

    assert "Add the attendees" in signed_in.get(url).content.decode()
    signed_in.post(url)

    finalised_pep.refresh_from_db()
    assert finalised_pep.status == "finalised"


def test_link_teacher_approves_from_the_page(
    client, scored_pep, link_teacher, django_capture_on_commit_callbacks
):
    url = reverse("quality:approve", kwargs={"pep_id": scored_pep.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(client, link_teacher).post(url)

    assert response.status_code == 302
    scored_pep.refresh_from_db()
    assert scored_pep.status == "approved"
    assert PublishedPep.objects.get(pep=scored_pep).file


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("social_worker", "approve"),
        ("social_worker", "return"),
        ("designated_teacher", "approve"),
        ("outsider", "approve"),
        ("other_social_worker", "finalise"),
    ],
)
def test_moves_not_open_to_a_person_are_not_there(
    client, scored_pep, persona, name, request
):
    user = request.getfixturevalue(persona)
    url = reverse(f"quality:{name}", kwargs={"pep_id": scored_pep.pk})

    response = client_for(client, user).post(url)

    assert response.status_code == 404
    scored_pep.refresh_from_db()
    assert scored_pep.status == "finalised"


def test_review_page_shows_every_section_and_the_trail(
    client, finalised_pep, link_teacher
):
    url = reverse("quality:review", kwargs={"pep_id": finalised_pep.pk})

    page = client_for(client, link_teacher).get(url).content.decode()

    for section in "abcde":
        assert f'id="section-{section}"' in page
    assert "Finalised" in page
    assert "Complete Section E and quality assurance" in page


# Bands ---------------------------------------------------------------------------


def band_post(rows):
    data = {
        "bands-TOTAL_FORMS": str(len(rows)),
        "bands-INITIAL_FORMS": "0",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
    }
    for index, (measure, name, low, high) in enumerate(rows):
        data.update(
            {
                f"bands-{index}-measure": measure,
                f"bands-{index}-name": name,
                f"bands-{index}-low": str(low),
                f"bands-{index}-high": str(high),
            }
        )
    return data


DEFAULT_ROWS = [
    ("overall", "Excellent", 19, 22),
    ("overall", "Good", 11, 18),
    ("overall", "Ineffective", 0, 10),
    ("social_care", "Excellent", 9, 10),
    ("social_care", "Good", 5, 8),
    ("social_care", "Ineffective", 0, 4),
    ("education", "Excellent", 10, 12),
    ("education", "Good", 6, 9),
    ("education", "Ineffective", 0, 5),
]


@pytest.fixture(autouse=True)
def seeded_bands(db):
    """The bands the data migration stores; a test that empties tables (a browser
    test's flush) may have removed them."""
    if not Band.objects.exists():
        Band.objects.bulk_create(
            Band(measure=m, name=n, low=lo, high=hi) for m, n, lo, hi in DEFAULT_ROWS
        )


def stored_bands():
    return sorted(Band.objects.values_list("measure", "name", "low", "high"))


def test_bands_are_seeded_with_the_defaults(db):
    migration = importlib.import_module("quality.migrations.0003_default_bands")
    Band.objects.all().delete()

    migration.seed(django_apps, schema_editor=None)

    assert stored_bands() == sorted(DEFAULT_ROWS)


def test_with_no_bands_stored_the_defaults_rate(db):
    Band.objects.all().delete()

    assert services.current_bands() == DEFAULT_BANDS


def test_administrator_replaces_the_bands(client, administrator):
    rows = [row for row in DEFAULT_ROWS if row[0] != "overall"] + [
        ("overall", "Outstanding", 20, 22),
        ("overall", "Secure", 12, 19),
        ("overall", "Weak", 0, 11),
    ]

    response = client_for(client, administrator).post(
        reverse("quality:bands"), band_post(rows)
    )

    assert response.status_code == 302
    assert stored_bands() == sorted(rows)


def test_bands_with_a_gap_or_overlap_save_nothing_and_say_why(client, administrator):
    rows = [row for row in DEFAULT_ROWS if row[0] == "overall"] + [
        ("social_care", "Excellent", 9, 10),
        ("social_care", "Good", 4, 8),
        ("social_care", "Ineffective", 0, 4),
        ("education", "Excellent", 11, 12),
        ("education", "Good", 6, 9),
        ("education", "Ineffective", 0, 5),
    ]

    response = client_for(client, administrator).post(
        reverse("quality:bands"), band_post(rows)
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem: nothing was saved" in page
    assert "Bands Good and Ineffective of social care (out of 10) both cover" in page
    assert "No band covers scores 10 to 10 of education (out of 12)." in page
    assert stored_bands() == sorted(DEFAULT_ROWS)


def test_a_band_row_with_a_missing_score_names_the_row(client, administrator):
    data = band_post(DEFAULT_ROWS)
    data["bands-4-low"] = ""

    response = client_for(client, administrator).post(reverse("quality:bands"), data)

    assert "Band row 5: Enter the lowest score of the band" in (
        response.content.decode()
    )
    assert stored_bands() == sorted(DEFAULT_ROWS)


def test_removing_a_band_through_the_page_must_still_cover_every_score(
    client, administrator
):
    data = band_post(DEFAULT_ROWS)
    data["bands-0-DELETE"] = "on"

    response = client_for(client, administrator).post(reverse("quality:bands"), data)

    assert "No band covers scores 19 to 22 of overall (out of 22)." in (
        response.content.decode()
    )
    assert stored_bands() == sorted(DEFAULT_ROWS)


def test_bands_page_shows_the_guides_discrepancy(client, administrator):
    page = client_for(client, administrator).get(reverse("quality:bands"))

    assert "leave an overall score of 10 without a rating" in page.content.decode()


@pytest.mark.parametrize("persona", ["link_teacher", "social_worker", "outsider"])
def test_only_administrators_edit_bands(client, persona, request):
    user = request.getfixturevalue(persona)

    response = client_for(client, user).post(
        reverse("quality:bands"), band_post(DEFAULT_ROWS[:1])
    )

    assert response.status_code == 404
    assert stored_bands() == sorted(DEFAULT_ROWS)


def test_new_bands_rate_new_approvals_but_not_past_ones(
    client, administrator, scored_pep, link_teacher
):
    services.pep_approve(scored_pep, link_teacher)
    rows = [row for row in DEFAULT_ROWS if row[0] != "overall"] + [
        ("overall", "Excellent", 17, 22),
        ("overall", "Good", 11, 16),
        ("overall", "Ineffective", 0, 10),
    ]
    client_for(client, administrator).post(reverse("quality:bands"), band_post(rows))

    section = SectionE.objects.get(pep=scored_pep)
    assert (section.overall_total, section.overall_band) == (18, "Good")
    assert services.section_e_rating(section).overall_band == "Excellent"


# Downloads -----------------------------------------------------------------------


def download_url(publication):
    return reverse("quality:download", kwargs={"pk": publication.pk})


def test_designated_teacher_of_the_school_downloads_the_pdf(
    client, publication, school, designated_teacher
):
    publication.pep.school = school
    publication.pep.save()
    SchoolStaff.objects.create(
        school=school,
        user=designated_teacher,
        position=SchoolStaff.Position.DESIGNATED_TEACHER,
    )

    response = client_for(client, designated_teacher).get(download_url(publication))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 stand-in"
    assert "attachment" in response["Content-Disposition"]


def test_delegated_teacher_downloads_the_pdf(
    client, publication, designated_teacher, administrator
):
    delegate(publication.pep, designated_teacher, administrator)

    response = client_for(client, designated_teacher).get(download_url(publication))

    assert response.status_code == 200


def test_the_delegated_teacher_cannot_download_thirty_days_after_submitting(
    client, publication, designated_teacher, administrator
):
    delegation = delegate(publication.pep, designated_teacher, administrator)
    # The nightly job has not run, so the grants are still in place: the dates
    # on the delegation itself must end the access.
    Delegation.objects.filter(pk=delegation.pk).update(
        status=Delegation.Status.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=31),
    )

    response = client_for(client, designated_teacher).get(download_url(publication))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["social_worker", "link_teacher", "administrator"])
def test_staff_who_can_open_the_pep_download_the_pdf(
    client, publication, persona, request
):
    user = request.getfixturevalue(persona)

    assert client_for(client, user).get(download_url(publication)).status_code == 200


def test_headteacher_of_the_school_cannot_download(
    client, publication, school, designated_teacher
):
    publication.pep.school = school
    publication.pep.save()
    SchoolStaff.objects.create(
        school=school,
        user=designated_teacher,
        position=SchoolStaff.Position.HEADTEACHER,
    )

    response = client_for(client, designated_teacher).get(download_url(publication))

    assert response.status_code == 404


def test_designated_teacher_of_another_school_gets_404(
    client, publication, school, designated_teacher
):
    publication.pep.school = school
    publication.pep.save()
    SchoolStaff.objects.create(
        school=factories.SchoolFactory(),
        user=designated_teacher,
        position=SchoolStaff.Position.DESIGNATED_TEACHER,
    )

    response = client_for(client, designated_teacher).get(download_url(publication))

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "other_social_worker", "governor"])
def test_people_without_reach_get_404(client, publication, persona, request):
    user = request.getfixturevalue(persona)

    assert client_for(client, user).get(download_url(publication)).status_code == 404


def test_other_link_teacher_gets_404(client, publication):
    stranger = with_role(factories.UserFactory(), Role.LINK_TEACHER)

    assert client_for(client, stranger).get(download_url(publication)).status_code == (
        404
    )


def test_signed_out_visitor_is_sent_to_sign_in(client, publication):
    response = client.get(download_url(publication))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_version_still_being_drawn_cannot_be_downloaded(
    client, scored_pep, social_worker
):
    waiting = PublishedPep.objects.create(pep=scored_pep, version=1, reason="Approved")

    response = client_for(client, social_worker).get(download_url(waiting))

    assert response.status_code == 404


def test_school_page_lists_its_published_peps_only(
    client, publication, school, designated_teacher
):
    publication.pep.school = school
    publication.pep.save()
    SchoolStaff.objects.create(
        school=school,
        user=designated_teacher,
        position=SchoolStaff.Position.DESIGNATED_TEACHER,
    )
    other = factories.PepFactory(school=factories.SchoolFactory(), status="approved")
    hidden = PublishedPep.objects.create(pep=other, version=1, reason="Approved")
    hidden.file.save("other.pdf", ContentFile(b"%PDF-1.7 other"))

    response = client_for(client, designated_teacher).get(
        reverse("quality:school_publications")
    )

    assert list(response.context["page"].object_list) == [publication]
    assert download_url(publication) in response.content.decode()


# Sending to carers ----------------------------------------------------------------


def test_social_worker_sends_the_pdf_to_a_carer_from_the_page(
    client, publication, social_worker, mailoutbox
):
    carer = Contact.objects.create(
        child=publication.pep.child,
        kind=Contact.Kind.CARER,
        name="Chris Carer",
        email="carer@example.invalid",
    )
    url = reverse("quality:publications", kwargs={"pep_id": publication.pep_id})

    response = client_for(client, social_worker).post(url, {"contacts": [carer.pk]})

    assert response.status_code == 302
    assert mailoutbox[0].to == ["carer@example.invalid"]
    assert CarerCopy.objects.get().contact == carer


def test_link_teacher_cannot_send_to_carers(client, publication, link_teacher):
    carer = Contact.objects.create(
        child=publication.pep.child,
        kind=Contact.Kind.CARER,
        name="Chris Carer",
        email="carer@example.invalid",
    )
    url = reverse("quality:publications", kwargs={"pep_id": publication.pep_id})

    response = client_for(client, link_teacher).post(url, {"contacts": [carer.pk]})

    assert response.status_code == 404
    assert not CarerCopy.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("link_teacher", {"QA queue"}),
        ("administrator", {"QA queue", "Rating bands"}),
        ("designated_teacher", set()),
        ("social_worker", set()),
    ],
)
def test_the_navigation_offers_each_role_its_quality_pages(
    client, persona, expected, request
):
    user = request.getfixturevalue(persona)
    quality_pages = {"QA queue", "Rating bands"}

    response = client_for(client, user).get(reverse("accounts:accessibility"))

    labels = {label for label, _, _ in response.context["nav_items"]}
    assert labels & quality_pages == expected


@pytest.mark.parametrize("persona", ["designated_teacher", "link_teacher", "outsider"])
def test_the_school_list_is_only_for_a_schools_designated_teachers(
    client, persona, request
):
    user = request.getfixturevalue(persona)

    response = client_for(client, user).get(reverse("quality:school_publications"))

    assert response.status_code == 404
