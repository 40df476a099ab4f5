"""Uploads are judged by content and size, stored under random names, served safely."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit import uploads
from audit.uploads import (
    UploadRejected,
    check_upload,
    display_name,
    private_file_response,
    store_private,
)

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
CSV_UTF8 = b"Pupil Name,Subject\r\nAlex Testchild,Maths\r\n"
CSV_CP1252 = "Pupil Name,Subject\r\nZoë Testchild,Français £\r\n".encode("cp1252")


def _workbook_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Pupil Name", "Subject"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip_bytes(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG_BYTES, "png"),
        (JPEG_BYTES, "jpeg"),
        (PDF_BYTES, "pdf"),
        (_workbook_bytes(), "xlsx"),
        (CSV_UTF8, "csv"),
        (b"\xef\xbb\xbf" + CSV_UTF8, "csv"),
        (CSV_CP1252, "csv"),
    ],
)
def test_each_allowed_kind_is_recognised_by_its_content(data, kind, settings):
    checked = check_upload(data, filename="whatever.bin", allowed=uploads.KINDS)

    assert checked.kind.name == kind
    assert checked.size == len(data)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"<html><script>alert(1)</script></html>", "drawing.png"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50, "photo.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "drawing.svg"),
        (_zip_bytes({"word/document.xml": b"<w/>"}), "letter.png"),
        (CSV_UTF8, "drawing.png"),
    ],
)
def test_a_file_is_not_taken_for_an_image_because_of_its_name(data, filename):
    with pytest.raises(UploadRejected) as refusal:
        check_upload(data, filename=filename, allowed=uploads.DOCUMENTS)

    assert refusal.value.message == (
        f"“{filename}” must be a JPEG image, a PDF or a PNG image. "
        "Save it in one of those formats and try again."
    )


def test_a_zip_that_is_not_a_workbook_is_refused_as_a_spreadsheet():
    data = _zip_bytes({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<x/>"})

    with pytest.raises(UploadRejected, match="must be a CSV file or an Excel"):
        check_upload(data, filename="comments.xlsx", allowed=uploads.SPREADSHEETS)


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused():
    data = _zip_bytes(
        {
            "[Content_Types].xml": b"<x/>",
            "xl/workbook.xml": b"<w/>",
            "xl/worksheets/sheet1.xml": b" " * 5_000_000,
        }
    )

    with pytest.raises(UploadRejected, match="unpacks to far more data"):
        check_upload(data, filename="bomb.xlsx", allowed=uploads.SPREADSHEETS)


def test_binary_data_is_not_taken_for_csv():
    with pytest.raises(UploadRejected):
        check_upload(
            b"Name,Subject\x00\x01\x02", filename="x.csv", allowed=uploads.SPREADSHEETS
        )


def test_a_file_over_the_limit_is_refused_naming_the_limit():
    with pytest.raises(UploadRejected) as refusal:
        check_upload(
            PNG_BYTES + b"\x00" * 2_000_000,
            filename="big.png",
            allowed=uploads.IMAGES,
            max_bytes=1024 * 1024,
        )

    assert refusal.value.message == (
        "“big.png” must be smaller than 1 MB. Choose a smaller file."
    )


def test_the_size_limit_defaults_to_the_setting(settings):
    settings.UPLOAD_MAX_BYTES = 100

    with pytest.raises(UploadRejected, match="smaller than 1 KB"):
        check_upload(PNG_BYTES + b"\x00" * 200, filename="a.png", allowed=["png"])


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRejected, match="is empty"):
        check_upload(b"", filename="blank.pdf", allowed=["pdf"])


def test_an_uploaded_file_object_is_read_and_rewound():
    upload = SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="image/png")

    checked = check_upload(upload, allowed=uploads.DOCUMENTS)

    assert checked.kind.name == "pdf"
    assert checked.content_type == "application/pdf"
    assert checked.original_name == "scan.pdf"
    assert upload.read() == PDF_BYTES


def test_a_stored_file_gets_a_random_name_under_private_storage(settings):
    upload = SimpleUploadedFile("../../etc/passwd.png", PNG_BYTES)
    checked = check_upload(upload, allowed=uploads.IMAGES)

    first = store_private(upload, checked, folder="pupil-voice")
    second = store_private(upload, checked, folder="pupil-voice")

    assert first != second
    assert re.fullmatch(r"pupil-voice/\d{4}/\d{2}/[0-9a-f]{32}\.png", first)
    stored = settings.PRIVATE_STORAGE_ROOT / first
    assert stored.read_bytes() == PNG_BYTES
    assert stored.stat().st_mode & 0o777 == 0o600
    assert "passwd" not in first


@pytest.mark.parametrize("folder", ["", "/srv/elsewhere", "../outside", "a/../../b"])
def test_files_cannot_be_stored_outside_private_storage(folder):
    checked = check_upload(PNG_BYTES, allowed=uploads.IMAGES)

    with pytest.raises(ValueError, match="folder must be a relative path"):
        store_private(PNG_BYTES, checked, folder=folder)


def test_a_private_file_is_served_as_a_download_the_browser_will_not_render(settings):
    checked = check_upload(PDF_BYTES, allowed=uploads.DOCUMENTS)
    name = store_private(PDF_BYTES, checked, folder="published")

    response = private_file_response(name, "PEP Alex.pdf", "application/pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="PEP Alex.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_download_keeps_its_strict_headers_through_the_middleware(
    client, settings, social_worker
):
    """The portal's own headers must not replace the stricter ones of a download."""
    from django.urls import path

    from tests.conftest import client_for

    checked = check_upload(PNG_BYTES, allowed=uploads.IMAGES)
    name = store_private(PNG_BYTES, checked, folder="pupil-voice")

    def download(request):
        return private_file_response(name, "drawing.png", "image/png")

    settings.ROOT_URLCONF = type(
        "urls", (), {"urlpatterns": [path("download/", download)]}
    )
    client_for(client, social_worker)

    response = client.get("/download/")

    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("C:\\Users\\dt\\Drawing.PNG", "Drawing.PNG"),
        ("../../secret.pdf", "secret.pdf"),
        ('evil"\r\nX-Header: 1.pdf', "evilX-Header 1.pdf"),
        ("  .hidden  ", "hidden"),
        ("a" * 300 + ".pdf", "a" * 140 + ".pdf"),
    ],
)
def test_file_names_are_made_safe_to_show_and_offer(given, shown):
    assert display_name(given) == shown
