"""The child page: who the child is, their school, care history, contacts and PEPs."""

import datetime

from django.urls import reverse
from django.utils import timezone

from peps.models import Contact, Pep
from tests import factories
from tests.conftest import client_for


def test_the_child_page_shows_the_summary_school_care_history_and_contacts(
    client, social_worker, child, school, link_teacher
):
    child.upn = "A123456789012"
    child.sdq_score = 14
    child.save()
    school.street = "1 Invented Road"
    school.town = "Exampleton"
    school.telephone = "0113 000 0000"
    school.designated_teacher_name = "Dana Teacher"
    school.designated_teacher_email = "dana@school.example.invalid"
    school.save()
    episode = child.episodes.get()
    episode.placement_urn = "SC123456"
    episode.ended_on = datetime.date(2024, 6, 1)
    episode.reason_ceased = "E11"
    episode.save()
    factories.CareEpisodeFactory(
        child=child, started_on=datetime.date(2024, 6, 1), legal_status="C1"
    )
    Contact.objects.create(
        child=child, kind=Contact.Kind.CARER, name="Casey Carer", telephone="0700"
    )
    Contact.objects.create(
        child=child, kind=Contact.Kind.BIRTH_FAMILY, name="Bailey Birth"
    )
    client_for(client, social_worker)

    response = client.get(reverse("peps:child", args=[child.pk]))

    assert ("SDQ score", 14) in response.context["summary"]
    page = response.content.decode()
    for text in (
        child.display_name,
        "14 March 2015",
        "A123456789012",
        "Female",
        "Unique pupil number (UPN)",
        "WBRI",
        child.school_year_on(timezone.localdate()).label,
        str(social_worker),
        school.name,
        str(school.urn),
        "Primary",
        "1 Invented Road, Exampleton, ZZ1 1ZZ",
        "0113 000 0000",
        "Dana Teacher",
        "dana@school.example.invalid",
        str(link_teacher),
        "Ofsted URN",
        "SC123456",
        "C2",
        "C1",
        "E11",
        "8 January 2024",
        "Casey Carer",
        "Bailey Birth",
        "Birth family",
    ):
        assert text in page, text


def test_the_pep_history_links_to_each_pep(client, social_worker, child):
    older = factories.PepFactory(
        child=child, meeting_date=datetime.date(2024, 2, 1), status=Pep.Status.APPROVED
    )
    newer = factories.PepFactory(child=child, meeting_date=datetime.date(2024, 8, 1))
    client_for(client, social_worker)

    response = client.get(reverse("peps:child", args=[child.pk]))

    assert list(response.context["peps"]) == [newer, older]
    page = response.content.decode()
    assert reverse("peps:pep", args=[older.pk]) in page
    assert reverse("peps:pep", args=[newer.pk]) in page
    assert "Approved" in page
    assert "In preparation" in page


def test_the_allocated_social_worker_sees_create_a_pep(client, social_worker, child):
    client_for(client, social_worker)

    response = client.get(reverse("peps:child", args=[child.pk]))

    assert "Create a PEP" in response.content.decode()


def test_an_administrator_sees_create_a_pep(client, administrator, child):
    client_for(client, administrator)

    response = client.get(reverse("peps:child", args=[child.pk]))

    assert "Create a PEP" in response.content.decode()


def test_a_link_teacher_sees_the_child_but_cannot_create_a_pep(
    client, link_teacher, child
):
    client_for(client, link_teacher)

    response = client.get(reverse("peps:child", args=[child.pk]))

    assert response.status_code == 200
    assert "Create a PEP" not in response.content.decode()


def test_a_child_without_school_or_history_says_so(client, administrator):
    child = factories.ChildFactory()
    client_for(client, administrator)

    response = client.get(reverse("peps:child", args=[child.pk]))

    page = response.content.decode()
    assert "No current school is recorded." in page
    assert "No episodes of care are recorded." in page
    assert "No PEPs yet." in page
