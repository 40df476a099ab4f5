"""Termly dashboards: charts, the tables behind them, drill-down lists and exports.

Every view starts from the viewer's audience (`reporting.audiences`): anyone without a
dashboard gets a 404. Each page makes the same number of queries whatever the size of
the authority; tables longer than a page are paginated on screen and exported whole.
Any table can be downloaded by adding `export=csv` or `export=xlsx` and its `table`
name to the page's address.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.models import Team
from accounts.roles import Role
from audit.access import record_export
from peps import access
from reporting import exports, facts, measures, tasks
from reporting.audiences import Audience, audience_for
from reporting.forms import DashboardFilterForm
from reporting.models import ChildFact, PepFact, PupilPremiumRate, Term, term_for
from reporting.tables import (
    Bar,
    BarChart,
    Column,
    Link,
    Table,
    format_percent,
    percent_width,
    share,
)

logger = logging.getLogger(__name__)

PER_PAGE = 50


# What every page starts from ---------------------------------------------------------


@dataclass
class Dashboard:
    """The viewer, their audience and the term and filters they chose."""

    request: HttpRequest
    audience: Audience
    form: DashboardFilterForm
    terms: list[Term]
    term: Term | None
    previous_term: Term | None
    scope: measures.Scope
    today: date

    @property
    def window(self) -> measures.TermWindow:
        if self.term is None:
            raise Http404("No term covers that date.")
        return measures.TermWindow.of(self.term)

    def query(self, **changes: Any) -> str:
        """The page's filters as a query string, with `changes` applied."""
        params = {
            key: value
            for key, value in self.request.GET.items()
            if key not in {"page", "export", "table"}
        }
        params.update({key: value for key, value in changes.items() if value})
        return urlencode(params)

    def url(self, name: str, *args: Any, **changes: Any) -> str:
        query = self.query(**changes)
        return reverse(f"reporting:{name}", args=args) + (f"?{query}" if query else "")

    def filename(self, slug: str) -> str:
        term = self.term.name if self.term else "no-term"
        return f"{slug}-{term}".lower().replace(" ", "-")


def _dashboard(request: HttpRequest) -> Dashboard:
    audience = audience_for(request.user)
    today = timezone.localdate()
    terms = list(Term.objects.order_by("starts_on"))
    current = _current_term(terms, today)

    if audience.whole_authority:
        teams = list(Team.objects.order_by("name").values_list("id", "name"))
    else:
        teams = list(
            Team.objects.filter(pk__in=audience.team_ids)
            .order_by("name")
            .values_list("id", "name")
        )
    data = request.GET if request.GET else None
    form = DashboardFilterForm(
        data, terms=terms, current=current, audience=audience, teams=teams
    )
    form.is_valid()

    term = form.chosen_term()
    previous = None
    if term is not None:
        earlier = [
            candidate for candidate in terms if candidate.ends_on < term.starts_on
        ]
        previous = earlier[-1] if earlier else None

    return Dashboard(
        request=request,
        audience=audience,
        form=form,
        terms=terms,
        term=term,
        previous_term=previous,
        scope=measures.Scope(audience, form.filters()),
        today=today,
    )


def _current_term(terms: Sequence[Term], today: date) -> Term | None:
    """The term holding today, else the latest that has started, else the first."""
    for term in terms:
        if term.starts_on <= today <= term.ends_on:
            return term
    started = [term for term in terms if term.starts_on <= today]
    if started:
        return started[-1]
    return terms[0] if terms else None


def _page(request: HttpRequest, fetch: Callable[[int, int], tuple[list, int]]) -> Page:
    """One page of a long table; `fetch(limit, offset)` gives rows and the total."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1

    rows, total = fetch(PER_PAGE, (number - 1) * PER_PAGE)
    page = Paginator(_Counted(total), PER_PAGE).get_page(number)
    if page.number != number:
        rows, total = fetch(PER_PAGE, (page.number - 1) * PER_PAGE)
    page.object_list = rows
    return page


def _fetcher(
    behind: QuerySet,
) -> Callable[[int | None, int], tuple[list, int]]:
    """Fetch one page of `behind` with its total, or all of it (for exports)."""

    def fetch(limit: int | None, offset: int) -> tuple[list, int]:
        chosen = behind if limit is None else behind[offset : offset + limit]
        rows = list(chosen)
        return rows, (behind.count() if limit is not None else len(rows))

    return fetch


def _visible_pep_ids(request: HttpRequest, rows: list[PepFact]) -> set[int]:
    """The PEPs among `rows` that the viewer may open, so only those are linked."""
    return set(
        access.peps_for(request.user)
        .filter(pk__in=[row.pep_id for row in rows])
        .values_list("pk", flat=True)
    )


def _list_response(
    request: HttpRequest,
    board: Dashboard,
    fetch: Callable[[int | None, int], tuple[list, int]],
    table_of: Callable[[list], Table],
    title: str,
    slug: str,
) -> HttpResponse:
    """A drill-down list: one page of it, or all of it as an export."""
    if _wants_export(request):
        rows, _ = fetch(None, 0)
        response = _render(request, board, "", [table_of(rows)], {})
        record_export(request, (row.child_id for row in rows if row.child_id))
        return response

    page = _page(request, fetch)
    return _render(
        request,
        board,
        "reporting/list.html",
        [table_of(page.object_list)],
        {"page": page, "title": title, "slug": slug},
    )


class _Counted:
    """Stands in for a list of `total` rows so that Paginator can number pages."""

    def __init__(self, total: int) -> None:
        self.total = total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list:
        return []


def _render(
    request: HttpRequest,
    board: Dashboard,
    template: str,
    tables: list[Table],
    context: dict[str, Any],
) -> HttpResponse:
    """The page, or one of its tables as a file when `export` asks for one."""
    kind = request.GET.get("export")
    if kind:
        wanted = request.GET.get("table", "")
        table = next((table for table in tables if table.slug == wanted), None)
        if table is None or kind not in {"csv", "xlsx"}:
            raise Http404("No such table to export.")
        logger.info("User %s exported %s as %s", request.user.pk, table.slug, kind)
        return exports.response(table, kind, board.filename(table.slug))

    for table in tables:
        table.csv_url = f"{request.path}?{board.query(export='csv', table=table.slug)}"
        table.xlsx_url = (
            f"{request.path}?{board.query(export='xlsx', table=table.slug)}"
        )

    return render(
        request,
        template,
        {
            "board": board,
            "form": board.form,
            "term_options": board.form.options("term"),
            "team_options": (
                board.form.options("team") if "team" in board.form.fields else ""
            ),
            "phase_options": board.form.options("phase"),
            "year_options": board.form.options("year_group"),
            "tables": {table.slug.replace("-", "_"): table for table in tables},
            "refresh": facts.latest_refresh(),
            "is_administrator": request.user.has_role(Role.ADMINISTRATOR),
            **context,
        },
    )


def _wants_export(request: HttpRequest) -> bool:
    return bool(request.GET.get("export"))


# The dashboard ---------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = _dashboard(request)
    if board.term is None:
        return _render(request, board, "reporting/dashboard.html", [], {})

    window = board.window
    completion = measures.completion(window, board.scope, board.today)
    bands = measures.band_names()
    windows = [window]
    if board.previous_term is not None:
        windows.append(measures.TermWindow.of(board.previous_term))
    qualities = measures.quality(windows, board.scope, bands)
    children = measures.children_summary(board.scope, board.today)
    priorities = measures.priority_summary(board.scope, board.today)
    premium = measures.pupil_premium_by_term([window], board.scope)[0]
    rate = PupilPremiumRate.objects.filter(
        financial_year=board.term.financial_year
    ).first()

    completion_table, completion_chart = _completion_figures(board, completion)
    quality_tables, quality_charts = _quality_figures(board, qualities, bands)
    children_table = _children_table(board, children)
    priority_table = _priority_table(board, priorities)
    premium_table = _premium_summary_table(board, premium, rate)

    tables = [
        completion_table,
        *quality_tables,
        children_table,
        priority_table,
        premium_table,
    ]
    return _render(
        request,
        board,
        "reporting/dashboard.html",
        tables,
        {
            "completion": completion,
            "completion_chart": completion_chart,
            "quality_charts": quality_charts,
            "quality_tables": quality_tables,
            "children": children,
            "dimensions": measures.DIMENSIONS,
        },
    )


def _completion_figures(
    board: Dashboard, completion: measures.Completion
) -> tuple[Table, BarChart]:
    table = Table(
        slug="completion",
        title="PEPs completed within timescales",
        columns=[
            Column("Deadline"),
            Column("On time", numeric=True),
            Column("Late", numeric=True),
            Column("Not yet due", numeric=True),
            Column("No deadline recorded", numeric=True),
            Column("On time (%)", numeric=True),
        ],
        note=f"{completion.peps:,} PEPs were due in {board.term}.",
    )
    chart = BarChart("Share of PEPs on time, of those whose deadline has passed")
    for deadline in completion.deadlines:
        table.rows.append(
            [
                deadline.label,
                *[
                    Link(count, board.url("peps", deadline.key, outcome))
                    for count, outcome in (
                        (deadline.on_time, "on_time"),
                        (deadline.late, "late"),
                        (deadline.pending, "pending"),
                        (deadline.no_deadline, "none"),
                    )
                ],
                format_percent(deadline.rate),
            ]
        )
        chart.bars.append(
            Bar(
                deadline.label,
                percent_width(deadline.rate),
                format_percent(deadline.rate),
                "success",
            )
        )
    return table, chart


def _quality_figures(
    board: Dashboard,
    qualities: list[measures.Quality],
    bands: dict[str, list[str]],
) -> tuple[list[Table], list[BarChart]]:
    now = qualities[0]
    before = qualities[1] if len(qualities) > 1 else None
    previous_name = board.previous_term.name if board.previous_term else "last term"

    band_table = Table(
        slug="quality-bands",
        title="Quality of assessed PEPs",
        columns=[
            Column("Measure"),
            Column("Rating"),
            Column("PEPs", numeric=True),
            Column("Share (%)", numeric=True),
            Column(f"Share in {previous_name} (%)", numeric=True),
            Column("Change (points)", numeric=True),
        ],
        note=f"{now.assessed:,} PEPs due in {board.term} have been quality-assured.",
    )
    charts = []
    tones = ["success", "", "error"]
    for measure, label, _ in measures.QUALITY_MEASURES:
        chart = BarChart(f"{label}: share of assessed PEPs in each rating")
        for position, name in enumerate(bands[measure]):
            count = now.bands[measure].get(name, 0)
            this_share = share(count, now.assessed)
            last_share = (
                share(before.bands[measure].get(name, 0), before.assessed)
                if before
                else None
            )
            change = (
                None
                if this_share is None or last_share is None
                else round(this_share - last_share)
            )
            band_table.rows.append(
                [
                    label,
                    name,
                    Link(count, board.url("peps", f"{measure}_band", name)),
                    format_percent(this_share),
                    format_percent(last_share),
                    "–" if change is None else f"{change:+d}",
                ]
            )
            chart.bars.append(
                Bar(
                    name,
                    percent_width(this_share),
                    f"{count:,} ({format_percent(this_share)})",
                    tones[position] if position < len(tones) else "neutral",
                )
            )
        charts.append(chart)

    criteria_table = Table(
        slug="quality-criteria",
        title="Mean score for each part of the quality rubric",
        columns=[
            Column("Criterion"),
            Column("Maximum", numeric=True),
            Column("Mean score", numeric=True),
            Column(f"Mean in {previous_name}", numeric=True),
            Column("Change", numeric=True),
        ],
    )
    criteria_chart = BarChart("Mean score as a share of the maximum")
    rows = [(key, label, maximum) for key, label, maximum in measures.CRITERIA] + [
        (measure, f"{label} total", maximum)
        for measure, label, maximum in measures.QUALITY_MEASURES
    ]
    for key, label, maximum in rows:
        mean = now.means.get(key)
        last = before.means.get(key) if before else None
        criteria_table.rows.append(
            [
                label,
                maximum,
                _one_place(mean),
                _one_place(last),
                "–" if mean is None or last is None else f"{mean - last:+.1f}",
            ]
        )
        criteria_chart.bars.append(
            Bar(
                label,
                percent_width(None if mean is None else 100 * mean / maximum),
                f"{_one_place(mean)} of {maximum}",
            )
        )
    charts.append(criteria_chart)
    return [band_table, criteria_table], charts


def _one_place(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _children_table(board: Dashboard, children: dict[str, int]) -> Table:
    table = Table(
        slug="children",
        title="Children in care needing attention now",
        columns=[Column("Children"), Column("Number", numeric=True)],
        note=f"{children['in_care']:,} children are in care in these dashboards.",
    )
    for name, label in measures.CHILD_LISTS:
        table.rows.append([label, Link(children[name], board.url("children", name))])
    return table


def _priority_table(board: Dashboard, priorities: dict[str, int]) -> Table:
    table = Table(
        slug="priorities",
        title="Virtual School attendance priorities for meetings in the next 28 days",
        columns=[Column("Reason"), Column("Meetings", numeric=True)],
        note=(
            f"{priorities['upcoming']:,} meetings are booked; "
            f"{priorities['prioritised']:,} have at least one reason."
        ),
    )
    for position, (key, label) in enumerate(measures.PRIORITIES, start=1):
        table.rows.append(
            [f"{position}. {label}", Link(priorities[key], board.url("priorities"))]
        )
    return table


def _premium_summary_table(
    board: Dashboard, premium: dict[str, Any], rate: PupilPremiumRate | None
) -> Table:
    children = premium["children"]
    committed = premium["committed"]
    table = Table(
        slug="pupil-premium-summary",
        title="Pupil Premium Plus committed through PEP targets",
        columns=[Column("Figure"), Column("Amount", numeric=True)],
    )
    table.rows = [
        ["Children with a PEP due this term", f"{children:,}"],
        ["Committed through PEP targets", f"£{committed:,.2f}"],
        [
            "Committed per child",
            f"£{committed / children:,.2f}" if children else "–",
        ],
    ]
    if rate is not None:
        table.rows += [
            [
                f"Allocation per child, {rate.financial_year_label}",
                f"£{rate.amount:,.2f}",
            ],
            [
                "Half of it, paid to schools for PEP targets",
                f"£{rate.school_share:,.2f}",
            ],
        ]
    else:
        table.note = "No Pupil Premium Plus rate is recorded for this financial year."
    return table


# Breakdowns --------------------------------------------------------------------------


@login_required
def completion_breakdown(request: HttpRequest, dimension: str) -> HttpResponse:
    if dimension not in measures.DIMENSIONS:
        raise Http404("No such breakdown.")
    board = _dashboard(request)
    if board.term is None:
        raise Http404("No terms are set up.")
    sort = request.GET.get("sort", "rate")
    if sort not in dict(measures.BREAKDOWN_SORTS):
        sort = "rate"
    spec = measures.DIMENSIONS[dimension]

    def fetch(limit: int | None, offset: int) -> tuple[list, int]:
        return measures.completion_breakdown(
            board.window, board.scope, board.today, dimension, sort, limit, offset
        )

    columns = [Column(spec["label"])]
    if spec["detail"]:
        columns.append(Column("URN", numeric=True))
    columns.append(Column("PEPs due", numeric=True))
    for _key, label in measures.DEADLINES:
        columns += [
            Column(f"{label}: on time", numeric=True),
            Column(f"{label}: late", numeric=True),
            Column(f"{label}: on time (%)", numeric=True),
        ]

    def table_of(rows: list[measures.BreakdownRow]) -> Table:
        table = Table(
            slug=f"completion-by-{dimension}",
            title=f"PEPs completed within timescales, by {spec['label'].lower()}",
            columns=columns,
        )
        for row in rows:
            cells: list[Any] = [row.name]
            if spec["detail"]:
                cells.append(row.detail)
            cells.append(row.peps)
            for deadline in row.deadlines:
                cells += [
                    deadline.on_time,
                    deadline.late,
                    format_percent(deadline.rate),
                ]
            table.rows.append(cells)
        return table

    if _wants_export(request):
        rows, _ = fetch(None, 0)
        return _render(request, board, "", [table_of(rows)], {})

    page = _page(request, fetch)
    chart = BarChart(f"Meetings held on time, by {spec['label'].lower()}")
    for row in page.object_list:
        meeting = row.deadlines[0]
        chart.bars.append(
            Bar(
                row.name,
                percent_width(meeting.rate),
                format_percent(meeting.rate),
                "success",
            )
        )
    return _render(
        request,
        board,
        "reporting/breakdown.html",
        [table_of(page.object_list)],
        {
            "page": page,
            "chart": chart,
            "dimension": dimension,
            "spec": spec,
            "sorts": [
                (key, label, f"?{board.query(sort=key)}")
                for key, label in measures.BREAKDOWN_SORTS
            ],
            "sort": sort,
            "dimensions": measures.DIMENSIONS,
        },
    )


@login_required
def quality_breakdown(request: HttpRequest, dimension: str) -> HttpResponse:
    if dimension not in {"school", "team"}:
        raise Http404("No such breakdown.")
    board = _dashboard(request)
    if board.term is None:
        raise Http404("No terms are set up.")
    bands = measures.band_names()
    spec = measures.DIMENSIONS[dimension]

    def fetch(limit: int | None, offset: int) -> tuple[list, int]:
        return measures.quality_breakdown(
            board.window, board.scope, dimension, bands, limit, offset
        )

    columns = [Column(spec["label"])]
    if spec["detail"]:
        columns.append(Column("URN", numeric=True))
    columns.append(Column("PEPs assessed", numeric=True))
    for measure, label, _ in measures.QUALITY_MEASURES:
        columns += [Column(f"{label}: {name}", numeric=True) for name in bands[measure]]
        columns.append(Column(f"{label}: mean score", numeric=True))

    def table_of(rows: list[measures.QualityRow]) -> Table:
        table = Table(
            slug=f"quality-by-{dimension}",
            title=f"Quality of assessed PEPs, by {spec['label'].lower()}",
            columns=columns,
        )
        for row in rows:
            cells: list[Any] = [row.name]
            if spec["detail"]:
                cells.append(row.detail)
            cells.append(row.quality.assessed)
            for measure, _, _ in measures.QUALITY_MEASURES:
                cells += [row.quality.bands[measure][name] for name in bands[measure]]
                cells.append(_one_place(row.quality.means[measure]))
            table.rows.append(cells)
        return table

    if _wants_export(request):
        rows, _ = fetch(None, 0)
        return _render(request, board, "", [table_of(rows)], {})

    page = _page(request, fetch)
    chart = BarChart(f"Mean overall score out of 22, by {spec['label'].lower()}")
    for row in page.object_list:
        mean = row.quality.means["overall"]
        chart.bars.append(
            Bar(
                row.name,
                percent_width(None if mean is None else 100 * mean / 22),
                _one_place(mean),
            )
        )
    return _render(
        request,
        board,
        "reporting/quality_breakdown.html",
        [table_of(page.object_list)],
        {"page": page, "chart": chart, "dimension": dimension, "spec": spec},
    )


# Drill-down lists ---------------------------------------------------------------------


def _detail_url(name: str, pk: int) -> str | None:
    # The case screens are another part of the portal; link only once they exist.
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _pep_reference(fact: PepFact, visible: set[int]) -> list[Any]:
    """Child and PEP cells: names and links only for PEPs the viewer may open."""
    if fact.pep_id in visible:
        child_name = fact.child.display_name if fact.child else "Unknown child"
        url = _detail_url("peps:pep", fact.pep_id)
        return [
            Link(child_name, url) if url else child_name,
            fact.child.local_child_id if fact.child else "",
            fact.pep_id,
        ]
    return ["Not shown", fact.child.local_child_id if fact.child else "", fact.pep_id]


@login_required
def pep_list(request: HttpRequest, measure: str, outcome: str) -> HttpResponse:
    board = _dashboard(request)
    if board.term is None:
        raise Http404("No terms are set up.")
    try:
        facts_behind = measures.peps_behind(
            board.window, board.scope, board.today, measure, outcome
        )
    except ValueError:
        raise Http404("No such list.") from None
    facts_behind = facts_behind.select_related("child", "school", "social_worker")
    facts_behind = facts_behind.order_by("due_on", "pep_id")

    if measure in measures.DEADLINE_LABELS:
        deadline_label = measures.DEADLINE_LABELS[measure]
        title = f"{deadline_label}: {measures.OUTCOME_LABELS[outcome].lower()}"
    elif measure == "all":
        title = "PEPs due"
    else:
        measure_label = measure.replace("_band", "").replace("_", " ").capitalize()
        title = f"{measure_label} rating: {outcome}"

    fetch = _fetcher(facts_behind)

    def table_of(rows: list[PepFact]) -> Table:
        visible = _visible_pep_ids(request, rows)
        table = Table(
            slug="peps",
            title=title,
            columns=[
                Column("Child"),
                Column("Child reference"),
                Column("PEP reference", numeric=True),
                Column("School"),
                Column("Social worker"),
                Column("Due"),
                Column("Meeting"),
            ],
        )
        for row in rows:
            table.rows.append(
                [
                    *_pep_reference(row, visible),
                    row.school.name if row.school else "Not recorded",
                    str(row.social_worker) if row.social_worker else "Not recorded",
                    row.due_on,
                    row.meeting_date,
                ]
            )
        return table

    return _list_response(request, board, fetch, table_of, title, "peps")


@login_required
def child_list(request: HttpRequest, name: str) -> HttpResponse:
    if name not in measures.CHILD_LIST_LABELS:
        raise Http404("No such list.")
    board = _dashboard(request)
    title = measures.CHILD_LIST_LABELS[name]
    behind = (
        measures.children_behind(name, board.scope, board.today)
        .select_related("child", "school")
        .order_by("next_pep_due_on", "care_started_on", "local_child_id")
    )

    fetch = _fetcher(behind)

    def table_of(rows: list[ChildFact]) -> Table:
        visible = set(
            access.children_for(request.user)
            .filter(pk__in=[row.child_id for row in rows])
            .values_list("pk", flat=True)
        )
        table = Table(
            slug="children",
            title=title,
            columns=[
                Column("Child"),
                Column("Child reference"),
                Column("School"),
                Column("In care since"),
                Column("Next PEP due"),
                Column("First PEP due"),
                Column("Attendance (%)", numeric=True),
                Column("Attendance support recorded"),
            ],
        )
        for row in rows:
            if row.child_id in visible and row.child is not None:
                url = _detail_url("peps:child", row.child_id)
                name_cell: Any = (
                    Link(row.child.display_name, url) if url else row.child.display_name
                )
            else:
                name_cell = "Not shown"
            table.rows.append(
                [
                    name_cell,
                    row.local_child_id,
                    row.school.name if row.school else "Not recorded",
                    row.care_started_on,
                    row.next_pep_due_on,
                    row.first_pep_deadline,
                    row.attendance,
                    "Yes" if row.attendance_support else "No",
                ]
            )
        return table

    return _list_response(request, board, fetch, table_of, title, "children")


@login_required
def priorities(request: HttpRequest) -> HttpResponse:
    board = _dashboard(request)
    behind = measures.prioritised(board.scope, board.today).select_related(
        "child", "school"
    )
    title = "Virtual School attendance priorities: meetings in the next 28 days"
    reasons = dict(measures.PRIORITIES)

    fetch = _fetcher(behind)

    def table_of(rows: list[PepFact]) -> Table:
        visible = _visible_pep_ids(request, rows)
        table = Table(
            slug="priorities",
            title=title,
            columns=[
                Column("Child"),
                Column("Child reference"),
                Column("PEP reference", numeric=True),
                Column("Meeting"),
                Column("School"),
                Column("Priority", numeric=True),
                Column("Reasons"),
            ],
        )
        for row in rows:
            table.rows.append(
                [
                    *_pep_reference(row, visible),
                    row.meeting_date,
                    row.school.name if row.school else "Not recorded",
                    row.priority,
                    "; ".join(
                        label for key, label in reasons.items() if getattr(row, key)
                    ),
                ]
            )
        return table

    return _list_response(request, board, fetch, table_of, title, "priorities")


@login_required
def pupil_premium(request: HttpRequest) -> HttpResponse:
    board = _dashboard(request)
    if board.term is None:
        raise Http404("No terms are set up.")
    rates = {rate.financial_year: rate for rate in PupilPremiumRate.objects.all()}
    recent = [term for term in board.terms if term.starts_on <= board.term.starts_on][
        -6:
    ]
    by_term = measures.pupil_premium_by_term(
        [measures.TermWindow.of(term) for term in recent], board.scope
    )

    term_table = Table(
        slug="pupil-premium-by-term",
        title="Pupil Premium Plus committed through PEP targets, by term",
        columns=[
            Column("Term"),
            Column("Children with a PEP due", numeric=True),
            Column("Committed (£)", numeric=True),
            Column("Committed per child (£)", numeric=True),
            Column("Allocation per child for the year (£)", numeric=True),
        ],
    )
    chart = BarChart("Committed per child as a share of the schools' half of PP+")
    for term, totals in zip(recent, by_term, strict=True):
        rate = rates.get(term.financial_year)
        per_child = (
            totals["committed"] / totals["children"] if totals["children"] else None
        )
        term_table.rows.append(
            [
                term.name,
                totals["children"],
                totals["committed"],
                None if per_child is None else round(per_child, 2),
                rate.amount if rate else None,
            ]
        )
        if rate is not None:
            part = (
                None
                if per_child is None
                else float(100 * per_child / rate.school_share)
            )
            chart.bars.append(
                Bar(
                    term.name,
                    percent_width(part),
                    "–" if per_child is None else f"£{per_child:,.0f}",
                )
            )

    def fetch(limit: int | None, offset: int) -> tuple[list, int]:
        rows, total, _ = measures.pupil_premium_by_school(
            board.window, board.scope, limit, offset
        )
        return rows, total

    def school_table(rows: list[dict[str, Any]]) -> Table:
        table = Table(
            slug="pupil-premium-by-school",
            title=f"Pupil Premium Plus committed in {board.term}, by school",
            columns=[
                Column("School"),
                Column("URN", numeric=True),
                Column("Children with a PEP due", numeric=True),
                Column("PEPs", numeric=True),
                Column("Committed (£)", numeric=True),
            ],
        )
        for row in rows:
            table.rows.append(
                [
                    row["name"],
                    row["detail"],
                    row["children"],
                    row["peps"],
                    row["committed"],
                ]
            )
        return table

    if _wants_export(request) and request.GET.get("table") == "pupil-premium-by-school":
        rows, _ = fetch(None, 0)
        return _render(request, board, "", [school_table(rows)], {})

    page = _page(request, fetch)
    return _render(
        request,
        board,
        "reporting/pupil_premium.html",
        [term_table, school_table(page.object_list)],
        {"page": page, "chart": chart, "rate": rates.get(board.term.financial_year)},
    )


# Administrators' actions -----------------------------------------------------------


def _require_administrator(request: HttpRequest) -> None:
    audience_for(request.user)
    if not request.user.has_role(Role.ADMINISTRATOR):
        raise Http404("No such action.")


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    tasks.refresh_reporting_facts.delay()
    messages.success(request, "The figures are being worked out again.")
    return redirect("reporting:dashboard")


@login_required
@require_POST
def send_report(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    chosen = request.POST.get("term", "")
    term = Term.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    term = term or term_for(timezone.localdate())
    tasks.send_termly_report.delay(force=True, term_id=term.pk if term else None)
    logger.info("User %s asked for the termly report", request.user.pk)
    messages.success(
        request,
        "The termly report is being sent to its subscribers"
        + (f" for {term}." if term else "."),
    )
    return redirect("reporting:dashboard")


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The termly report for the viewer's own audience, as a PDF."""
    from reporting.pdf import TermlyReport

    board = _dashboard(request)
    if board.term is None:
        raise Http404("No terms are set up.")
    report = TermlyReport(board.audience, board.term, board.today)
    response = HttpResponse(report.render(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{board.filename("termly-report")}.pdf"'
    )
    return response
