"""Who sees which dashboard, what the pages show, and that they stay at a fixed cost."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from reporting.facts import refresh_facts
from tests import factories
from tests.conftest import client_for
from tests.reporting.conftest import TODAY, user_with


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-03-10 12:00 +00:00", tick=False):
        yield


def spring_id():
    from reporting.models import Term

    return str(Term.objects.get(name="Spring 2024-25").pk)


def get(client, user, name="reporting:dashboard", *args, **params):
    client_for(client, user)
    return client.get(reverse(name, args=args), params)


@pytest.mark.parametrize(
    "persona", ["governor", "administrator", "manager", "headteacher", "link_teacher"]
)
def test_each_dashboard_audience_can_open_the_overview(client, authority, persona):
    response = get(client, getattr(authority, persona))

    assert response.status_code == 200
    assert b"PEP dashboards: Spring 2024-25" in response.content


@pytest.mark.parametrize("persona", ["outsider", "social_worker", "designated_teacher"])
def test_people_without_a_dashboard_role_get_not_found(client, authority, persona):
    user = {
        "outsider": lambda: user_with(None),
        "social_worker": lambda: authority.worker_1,
        "designated_teacher": lambda: user_with(Role.DESIGNATED_TEACHER),
    }[persona]()

    for name, args in [
        ("reporting:dashboard", ()),
        ("reporting:completion", ("school",)),
        ("reporting:peps", ("meeting", "late")),
        ("reporting:children", ("overdue",)),
        ("reporting:priorities", ()),
        ("reporting:pupil_premium", ()),
        ("reporting:report_pdf", ()),
    ]:
        assert get(client, user, name, *args).status_code == 404, name


def test_signed_out_visitors_are_sent_to_sign_in(client, authority):
    response = client.get(reverse("reporting:dashboard"))

    assert response.status_code == 302


def completion_rows(response):
    table = response.context["tables"]["completion"]
    return {row[0]: [str(cell) for cell in row[1:5]] for row in table.rows}


def test_the_governor_sees_the_whole_authority(client, authority):
    response = get(client, authority.governor, term=spring_id())

    assert response.context["completion"].peps == 4
    assert completion_rows(response)["PEP meeting held by its due date"] == [
        "2",
        "1",
        "1",
        "0",
    ]


def test_a_social_work_manager_sees_only_their_teams(client, authority):
    response = get(client, authority.manager, term=spring_id())

    # North is worker 1's team: P1 (on time) and P3 (not yet due).
    assert response.context["completion"].peps == 2
    assert completion_rows(response)["PEP meeting held by its due date"] == [
        "1",
        "0",
        "1",
        "0",
    ]
    # Children whose social worker is in North: 1, 3 and 6 (5 left care).
    assert response.context["children"]["in_care"] == 3


def test_a_headteacher_sees_only_their_school(client, authority):
    response = get(client, authority.headteacher, term=spring_id())

    # School B: P3 and P4; children 3, 4 and 6 are enrolled there now.
    assert response.context["completion"].peps == 2
    assert response.context["children"]["in_care"] == 3


def test_a_link_teacher_sees_only_their_schools(client, authority):
    response = get(client, authority.link_teacher, term=spring_id())

    # School A: P1 and P2; children 1 and 2 are enrolled there now.
    assert response.context["completion"].peps == 2
    assert response.context["children"]["in_care"] == 2


def test_a_manager_cannot_filter_to_a_team_that_is_not_theirs(client, authority):
    response = get(
        client, authority.manager, term=spring_id(), team=str(authority.south.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["team"]
    # The faulty filter is left out: the manager still sees North only.
    assert response.context["completion"].peps == 2


def test_a_headteacher_cannot_filter_to_another_school(client, authority):
    response = get(
        client, authority.headteacher, term=spring_id(), school=authority.school_a.urn
    )

    assert response.context["form"].errors["school"] == [
        f"There is no school with URN {authority.school_a.urn} in your dashboards."
    ]
    assert b"There is a problem" in response.content


def test_a_school_urn_that_is_not_a_number_is_named_in_the_error(client, authority):
    response = get(client, authority.governor, school="10730X")

    assert response.context["form"].errors["school"] == [
        "Enter a school URN as digits only: '10730X' is not one."
    ]


def test_the_governor_can_filter_to_one_school(client, authority):
    response = get(
        client, authority.governor, term=spring_id(), school=authority.school_b.urn
    )

    assert response.context["completion"].peps == 2


def test_drill_down_names_only_children_the_viewer_may_open(client, authority):
    # A link teacher may open the children at their schools (peps.access): P2's
    # child is at school A. The governor may open no child, so sees references.
    link = get(
        client,
        authority.link_teacher,
        "reporting:peps",
        "meeting",
        "late",
        term=spring_id(),
    )
    governor = get(
        client,
        authority.governor,
        "reporting:peps",
        "meeting",
        "late",
        term=spring_id(),
    )

    child = authority.children[2]
    assert child.display_name.encode() in link.content
    assert child.display_name.encode() not in governor.content
    assert child.local_child_id.encode() in governor.content
    assert b"Not shown" in governor.content


def test_drill_down_lists_the_same_peps_as_the_figure(client, authority):
    response = get(
        client,
        authority.administrator,
        "reporting:peps",
        "finalisation",
        "on_time",
        term=spring_id(),
    )

    table = response.context["tables"]["peps"]
    assert sorted(row[2] for row in table.rows) == sorted(
        [authority.peps[1].pk, authority.peps[4].pk]
    )


def test_unknown_lists_and_breakdowns_are_not_found(client, authority):
    assert (
        get(client, authority.governor, "reporting:peps", "meeting", "soon").status_code
        == 404
    )
    assert (
        get(client, authority.governor, "reporting:completion", "planet").status_code
        == 404
    )
    assert (
        get(
            client, authority.governor, "reporting:quality", "social_worker"
        ).status_code
        == 404
    )
    assert (
        get(client, authority.governor, "reporting:children", "everyone").status_code
        == 404
    )


def test_every_table_downloads_as_csv_with_the_screen_figures(client, authority):
    response = get(
        client, authority.governor, term=spring_id(), export="csv", table="completion"
    )

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="completion-spring-2024-25.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Deadline", "On time", "Late"]
    assert rows[1][:5] == ["PEP meeting held by its due date", "2", "1", "1", "0"]


def test_breakdown_exports_hold_every_group_as_excel(client, authority):
    response = get(
        client,
        authority.governor,
        "reporting:completion",
        "school",
        term=spring_id(),
        export="xlsx",
        table="completion-by-school",
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["School", "URN", "PEPs due"]
    assert {row[0] for row in values[1:]} == {"Alder Primary", "Birch Academy"}


def test_an_export_of_a_table_that_is_not_there_is_not_found(client, authority):
    response = get(client, authority.governor, export="csv", table="salaries")

    assert response.status_code == 404


def test_school_names_that_look_like_formulas_are_exported_as_text(client, authority):
    authority.school_a.name = '=HYPERLINK("http://example.invalid")'
    authority.school_a.save()
    refresh_facts(TODAY)

    response = get(
        client,
        authority.governor,
        "reporting:completion",
        "school",
        term=spring_id(),
        export="csv",
        table="completion-by-school",
    )

    names = [
        row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    ]
    assert '\'=HYPERLINK("http://example.invalid")' in names


def test_pages_use_only_bar_classes_for_charts_and_no_inline_styles(client, authority):
    response = get(client, authority.governor, term=spring_id())

    content = response.content.decode()
    assert "app-bar--67" in content  # meetings on time: 2 of 3
    assert "style=" not in content
    assert "<script>" not in content


def test_administrators_can_ask_for_the_figures_and_report_now(
    client, authority, mailoutbox
):
    from reporting.models import ReportSubscription

    ReportSubscription.objects.create(user=authority.governor)
    client_for(client, authority.administrator)

    refreshed = client.post(reverse("reporting:refresh"))
    sent = client.post(reverse("reporting:send_report"), {"term": spring_id()})

    assert refreshed.status_code == 302
    assert sent.status_code == 302
    assert len(mailoutbox) == 1


def test_only_administrators_may_refresh_or_send(client, authority):
    client_for(client, authority.governor)

    assert client.post(reverse("reporting:refresh")).status_code == 404
    assert client.post(reverse("reporting:send_report")).status_code == 404


PAGES = [
    ("reporting:dashboard", ()),
    ("reporting:completion", ("school",)),
    ("reporting:completion", ("social_worker",)),
    ("reporting:completion", ("team",)),
    ("reporting:completion", ("link_teacher",)),
    ("reporting:quality", ("school",)),
    ("reporting:quality", ("team",)),
    ("reporting:peps", ("meeting", "late")),
    ("reporting:children", ("overdue",)),
    ("reporting:priorities", ()),
    ("reporting:pupil_premium", ()),
]


def _grow(authority, copies: int) -> None:
    """Add `copies` more children with a PEP each at new schools and teams."""
    for number in range(copies):
        school = factories.SchoolFactory(link_teacher=authority.link_teacher)
        child = factories.ChildFactory(social_worker=authority.worker_1)
        factories.EnrolmentFactory(child=child, school=school)
        factories.CareEpisodeFactory(child=child)
        factories.PepFactory(
            child=child,
            school=school,
            social_worker=authority.worker_2 if number % 2 else authority.worker_1,
            meeting_date=authority.peps[1].meeting_date,
            due_on=authority.peps[1].due_on,
        )
    refresh_facts(TODAY)


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_each_page_makes_as_many_queries_with_more_data(
    client, authority, django_assert_max_num_queries, name, args
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_for(client, authority.administrator)
    url = reverse(name, args=args)

    # Django empties the query log as each request starts, so each count starts
    # from an empty log to be the request's own.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"term": spring_id()}).status_code == 200
    small_count = len(small.captured_queries)
    assert small_count > 5  # the count is real, not empty
    _grow(authority, 30)
    connection.queries_log.clear()
    with django_assert_max_num_queries(small_count):
        assert client.get(url, {"term": spring_id()}).status_code == 200
