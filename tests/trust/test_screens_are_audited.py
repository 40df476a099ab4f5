"""Opening a child's page, a PEP or a section to edit is logged in the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from tests.conftest import client_for


def test_opening_a_child_is_logged(client, social_worker, child):
    client_for(client, social_worker)

    response = client.get(reverse("peps:child", args=[child.pk]))

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.user_id, event.child_id, event.pep_id) == (
        social_worker.pk,
        child.pk,
        None,
    )
    assert (event.action, event.path_name) == ("view_child", "peps:child")


def test_opening_a_pep_is_logged_against_its_child(client, link_teacher, pep):
    client_for(client, link_teacher)

    response = client.get(reverse("peps:pep", args=[pep.pk]))

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.child_id, event.pep_id, event.action, event.path_name) == (
        pep.child_id,
        pep.pk,
        "view_pep",
        "peps:pep",
    )


def test_opening_a_section_to_edit_is_logged(client, social_worker, pep):
    client_for(client, social_worker)

    response = client.get(reverse("peps:section_edit", args=[pep.pk, "A"]))

    assert response.status_code == 200
    assert list(AccessEvent.objects.values_list("action", "path_name")) == [
        ("view_pep", "peps:section_edit")
    ]


@pytest.mark.parametrize("persona", ["other_social_worker", "outsider"])
def test_a_refused_page_logs_nothing(client, request, persona, pep):
    client_for(client, request.getfixturevalue(persona))

    child_page = client.get(reverse("peps:child", args=[pep.child_id]))
    pep_page = client.get(reverse("peps:pep", args=[pep.pk]))

    assert (child_page.status_code, pep_page.status_code) == (404, 404)
    assert not AccessEvent.objects.exists()


def test_the_section_form_keeps_drafts_of_its_version(client, social_worker, pep):
    client_for(client, social_worker)

    response = client.get(reverse("peps:section_edit", args=[pep.pk, "C"]))

    page = response.content.decode()
    assert f'data-draft-key="pep-{pep.pk}-section-C"' in page
    assert 'data-draft-version="1"' in page


def _stored_file(folder: str, data: bytes, kinds) -> str:
    from audit.uploads import check_upload, store_private

    return store_private(data, check_upload(data, allowed=kinds), folder=folder)


def test_downloading_a_pupil_voice_attachment_is_logged_and_served_safely(
    client, social_worker, pep
):
    from peps.models import PupilVoiceAttachment

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    attachment = PupilVoiceAttachment.objects.create(
        pep=pep,
        file=_stored_file("pupil-voice", png, {"png"}),
        original_name="drawing.png",
        content_type="image/png",
        size=len(png),
    )
    client_for(client, social_worker)

    response = client.get(reverse("delegation:staff_attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "no-store"
    event = AccessEvent.objects.get(action="download_attachment")
    assert (event.child_id, event.pep_id) == (pep.child_id, pep.pk)


def test_downloading_a_published_pep_is_logged_and_served_safely(
    client, social_worker, pep
):
    from quality.models import PublishedPep

    pdf = b"%PDF-1.7\n%%EOF\n"
    publication = PublishedPep.objects.create(
        pep=pep,
        version=1,
        file=_stored_file("published", pdf, {"pdf"}),
        reason="Approved",
    )
    client_for(client, social_worker)

    response = client.get(reverse("quality:download", args=[publication.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    event = AccessEvent.objects.get(action="download_pdf")
    assert (event.child_id, event.pep_id) == (pep.child_id, pep.pk)


def test_the_quality_review_page_is_logged(client, link_teacher, pep):
    client_for(client, link_teacher)

    response = client.get(reverse("quality:review", args=[pep.pk]))

    assert response.status_code == 200
    assert list(AccessEvent.objects.values_list("action", "path_name")) == [
        ("view_pep", "quality:review")
    ]
