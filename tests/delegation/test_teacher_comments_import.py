"""Importing a Microsoft Forms export of teacher comments through the portal: upload,
preview of accepted and rejected rows, then confirm; nothing is written before."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delegation.models import TeacherCommentImport
from peps.models import SectionD, SubjectProgress, Target
from tests import factories
from tests.conftest import client_for
from tests.delegation.helpers import delegate

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "teacher_comments"


@pytest.fixture
def emma(db, social_worker, school):
    child = factories.ChildFactory(
        forename="Emma", surname="Smith", social_worker=social_worker
    )
    factories.EnrolmentFactory(child=child, school=school)
    return child


@pytest.fixture
def delegation(emma, social_worker, designated_teacher, administrator):
    pep = factories.PepFactory(child=emma, social_worker=social_worker)
    return delegate(pep, designated_teacher, administrator)


@pytest.fixture
def teacher_client(client, designated_teacher):
    return client_for(client, designated_teacher)


def upload(client, delegation, name: str, content: bytes):
    return client.post(
        reverse("delegation:import_upload", args=[delegation.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def preview_url(delegation) -> str:
    return reverse("delegation:import_preview", args=[delegation.pk])


@pytest.mark.parametrize(
    "name", ["teacher_comments_msforms.csv", "teacher_comments_msforms.xlsx"]
)
def test_a_forms_export_is_previewed_then_imported_on_confirmation(
    teacher_client, delegation, name
):
    response = upload(teacher_client, delegation, name, (SAMPLES / name).read_bytes())

    assert response["Location"] == preview_url(delegation)
    assert not SubjectProgress.objects.exists(), "nothing is written before confirming"
    preview = teacher_client.get(preview_url(delegation)).content.decode()
    assert "7 rows to import" in preview
    assert "Food Technology" in preview
    assert "Simplify algebraic fractions" in preview

    confirmed = teacher_client.post(preview_url(delegation), {"action": "confirm"})

    pep = delegation.pep
    assert confirmed["Location"] == reverse(
        "delegation:section_d", args=[delegation.pk, "progress"]
    )
    maths = SubjectProgress.objects.get(pep=pep, subject="Maths")
    assert (maths.current_level, maths.target_level, maths.is_core) == ("4", "5", True)
    assert maths.on_track_for_are == "yes"
    assert (
        SubjectProgress.objects.get(pep=pep, subject="German").on_track_for_are == "no"
    )
    assert pep.subjects.count() == 7
    assert pep.targets.count() == 7
    assert Target.objects.get(pep=pep, subject_area="History").kind == "additional"
    assert SectionD.objects.get(pep=pep).version == 2
    assert not TeacherCommentImport.objects.exists()


def test_a_messy_windows_csv_shows_each_rejected_row_with_its_reason(
    teacher_client, delegation
):
    content = (SAMPLES / "guide_summary_messy_cp1252.csv").read_bytes()

    upload(teacher_client, delegation, "summary.csv", content)
    preview = teacher_client.get(preview_url(delegation)).content.decode()
    teacher_client.post(preview_url(delegation), {"action": "confirm"})

    assert "Rows left out" in preview
    assert "Row 4:" in preview, "the row about another pupil"
    assert "Row 5:" in preview, "the row with a blank subject"
    assert "predicted" in preview, "the missing column is mentioned"
    subjects = set(delegation.pep.subjects.values_list("subject", flat=True))
    assert {"English", "Maths", "French"} <= subjects
    assert "Biology" not in subjects
    assert "Art" not in subjects


def test_importing_the_same_file_twice_updates_rather_than_repeats(
    teacher_client, delegation
):
    content = (SAMPLES / "teacher_comments_msforms.csv").read_bytes()

    for _ in range(2):
        upload(teacher_client, delegation, "export.csv", content)
        teacher_client.post(preview_url(delegation), {"action": "confirm"})

    assert delegation.pep.subjects.count() == 7
    assert delegation.pep.targets.count() == 7


def test_a_file_that_is_not_a_forms_export_is_refused_with_a_message(
    teacher_client, delegation
):
    response = upload(teacher_client, delegation, "photo.csv", b"\x89PNG\r\n\x1a\n" * 9)

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not TeacherCommentImport.objects.exists()


def test_a_file_for_another_pupil_imports_nothing(teacher_client, delegation, emma):
    emma.forename = "Olivia"
    emma.save()
    content = (SAMPLES / "teacher_comments_msforms.csv").read_bytes()

    upload(teacher_client, delegation, "export.csv", content)
    preview = teacher_client.get(preview_url(delegation)).content.decode()
    teacher_client.post(preview_url(delegation), {"action": "confirm"})

    assert "0 rows to import, 7 left out" in preview
    assert not SubjectProgress.objects.exists()


def test_cancelling_the_preview_writes_nothing(teacher_client, delegation):
    content = (SAMPLES / "teacher_comments_msforms.csv").read_bytes()
    upload(teacher_client, delegation, "export.csv", content)

    teacher_client.post(preview_url(delegation), {"action": "cancel"})

    assert not SubjectProgress.objects.exists()
    assert not TeacherCommentImport.objects.exists()
    assert teacher_client.get(preview_url(delegation))["Location"] == reverse(
        "delegation:import_upload", args=[delegation.pk]
    )


def test_the_preview_belongs_to_its_delegation_only(
    client, delegation, administrator, other_pep
):
    content = (SAMPLES / "teacher_comments_msforms.csv").read_bytes()
    client_for(client, delegation.teacher)
    upload(client, delegation, "export.csv", content)
    other_teacher = factories.UserFactory()
    other = delegate(other_pep, other_teacher, administrator)
    client_for(client, other_teacher)

    assert client.get(preview_url(delegation)).status_code == 404
    assert (
        client.post(preview_url(delegation), {"action": "confirm"}).status_code == 404
    )
    assert client.get(preview_url(other))["Location"].endswith("/teacher-comments/")
    assert not SubjectProgress.objects.exists()


def test_a_child_with_no_name_on_record_gets_a_clear_refusal(
    teacher_client, delegation, emma
):
    emma.forename = emma.surname = ""
    emma.save()
    content = (SAMPLES / "teacher_comments_msforms.csv").read_bytes()

    response = upload(teacher_client, delegation, "export.csv", content)

    assert "The child has no name on record" in response.content.decode()
    assert not TeacherCommentImport.objects.exists()
