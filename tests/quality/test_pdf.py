"""The published PEP as PDF: read back with pdftotext, page by page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from weasyprint.urls import URLFetchingError

from quality.demo import fill_demo_pep
from quality.pdf import PepPdf, PrivateFilesOnly

SECTION_HEADINGS = (
    "Section A: Phase and meeting details",
    "Section B: Child or young person's views",
    "Section C: Social care arrangements",
    "Section D: School provision",
    "Section E: Virtual School",
)


def poppler(tool: str, *arguments: str) -> str:
    """Run one of poppler-utils' tools on a file this test wrote."""
    command = [shutil.which(tool) or f"/usr/bin/{tool}", *arguments]
    return subprocess.run(  # noqa: S603 (fixed tool, arguments are our own files)
        command, check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "pep.pdf"
    path.write_bytes(pdf)
    text = poppler("pdftotext", str(path), "-")
    return [page for page in text.split("\f") if page.strip()]


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def full_pep(pep, link_teacher):
    return fill_demo_pep(pep, link_teacher=link_teacher)


@pytest.fixture
def pages(full_pep, tmp_path):
    return pdf_pages(PepPdf(full_pep).render(), tmp_path)


def test_pdf_has_every_section_heading(pages):
    text = squeeze(" ".join(pages))
    for heading in SECTION_HEADINGS:
        assert heading in text


def test_pdf_shows_the_targets_and_their_costs(pages):
    # A table cell wraps its text, and pdftotext reads a row's cells line by line
    # across, so a target is checked word by word on the page that holds it.
    target_page = next(page for page in pages if "New PEP targets" in page)
    words = set(target_page.split())

    assert set("Know the 3, 4 and 8 times tables.".split()) <= words
    assert {"Mathematics", "£450.00", "£300.00"} <= words
    assert "Additional subject targets" in squeeze(" ".join(pages))


def test_every_page_carries_the_marking_and_the_childs_name(pages, full_pep):
    name = full_pep.child.display_name
    assert len(pages) >= 5
    for page in pages:
        assert "OFFICIAL-SENSITIVE" in page
        assert name in page


def test_every_page_is_numbered_out_of_the_total(pages):
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page


def test_pupil_voice_drawing_is_embedded_as_an_image(full_pep, tmp_path):
    pdf = PepPdf(full_pep).render()
    path = tmp_path / "pep.pdf"
    path.write_bytes(pdf)
    listing = poppler("pdfimages", "-list", str(path))
    images = [line for line in listing.splitlines()[2:] if line.strip()]
    assert len(images) == 1
    assert " 320 " in images[0] and " 200 " in images[0]


def test_pdf_html_is_the_web_pages_section_templates(full_pep):
    html = PepPdf(full_pep).html()
    for section in "abcde":
        assert f'id="section-{section}"' in html


def test_fetcher_refuses_anything_outside_private_storage(settings, tmp_path):
    fetcher = PrivateFilesOnly(settings.PRIVATE_STORAGE_ROOT)
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(b"not an image")

    for url in (
        "http://127.0.0.1:9/pixel.png",
        "https://example.invalid/pixel.png",
        outside.as_uri(),
        "file:///etc/passwd",
    ):
        with pytest.raises(URLFetchingError):
            fetcher.fetch(url)


def test_fetcher_reads_a_file_in_private_storage(settings):
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    inside = root / "drawing.png"
    inside.write_bytes(b"png bytes")

    response = PrivateFilesOnly(root).fetch(inside.as_uri())

    assert response.read() == b"png bytes"


def test_pep_pdf_command_writes_one_pep_to_a_file(full_pep, tmp_path):
    output = tmp_path / "out" / "pep.pdf"

    call_command("pep_pdf", str(full_pep.pk), str(output))

    assert output.read_bytes().startswith(b"%PDF-")
    assert "Section D: School provision" in squeeze(
        " ".join(pdf_pages(output.read_bytes(), tmp_path))
    )


def test_pep_pdf_command_names_a_missing_pep(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No PEP with id 999999"):
        call_command("pep_pdf", "999999", str(tmp_path / "x.pdf"))
