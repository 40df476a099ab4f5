"""Who reaches which child and PEP: anything not granted is a 404, never a 403."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from peps import access
from peps.models import Pep
from tests import factories
from tests.conftest import client_for

PERSONAS = [
    "social_worker",
    "other_social_worker",
    "link_teacher",
    "administrator",
    "designated_teacher",
    "governor",
    "outsider",
]


def _urls(pep):
    child_id = pep.child_id
    return {
        "child": reverse("peps:child", args=[child_id]),
        "create": reverse("peps:pep_create", args=[child_id]),
        "pep": reverse("peps:pep", args=[pep.pk]),
        **{
            f"section {letter}": reverse("peps:section_edit", args=[pep.pk, letter])
            for letter in "ABCD"
        },
    }


# persona: the pages of the allocated social worker's draft PEP they may open.
REACH = {
    "social_worker": {"child", "create", "pep", "section A", "section B"}
    | {"section C", "section D"},
    "other_social_worker": set(),
    "link_teacher": {"child", "pep", "section B", "section D"},
    "administrator": {"child", "create", "pep", "section A", "section B"}
    | {"section C", "section D"},
    "designated_teacher": set(),
    "governor": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_only_the_pages_the_rules_give_them(
    persona, request, client, pep
):
    user = request.getfixturevalue(persona)
    client_for(client, user)

    reached = {
        name for name, url in _urls(pep).items() if client.get(url).status_code == 200
    }
    refused = {
        name for name, url in _urls(pep).items() if client.get(url).status_code == 404
    }

    assert reached == REACH[persona]
    assert reached | refused == set(_urls(pep))


@pytest.mark.parametrize(
    "persona", ["other_social_worker", "designated_teacher", "governor", "outsider"]
)
def test_people_without_a_grant_get_404_on_saving_a_section_too(
    persona, request, client, pep
):
    client_for(client, request.getfixturevalue(persona))

    response = client.post(
        reverse("peps:section_edit", args=[pep.pk, "A"]), {"version": "1"}
    )

    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, pep):
    for url in _urls(pep).values():
        response = client.get(url)

        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_caseload_lists_only_the_children_a_persona_may_open(
    persona, request, client, child
):
    someone_elses = factories.ChildFactory(surname="Elsewhere")
    client_for(client, request.getfixturevalue(persona))

    response = client.get(reverse("peps:caseload"))

    expected = {
        "social_worker": {child.pk},
        "other_social_worker": set(),
        "link_teacher": {child.pk},
        "administrator": {child.pk, someone_elses.pk},
    }.get(persona)
    if expected is None:
        # Without a caseload role there is no caseload page at all.
        assert response.status_code == 404
    else:
        assert {row.child.pk for row in response.context["rows"]} == expected


def test_a_child_granted_to_someone_opens_for_them_with_its_peps(client, outsider, pep):
    assign_perm("peps.view_child", outsider, pep.child)
    client_for(client, outsider)

    assert client.get(reverse("peps:child", args=[pep.child_id])).status_code == 200
    assert client.get(reverse("peps:pep", args=[pep.pk])).status_code == 200
    section_a = reverse("peps:section_edit", args=[pep.pk, "A"])
    assert client.get(section_a).status_code == 404


def test_a_designated_teacher_with_a_delegation_reaches_no_staff_screen(
    client, designated_teacher, pep
):
    # A delegated teacher completes Sections B and D under /school/ (the delegation
    # app); the staff screens, which show Sections A and C, stay closed to them.
    assign_perm("peps.view_pep", designated_teacher, pep)
    assign_perm("peps.complete_school_section", designated_teacher, pep)
    client_for(client, designated_teacher)

    status = {name: client.get(url).status_code for name, url in _urls(pep).items()}

    assert set(status.values()) == {404}


def test_a_delegated_teacher_cannot_open_another_pep_of_the_same_child(
    client, designated_teacher, pep
):
    other_pep = factories.PepFactory(child=pep.child)
    assign_perm("peps.complete_school_section", designated_teacher, pep)
    client_for(client, designated_teacher)

    response = client.get(reverse("peps:pep", args=[other_pep.pk]))

    assert response.status_code == 404


def test_a_link_teacher_loses_a_child_who_has_left_their_school(
    client, link_teacher, pep
):
    pep.child.enrolments.update(ended_on="2024-07-20")
    client_for(client, link_teacher)

    assert client.get(reverse("peps:child", args=[pep.child_id])).status_code == 404
    assert client.get(reverse("peps:pep", args=[pep.pk])).status_code == 404


def test_a_finalised_pep_cannot_be_edited_by_its_social_worker(
    client, social_worker, pep
):
    pep.status = Pep.Status.FINALISED
    pep.save()
    client_for(client, social_worker)

    for letter in "ABCD":
        url = reverse("peps:section_edit", args=[pep.pk, letter])
        assert client.get(url).status_code == 404


def test_a_returned_pep_reopens_only_the_sections_named_in_the_return(
    client, social_worker, pep
):
    pep.status = Pep.Status.RETURNED
    pep.reopened_sections = ["C"]
    pep.save()
    client_for(client, social_worker)

    status = {
        letter: client.get(
            reverse("peps:section_edit", args=[pep.pk, letter])
        ).status_code
        for letter in "ABCD"
    }

    assert status == {"A": 404, "B": 404, "C": 200, "D": 404}


@pytest.mark.parametrize(
    ("persona", "may_create"),
    [
        ("social_worker", True),
        ("administrator", True),
        ("other_social_worker", False),
        ("link_teacher", False),
        ("designated_teacher", False),
        ("outsider", False),
    ],
)
def test_only_the_allocated_social_worker_and_administrators_create_peps(
    persona, may_create, request, child
):
    user = request.getfixturevalue(persona)

    assert access.may_create_pep(user, child) is may_create


def test_a_social_worker_who_is_not_allocated_cannot_create_even_with_a_grant(
    other_social_worker, child
):
    assign_perm("peps.view_child", other_social_worker, child)

    assert access.may_create_pep(other_social_worker, child) is False
