"""A designated teacher, in headless Chromium (see conftest.py): registers from the
e-mailed link, confirms the e-mailed code, signs in again with a code, completes
Sections B and D with an attachment and a teacher-comment import, and submits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from PIL import Image

from delegation.models import Delegation
from peps.models import SectionB, SectionD
from tests import factories
from tests.delegation.helpers import PASSWORD, assign

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "teacher_comments"
TEACHER = "dt.browser@school.example"
CODE_LINE = re.compile(r"^\s*([A-Z]{8})\s*$", re.MULTILINE)
LINK_LINE = re.compile(r"^(http\S+/school/invitation/\S+/)$", re.MULTILINE)


def newest(pattern: re.Pattern[str]) -> str:
    for message in reversed(mail.outbox):
        if TEACHER in message.to:
            match = pattern.search(message.body)
            if match:
                return match.group(1)
    raise AssertionError("The e-mail was not sent.")


@pytest.fixture
def emma_pep(transactional_db, social_worker, school, administrator):
    cache.clear()
    child = factories.ChildFactory(
        forename="Emma", surname="Smith", social_worker=social_worker
    )
    factories.EnrolmentFactory(child=child, school=school)
    return factories.PepFactory(child=child, social_worker=social_worker)


def test_a_teacher_registers_completes_and_submits_the_school_section(
    live_server, portal, emma_pep, administrator, settings, tmp_path
):
    page = portal.page
    settings.SITE_URL = live_server.url
    delegation = assign(emma_pep, TEACHER, administrator)
    drawing = tmp_path / "drawing.png"
    Image.new("RGB", (8, 8), (10, 120, 40)).save(drawing, format="PNG")

    # Register from the e-mailed link.
    page.goto(newest(LINK_LINE))
    portal.check()
    page.get_by_role("link", name="Register for a new account").click()
    portal.check()
    page.get_by_label("Forename").fill("Dee")
    page.get_by_label("Surname").fill("Browser")
    page.get_by_label("Is this account being used in a professional capacity?").check()
    page.get_by_label("Street").fill("School Lane")
    page.get_by_label("Town or city").fill("Exampleton")
    page.get_by_label("Postcode").fill("ZZ1 1ZZ")
    assert page.get_by_label("Work e-mail address").input_value() == TEACHER
    page.get_by_text("See the list of special characters").click()
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()

    page.get_by_role("heading", name="Register a new account: step 3").wait_for()
    portal.check()
    page.get_by_label("Code").fill(newest(CODE_LINE))
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="School section of the PEP").wait_for()
    assert "Emma Smith" in page.content()

    # Sign out, then sign in again: password, then a code.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(TEACHER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Sign in: step 2").wait_for()
    page.get_by_label("Code").fill(newest(CODE_LINE))
    page.get_by_role("button", name="Finish").click()
    page.get_by_role("heading", name="Delegation portal").wait_for()
    portal.check()
    page.get_by_role("link", name="Emma Smith").click()

    # Section B: the child's views, one group per page, and a drawing.
    page.get_by_role("link", name="General").click()
    page.get_by_label("2 areas that are going right at school?", exact=False).fill(
        "Art and reading go well."
    )
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Aspirations").wait_for()
    page.get_by_label("Ambitions", exact=False).fill("To be a vet.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Attendance").wait_for()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Targets").wait_for()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Section B: the meeting").wait_for()
    page.locator("fieldset", has_text="invited to contribute").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Drawings, photos and documents").click()
    page.get_by_label("Upload a drawing, photo or document").set_input_files(drawing)
    page.get_by_label("What is it? (optional)").fill("My school")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_role("link", name="drawing.png").wait_for()
    page.get_by_role("link", name="Back to the school section").click()

    # Section D: import the teacher comments, then attendance.
    page.get_by_role(
        "link", name="Import teacher comments from Microsoft Forms"
    ).click()
    page.get_by_label("Upload the Microsoft Forms export").set_input_files(
        SAMPLES / "teacher_comments_msforms.xlsx"
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Check the teacher comments").wait_for()
    portal.check()
    assert page.locator("#accepted-rows tbody tr").count() == 7
    page.get_by_role("button", name="Import 7 rows").click()
    page.get_by_role("heading", name="Progress in each subject").wait_for()
    assert page.get_by_text("Food Technology").count() >= 1
    page.get_by_role("link", name="Back to the school section").first.click()
    page.get_by_role("link", name="Attendance, summary and tuition").click()
    page.get_by_label("Current attendance (%)").fill("95.5")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Targets and Pupil Premium Plus").wait_for()

    # Submit.
    page.goto(f"{live_server.url}/school/tasks/{delegation.pk}/submit/")
    page.get_by_role("button", name="Submit Sections B and D").click()
    page.get_by_text("The school section has been submitted").wait_for()
    portal.check()

    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.SUBMITTED
    assert SectionB.objects.get(pep=emma_pep).submitted_at is not None
    assert SectionD.objects.get(pep=emma_pep).current_attendance == 95.5
    assert emma_pep.subjects.count() == 7
    assert emma_pep.voice_attachments.get().original_name == "drawing.png"
