"""Pupil-voice attachments: checked by content, size-limited, stored under a random
name outside any web root, and served only to people allowed to see the PEP."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from delegation.uploads import content_type_of
from peps.models import PupilVoiceAttachment
from tests.conftest import client_for
from tests.delegation.helpers import delegate


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"%PDF-1.7", "application/pdf"),
        (b"#!/bin/sh\nrm -rf /", None),
        (b"<svg xmlns=", None),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_first_bytes(head, content_type):
    assert content_type_of(head) == content_type


@pytest.fixture
def delegation(pep, designated_teacher, administrator):
    return delegate(pep, designated_teacher, administrator)


@pytest.fixture
def teacher_client(client, designated_teacher):
    return client_for(client, designated_teacher)


def upload(client, delegation, name: str, content: bytes, content_type: str):
    return client.post(
        reverse("delegation:attachments", args=[delegation.pk]),
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "description": "Drawing of my school",
        },
    )


def test_a_real_png_is_accepted_and_stored_under_a_random_name(
    teacher_client, delegation, settings
):
    response = upload(
        teacher_client, delegation, "my drawing.png", png_bytes(), "image/png"
    )

    assert response.status_code == 302
    attachment = PupilVoiceAttachment.objects.get(pep=delegation.pep)
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "my drawing.png"
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_STORAGE_ROOT))
    assert "drawing" not in stored.name
    assert stored.read_bytes() == png_bytes()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.jpg", jpeg_bytes(), "image/jpeg"),
        ("letter.pdf", PDF, "application/pdf"),
    ],
)
def test_jpeg_images_and_pdf_documents_are_accepted(
    teacher_client, delegation, name, content, content_type
):
    assert (
        upload(teacher_client, delegation, name, content, content_type).status_code
        == 302
    )
    assert (
        PupilVoiceAttachment.objects.get(pep=delegation.pep).content_type
        == content_type
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.png", b"#!/bin/sh\necho pwned\n", "is not a PNG or JPEG image or a PDF"),
        ("page.png", b"<html><script>alert(1)</script></html>", "is not a PNG or JPEG"),
        (
            "broken.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
            "could not be read as an image",
        ),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "is not a complete PDF"),
        ("empty.png", b"", "empty"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(
    teacher_client, delegation, name, content, message
):
    response = upload(teacher_client, delegation, name, content, "image/png")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PupilVoiceAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(teacher_client, delegation, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = png_bytes() + b"\x00" * 2048

    response = upload(teacher_client, delegation, "big.png", big, "image/png")

    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not PupilVoiceAttachment.objects.exists()


def test_an_attachment_is_served_as_a_download_to_its_teacher(
    teacher_client, delegation
):
    upload(teacher_client, delegation, "my drawing.png", png_bytes(), "image/png")
    attachment = PupilVoiceAttachment.objects.get()

    response = teacher_client.get(
        reverse("delegation:attachment", args=[delegation.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()


def test_an_attachment_is_served_to_the_childs_social_worker(
    client, teacher_client, delegation, social_worker
):
    upload(teacher_client, delegation, "my drawing.png", png_bytes(), "image/png")
    attachment = PupilVoiceAttachment.objects.get()
    client.logout()

    response = client_for(client, social_worker).get(
        reverse("delegation:staff_attachment", args=[attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_attachment_is_not_served_to_anyone_else(
    client, delegation, other_social_worker, outsider, other_pep, administrator
):
    from tests import factories

    client_for(client, delegation.teacher)
    upload(client, delegation, "my drawing.png", png_bytes(), "image/png")
    attachment = PupilVoiceAttachment.objects.get()
    other_teacher = factories.UserFactory()
    other_delegation = delegate(other_pep, other_teacher, administrator)
    own_path = reverse("delegation:attachment", args=[delegation.pk, attachment.pk])
    staff_path = reverse("delegation:staff_attachment", args=[attachment.pk])
    crossed = reverse(
        "delegation:attachment", args=[other_delegation.pk, attachment.pk]
    )

    client.logout()
    assert client.get(own_path).status_code == 302
    assert client.get(staff_path).status_code == 302
    client_for(client, other_teacher)
    assert client.get(own_path).status_code == 404
    assert client.get(crossed).status_code == 404
    assert client.get(staff_path).status_code == 404
    for person in (other_social_worker, outsider):
        client_for(client, person)
        assert client.get(staff_path).status_code == 404
        assert client.get(own_path).status_code == 404


def test_a_small_file_holding_a_huge_picture_is_refused(teacher_client, delegation):
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 200_000

    response = upload(
        teacher_client, delegation, "blank.png", buffer.getvalue(), "image/png"
    )

    assert "is 9000 by 9000 pixels" in response.content.decode()
    assert not PupilVoiceAttachment.objects.exists()
