"""The caseload: the children a user may open, searchable and a page at a time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peps.models import Pep
from tests import factories
from tests.conftest import client_for

CASELOAD = reverse("peps:caseload")


def _names(response):
    return [row.child.display_name for row in response.context["rows"]]


def test_the_caseload_shows_each_childs_columns(client, social_worker, child, school):
    child.upn = "A123456789012"
    child.next_pep_due_on = datetime.date(2025, 3, 7)
    child.save()
    factories.PepFactory(
        child=child, meeting_date=datetime.date(2024, 9, 2), status=Pep.Status.APPROVED
    )
    factories.PepFactory(
        child=child, meeting_date=datetime.date(2025, 2, 10), status=Pep.Status.DRAFT
    )
    client_for(client, social_worker)

    response = client.get(CASELOAD)

    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row.latest_pep_status == "In preparation"
    assert row.school_year
    for text in (
        child.display_name,
        child.local_child_id,
        "14 March 2015",
        row.school_year,
        school.name,
        "7 March 2025",
        "In preparation",
    ):
        assert text in response.content.decode()
    assert reverse("peps:child", args=[child.pk]) in response.content.decode()
    assert "A123456789012" not in response.content.decode()


def test_a_child_with_no_school_pep_or_due_date_shows_blanks(client, administrator):
    factories.ChildFactory(forename="Blank", surname="Columns")
    client_for(client, administrator)

    response = client.get(CASELOAD)

    row = response.context["rows"][0]
    assert row.latest_pep_status == ""
    assert row.child.current_school_name is None
    assert row.child.next_pep_due_on is None


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("riley", ["Riley Stone"]),
        ("STONE", ["Riley Stone"]),
        ("ril sto", ["Riley Stone"]),
        ("L000123", ["Riley Stone"]),
        ("l000123", ["Riley Stone"]),
        ("B987654321098", ["Jordan Brook"]),
        ("b987 6543 21098", ["Jordan Brook"]),
        ("o", None),
        ("zz", []),
    ],
)
def test_search_finds_children_by_name_local_id_or_upn(
    client, administrator, search, expected
):
    factories.ChildFactory(forename="Riley", surname="Stone", local_child_id="L000123")
    factories.ChildFactory(forename="Jordan", surname="Brook", upn="B987654321098")
    client_for(client, administrator)

    response = client.post(CASELOAD, {"q": search}, follow=True)

    if expected is None:
        assert "Enter at least 2 characters to search" in response.content.decode()
        assert sorted(_names(response)) == ["Jordan Brook", "Riley Stone"]
    else:
        assert _names(response) == expected


def test_search_never_reaches_beyond_the_users_own_children(
    client, social_worker, child
):
    factories.ChildFactory(forename="Hidden", surname="Away")
    client_for(client, social_worker)

    response = client.post(CASELOAD, {"q": "hidden"}, follow=True)

    assert _names(response) == []
    assert "No children found" in response.content.decode()


def test_the_caseload_shows_fifty_children_a_page_and_keeps_the_search(
    client, administrator
):
    factories.ChildFactory.create_batch(51, surname="Paged")
    client_for(client, administrator)

    first = client.post(CASELOAD, {"q": "paged"}, follow=True)
    second = client.get(CASELOAD, {"page": 2})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1
    assert "?page=2" in first.content.decode()


def test_a_search_never_puts_the_searched_name_in_a_url(client, administrator):
    factories.ChildFactory(forename="Riley", surname="Stone")
    client_for(client, administrator)

    response = client.post(CASELOAD, {"q": "Riley"})

    assert response.status_code == 302
    assert "Riley" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Riley Stone" in page
    assert "q=Riley" not in page


def test_clearing_the_search_shows_every_child_again(client, administrator):
    factories.ChildFactory(forename="Riley", surname="Stone")
    factories.ChildFactory(forename="Jordan", surname="Brook")
    client_for(client, administrator)
    client.post(CASELOAD, {"q": "Riley"})

    client.get(CASELOAD, {"clear": "1"})

    assert sorted(_names(client.get(CASELOAD))) == ["Jordan Brook", "Riley Stone"]


def _caseload_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CASELOAD)
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, social_worker, school, django_assert_max_num_queries
):
    client_for(client, social_worker)

    def add_children(count):
        for child in factories.ChildFactory.create_batch(
            count, social_worker=social_worker
        ):
            factories.EnrolmentFactory(child=child, school=school)
            factories.PepFactory(child=child)

    add_children(2)
    queries_for_two, rows = _caseload_queries(client)
    assert rows == 2

    add_children(40)
    with django_assert_max_num_queries(queries_for_two):
        response = client.get(CASELOAD)
    assert len(response.context["rows"]) == 42


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("social_worker", True),
        ("link_teacher", True),
        ("administrator", True),
        ("designated_teacher", False),
        ("governor", False),
        ("outsider", False),
    ],
)
def test_the_navigation_offers_children_to_those_with_a_caseload(
    persona, shown, request, client
):
    client_for(client, request.getfixturevalue(persona))

    response = client.get(reverse("accounts:accessibility"))

    assert (("Children", CASELOAD, False) in response.context["nav_items"]) is shown
