"""Two people edit the same section at once: the second save is refused, not lost.

The social worker and a Virtual School administrator both open Section C of one PEP.
The social worker saves first. The administrator's save is refused with everything
they typed still in the form, and a link to the section as it is saved now; the
social worker's words are in the database, never overwritten.
"""

from __future__ import annotations

import re

import pytest
from django.db import connections

from peps.models import SectionC
from peps.services import CONFLICT_MESSAGE
from tests.trust.browser import console_errors, sign_in

# The live server needs committed data, so each test empties the database after
# itself, taking what migrations seeded with it. These tests need none of it; the
# file names keep them after test_dashboard.py, which restores the seeded rows for
# itself (serialized_rollback) and would clash with rows re-created by a flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

FIELD = "textarea[name=care_plan_summary]"


@pytest.fixture
def two_people(chromium, live_server, social_worker, administrator):
    tabs = []
    for person in (social_worker, administrator):
        context = chromium.new_context(base_url=live_server.url)
        sign_in(context, live_server.url, person)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.errors = console_errors(page)
        tabs.append(page)
    yield tabs
    for page in tabs:
        page.context.close()
    # Queries made while Playwright's loop ran opened connections of their own.
    connections.close_all()


def _edit_url(pep) -> str:
    return f"/children/peps/{pep.pk}/section-c/"


def test_the_second_of_two_saves_is_refused_and_keeps_what_was_typed(two_people, pep):
    worker, administrator = two_people
    worker.goto(_edit_url(pep))
    administrator.goto(_edit_url(pep))

    worker.fill(FIELD, "Placement stable; carer attends every PEP meeting.")
    administrator.fill(FIELD, "Moving to a new placement in March.")
    worker.get_by_role("button", name="Save Section C").last.click()
    worker.wait_for_url(re.compile(rf"/children/peps/{pep.pk}/$"))
    administrator.get_by_role("button", name="Save Section C").last.click()

    administrator.wait_for_load_state()
    assert administrator.url.endswith(_edit_url(pep))
    assert CONFLICT_MESSAGE in administrator.inner_text("main")
    assert administrator.input_value(FIELD) == "Moving to a new placement in March."
    assert worker.get_by_text("Section C saved").is_visible()
    section = SectionC.objects.get(pep=pep)
    assert section.care_plan_summary == (
        "Placement stable; carer attends every PEP meeting."
    )
    assert section.version == 2

    with administrator.context.expect_page() as opened:
        administrator.get_by_role("link", name=re.compile("as it is saved now")).click()
    current = opened.value
    current.wait_for_load_state()
    assert current.input_value(FIELD) == (
        "Placement stable; carer attends every PEP meeting."
    )

    current.fill(
        FIELD,
        "Placement stable; carer attends every PEP meeting. Moving in March.",
    )
    current.get_by_role("button", name="Save Section C").last.click()
    current.wait_for_url(re.compile(rf"/children/peps/{pep.pk}/$"))

    section.refresh_from_db()
    assert section.version == 3
    assert section.care_plan_summary.endswith("Moving in March.")
    assert worker.errors == [] and administrator.errors == []


def test_a_refused_save_can_be_refused_again_but_never_overwrites(two_people, pep):
    worker, administrator = two_people
    worker.goto(_edit_url(pep))
    administrator.goto(_edit_url(pep))
    worker.fill(FIELD, "First words.")
    worker.get_by_role("button", name="Save Section C").last.click()
    worker.wait_for_url(re.compile(rf"/children/peps/{pep.pk}/$"))

    for attempt in ("Second words.", "Second words, again."):
        administrator.fill(FIELD, attempt)
        administrator.get_by_role("button", name="Save Section C").last.click()
        administrator.wait_for_load_state()
        assert CONFLICT_MESSAGE in administrator.inner_text("main")

    assert SectionC.objects.get(pep=pep).care_plan_summary == "First words."
