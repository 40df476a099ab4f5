"""A link teacher scores a PEP, returns it, scores it again and approves it, in a real
browser (headless Chromium) against a live server.

Sign-in is by the session cookie of `client.force_login`: the two-step sign-in has
its own browser test, and repeating it here would only slow this one down.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from peps.models import Pep
from quality import services
from quality.demo import fill_demo_pep
from quality.models import PublishedPep, SectionE, Transition
from tests.conftest import client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(portal, client, user, live_server):
    """Give the browser the session of a test client signed in as `user`."""
    client_for(client, user)
    portal.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return portal.page


@pytest.fixture
def finalised_pep(pep, link_teacher, social_worker):
    pep = fill_demo_pep(pep, link_teacher=link_teacher)
    pep.meeting_date = datetime.date(2024, 11, 12)
    pep.next_meeting_date = datetime.date(2025, 5, 12)
    pep.save()
    return services.pep_finalise(pep, social_worker)


def test_link_teacher_scores_returns_rescores_and_approves(
    portal, client, live_server, finalised_pep, link_teacher, social_worker
):
    page = sign_in(portal, client, link_teacher, live_server)

    # The queue lists the PEP; its Section E opens with the suggestions chosen.
    page.goto("/quality/queue/")
    portal.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "PEPs awaiting quality assurance"
    )
    page.get_by_role("link", name=finalised_pep.child.display_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Section E: Virtual School"
    )
    portal.check()
    expect(page.locator("#id_score_a_2")).to_be_checked()
    expect(page.locator("#id_score_d2_4")).to_be_checked()

    # Score what only a reader can judge, mark Section A down, and save.
    page.check("#id_score_b_3")
    page.check("#id_score_c2_3")
    page.check("#id_score_a_1")
    page.check("#id_pupil_voice_rating_4")
    page.check("#id_care_planning_rating_3")
    page.check("#id_targets_rating_3")
    page.fill("#id_progress_comment", "Reading has moved on well")
    page.fill("#id_link_teacher_comment", "Section A lacks the school year")
    page.get_by_role("button", name="Save Section E").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Section E saved"
    )
    expect(page.locator("#total-overall")).to_have_text("19 out of 22")

    # Return Section A to the social worker.
    page.get_by_role("link", name="Return for amendment").click()
    portal.check()
    page.get_by_label("Section A: phase and meeting details (social worker)").check()
    page.get_by_label("What needs to be amended?").fill("Add the school year")
    page.get_by_role("button", name="Return for amendment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Sections A returned for amendment"
    )
    assert Pep.objects.get(pk=finalised_pep.pk).status == "returned"

    # The social worker amends and resubmits (their own pages are tested elsewhere).
    services.pep_resubmit(Pep.objects.get(pk=finalised_pep.pk), social_worker)

    # Score Section A again and approve.
    page.goto(f"/quality/peps/{finalised_pep.pk}/section-e/")
    portal.check()
    expect(page.locator("#id_score_a_1")).to_be_checked()
    page.check("#id_score_a_2")
    page.get_by_role("button", name="Save Section E").click()
    expect(page.locator("#total-overall")).to_have_text("20 out of 22")
    expect(page.locator("#band-overall")).to_have_text("Excellent")
    page.get_by_role("button", name="Approve PEP").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("PEP approved")

    pep = Pep.objects.get(pk=finalised_pep.pk)
    assert pep.status == "approved"
    section = SectionE.objects.get(pep=pep)
    assert (section.overall_total, section.overall_band) == (20, "Excellent")
    assert list(
        Transition.objects.filter(pep=pep).values_list("action", flat=True)
    ) == [
        "finalise",
        "return",
        "resubmit",
        "approve",
    ]
    assert PublishedPep.objects.get(pep=pep).file
