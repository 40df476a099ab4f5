"""Every view or download of a child's record is logged: who, what, when."""

from __future__ import annotations

import logging

import pytest
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import access
from audit.access import audited, record_access, record_export
from audit.models import AccessEvent
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def request_by(rf: RequestFactory):
    def build(user):
        request = rf.get("/somewhere/")
        request.user = user
        return request

    return build


def test_recording_a_pep_view_keeps_who_which_child_and_which_pep(
    request_by, social_worker, pep
):
    event = record_access(request_by(social_worker), pep=pep, action="view_pep")

    stored = AccessEvent.objects.get()
    assert stored == event
    assert (stored.user_id, stored.child_id, stored.pep_id, stored.action) == (
        social_worker.pk,
        pep.child_id,
        pep.pk,
        "view_pep",
    )
    assert stored.at is not None


def test_a_pep_given_by_its_id_is_traced_to_its_child(request_by, social_worker, pep):
    record_access(request_by(social_worker), pep=pep.pk, action="download_pdf")

    assert AccessEvent.objects.get().child_id == pep.child_id


def _statements(queries) -> list[str]:
    """The statements run, without the savepoints the test's transaction adds."""
    return [
        query["sql"].split()[0] for query in queries if "SAVEPOINT" not in query["sql"]
    ]


def test_recording_is_one_insert(request_by, social_worker, pep):
    request = request_by(social_worker)

    with CaptureQueriesContext(connection) as queries:
        record_access(request, child=pep.child, pep=pep, action="view_pep")

    assert _statements(queries) == ["INSERT"]


def test_an_unknown_action_is_a_programming_error(request_by, social_worker, child):
    with pytest.raises(ValueError, match="Unknown audit action 'peek'"):
        record_access(request_by(social_worker), child=child, action="peek")


def test_a_failed_write_is_logged_and_the_page_still_served(
    request_by, social_worker, child, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(access, "_insert", broken)

    with caplog.at_level(logging.ERROR, logger="audit.access"):
        result = record_access(
            request_by(social_worker), child=child, action="view_child"
        )

    assert result is None
    assert "Could not record view_child access" in caplog.text


def test_an_export_records_each_child_once_in_one_insert(request_by, administrator):
    request = request_by(administrator)

    with CaptureQueriesContext(connection) as queries:
        count = record_export(request, [3, 1, 3, 2])

    assert _statements(queries) == ["INSERT"]

    assert count == 3
    assert sorted(AccessEvent.objects.values_list("child_id", flat=True)) == [1, 2, 3]
    assert set(AccessEvent.objects.values_list("action", flat=True)) == {"export"}


def test_the_decorator_records_only_when_the_view_answered(
    request_by, social_worker, child
):
    @audited("view_child")
    def shown(request, child_id):
        return HttpResponse("ok")

    @audited("view_child")
    def refused(request, child_id):
        raise Http404("No child found.")

    shown(request_by(social_worker), child_id=child.pk)
    with pytest.raises(Http404):
        refused(request_by(social_worker), child_id=child.pk)

    assert list(AccessEvent.objects.values_list("child_id", "action")) == [
        (child.pk, "view_child")
    ]


def test_the_decorator_records_nothing_for_an_error_response(
    request_by, social_worker, child
):
    @audited("view_child")
    def missing(request, child_id):
        return HttpResponse(status=404)

    missing(request_by(social_worker), child_id=child.pk)

    assert not AccessEvent.objects.exists()


def test_the_decorator_refuses_an_unknown_action():
    with pytest.raises(ValueError):
        audited("glance")


def test_a_pep_history_view_is_logged_with_its_url_name_not_its_url(
    client, social_worker, pep
):
    client_for(client, social_worker)

    response = client.get(reverse("audit:pep_history", args=[pep.pk]))

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert event.path_name == "audit:pep_history"
    assert (event.pep_id, event.child_id) == (pep.pk, pep.child_id)


def test_an_administrator_sees_who_opened_a_childs_record(
    client, administrator, social_worker, request_by, pep
):
    record_access(request_by(social_worker), pep=pep, action="view_pep")
    record_access(request_by(social_worker), child=pep.child, action="view_child")
    other_child = factories.ChildFactory()
    record_access(request_by(social_worker), child=other_child, action="view_child")
    client_for(client, administrator)

    response = client.get(reverse("audit:child_access", args=[pep.child_id]))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    content = response.content.decode()
    assert "Sam Worker" in content
    assert "Viewed a PEP" in content
    assert "Viewed the child&#x27;s record" in content


@pytest.mark.parametrize(
    "persona", ["social_worker", "link_teacher", "designated_teacher", "outsider"]
)
def test_nobody_but_an_administrator_can_see_who_opened_a_record(
    client, request, persona, child
):
    client_for(client, request.getfixturevalue(persona))

    response = client.get(reverse("audit:child_access", args=[child.pk]))

    assert response.status_code == 404


def test_an_unknown_child_with_no_events_is_not_found(client, administrator):
    client_for(client, administrator)

    response = client.get(reverse("audit:child_access", args=[987654]))

    assert response.status_code == 404


def test_the_access_list_needs_a_sign_in(client, child):
    response = client.get(reverse("audit:child_access", args=[child.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
