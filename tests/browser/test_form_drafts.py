"""In the browser: what someone typed survives a session time-out, and the time-out
is announced before it happens."""

from __future__ import annotations

import re

import pytest
from django.db import connections

from pep_portal.middleware import SIGNED_OUT_POST_MESSAGE
from tests.trust import draft_urls
from tests.trust.browser import console_errors, end_sessions, sign_in

# The live server needs committed data, so each test empties the database after
# itself, taking what migrations seeded with it. These tests need none of it; the
# file names keep them after test_dashboard.py, which restores the seeded rows for
# itself (serialized_rollback) and would clash with rows re-created by a flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.trust.draft_urls"),
    pytest.mark.django_db(transaction=True),
]

RESTORED = "We restored what you typed before you were signed out"
NOT_RESTORED = "What you typed before you were signed out could not be put back"


@pytest.fixture(autouse=True)
def _fresh_form():
    draft_urls.STATE.update(version=1, saved=None)


@pytest.fixture
def page(chromium, live_server, social_worker):
    context = chromium.new_context()
    sign_in(context, live_server.url, social_worker)
    page = context.new_page()
    page.errors = console_errors(page)
    yield page
    context.close()
    # Queries made while Playwright's loop ran opened connections of their own.
    connections.close_all()


def _type_answers(page) -> None:
    page.fill("#id_views", "I like maths and want to go to the library club.")
    page.fill("#id_reviewer", "Carer")
    page.check("#id_attended_no")
    # Drafts are saved a moment after typing stops.
    page.wait_for_timeout(500)


def _drafts(page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries(Object.keys(sessionStorage)
            .filter((key) => key.startsWith("pep-portal:draft:"))
            .map((key) => [key, sessionStorage.getItem(key)]))"""
    )


def test_a_form_sent_after_a_time_out_is_put_back_after_signing_in_again(
    page, live_server, social_worker
):
    page.goto(f"{live_server.url}/draft-test/")
    _type_answers(page)
    end_sessions()

    page.click("button:has-text('Save')")

    page.wait_for_url(re.compile(r"/accounts/login/\?next=/draft-test/"))
    assert SIGNED_OUT_POST_MESSAGE in page.inner_text("main")
    assert draft_urls.STATE["saved"] is None

    sign_in(page.context, live_server.url, social_worker)
    page.goto(f"{live_server.url}/draft-test/")

    assert RESTORED in page.inner_text("main")
    assert page.input_value("#id_views") == (
        "I like maths and want to go to the library club."
    )
    assert page.input_value("#id_reviewer") == "Carer"
    assert page.is_checked("#id_attended_no")

    page.click("button:has-text('Save')")
    page.wait_for_url(f"{live_server.url}/draft-test/done/")

    assert draft_urls.STATE["saved"]["reviewer"] == "Carer"
    assert _drafts(page) == {}
    assert page.errors == []


def test_a_draft_of_an_older_version_is_not_put_back_and_the_person_is_told(
    page, live_server, social_worker
):
    page.goto(f"{live_server.url}/draft-test/")
    _type_answers(page)
    end_sessions()
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/accounts/login/"))

    draft_urls.STATE["version"] = 2  # someone else saved the form meanwhile
    sign_in(page.context, live_server.url, social_worker)
    page.goto(f"{live_server.url}/draft-test/")

    assert NOT_RESTORED in page.inner_text("main")
    assert page.input_value("#id_views") == ""


def test_drafts_are_kept_in_the_tab_only_and_never_hold_the_csrf_token(
    page, live_server
):
    page.goto(f"{live_server.url}/draft-test/")
    _type_answers(page)

    drafts = _drafts(page)
    local = page.evaluate("() => Object.keys(localStorage)")

    assert list(drafts) == ["pep-portal:draft:test-long-form"]
    assert "csrfmiddlewaretoken" not in drafts["pep-portal:draft:test-long-form"]
    assert "library club" in drafts["pep-portal:draft:test-long-form"]
    assert local == []


def test_signing_out_clears_every_draft(page, live_server):
    page.goto(f"{live_server.url}/draft-test/")
    _type_answers(page)

    page.click("button:has-text('Sign out')")
    page.wait_for_load_state()

    assert _drafts(page) == {}


def test_an_ordinary_visit_back_to_the_form_does_not_fill_it_in(page, live_server):
    page.goto(f"{live_server.url}/draft-test/")
    _type_answers(page)

    page.goto(f"{live_server.url}/draft-test/done/")
    page.goto(f"{live_server.url}/draft-test/")

    assert RESTORED not in page.inner_text("main")
    assert page.input_value("#id_views") == ""


def test_the_time_out_warning_keeps_the_session_when_asked(page, live_server, settings):
    settings.SESSION_COOKIE_AGE = 4  # the warning then comes 2 seconds before the end
    page.goto(f"{live_server.url}/draft-test/")

    dialog = page.locator("dialog[data-timeout-warning]")
    dialog.wait_for(state="visible", timeout=5000)
    assert "You're about to be signed out" in dialog.inner_text()

    with page.expect_response(lambda response: "/audit/keepalive/" in response.url):
        page.click("button:has-text('Stay signed in')")

    dialog.wait_for(state="hidden", timeout=2000)
    assert page.url == f"{live_server.url}/draft-test/"
    assert page.errors == []


def test_when_the_time_is_up_the_page_goes_to_sign_in_and_keeps_the_draft(
    page, live_server, settings
):
    settings.SESSION_COOKIE_AGE = 4
    page.goto(f"{live_server.url}/draft-test/")
    page.fill("#id_reviewer", "Social worker")

    page.wait_for_url(
        re.compile(r"/accounts/login/\?next=%2Fdraft-test%2F"), timeout=10000
    )

    draft = _drafts(page)["pep-portal:draft:test-long-form"]
    assert '"interrupted":true' in draft
    assert "Social worker" in draft


def test_a_pep_section_typed_into_before_a_time_out_is_put_back(
    page, live_server, social_worker, pep
):
    section_c = f"{live_server.url}/children/peps/{pep.pk}/section-c/"
    page.goto(section_c)
    page.fill("textarea[name=care_plan_summary]", "Carer to join the next review.")
    page.wait_for_timeout(500)
    end_sessions()

    page.get_by_role("button", name="Save Section C").last.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    sign_in(page.context, live_server.url, social_worker)
    page.goto(section_c)

    assert RESTORED in page.inner_text("main")
    assert page.input_value("textarea[name=care_plan_summary]") == (
        "Carer to join the next review."
    )
    page.get_by_role("button", name="Save Section C").last.click()
    page.wait_for_url(re.compile(rf"/children/peps/{pep.pk}/$"))
    assert _drafts(page) == {}
    assert page.errors == []
