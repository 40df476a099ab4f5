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
