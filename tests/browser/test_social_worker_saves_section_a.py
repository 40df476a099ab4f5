"""A social worker signs in with password and e-mailed code, then saves Section A."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from peps.models import MeetingAttendee, SectionA
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "Correct-Horse-42!"


def _sign_in(portal, user):
    page = portal.page
    page.goto("/accounts/login/")
    portal.check()
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    portal.check()
    # allauth writes the code on a line of its own, such as "SVGB-SCHS".
    code = re.search(r"^\s*([A-Z0-9-]{6,12})\s*$", mail.outbox[-1].body, re.MULTILINE)
    assert code, mail.outbox[-1].body
    page.fill("input[name=code]", code.group(1))
    page.locator("main form button[type=submit]").first.click()


def test_a_social_worker_signs_in_and_saves_section_a(portal, social_worker, school):
    EmailAddress.objects.create(
        user=social_worker, email=social_worker.email, verified=True, primary=True
    )
    child = factories.ChildFactory(
        social_worker=social_worker, forename="Riley", surname="Imported"
    )
    factories.EnrolmentFactory(child=child, school=school)
    factories.CareEpisodeFactory(child=child)
    pep = factories.PepFactory(child=child, social_worker=social_worker)
    page = portal.page

    _sign_in(portal, social_worker)

    page.wait_for_url(re.compile(r"/children/$"))
    portal.check()
    page.get_by_role("link", name="Riley Imported").click()
    portal.check()
    page.get_by_role("link", name=re.compile("^View")).click()
    portal.check()
    page.get_by_role("link", name="Edit Section A").click()
    portal.check()

    page.get_by_label("Secondary").check()
    page.get_by_label("School year").select_option("Year 7")
    page.fill("input[name=attendees-0-name]", "Casey Carer")
    page.select_option("select[name=attendees-0-role]", "carer")
    page.get_by_role("button", name="Save Section A").click()

    page.wait_for_url(re.compile(rf"/children/peps/{pep.pk}/$"))
    portal.check()
    assert page.get_by_text("Section A saved").is_visible()
    section = SectionA.objects.get(pep=pep)
    assert (section.phase, section.school_year, section.version) == (
        "secondary",
        "Year 7",
        2,
    )
    assert MeetingAttendee.objects.get(pep=pep).name == "Casey Carer"
