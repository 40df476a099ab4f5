"""The termly measures, as set-based aggregates over the reporting facts.

Each measure gives its numbers in one query whatever the size of the authority, and can
give the PEPs or children behind any number as a queryset built from the very same
conditions, so a drill-down list always adds up to the figure it came from. The facts
are rebuilt from the case records by `reporting.facts.refresh_facts`.

docs/reporting.md defines every measure in words. In short, a PEP belongs to the term
its due date falls in (`Pep.due_on`, or the meeting date where none was recorded), and
each of its deadlines is:
- on time: done on or before the deadline;
- late: done after it, or not done and the deadline has passed;
- not yet due: not done and the deadline is today or later;
- no deadline: the deadline is not known (no preparation task was created, say).
The rate is on time divided by on time plus late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast

from peps.models import Child, Pep
from peps.school_year import RECEPTION
from reporting.audiences import Audience
from reporting.models import ChildFact, PepFact

ATTENDANCE_THRESHOLD = Decimal("96")
PRIORITY_WINDOW = timedelta(days=28)


# Scope: the audience and the dashboard's filters -----------------------------------

PHASES = (
    ("foundation", "Foundation (Reception and younger)"),
    ("primary", "Primary (Years 1 to 6)"),
    ("secondary", "Secondary (Years 7 to 11)"),
    ("post_16", "Post 16 (Years 12 and 13)"),
)
PHASE_YEARS: dict[str, tuple[int | None, int | None]] = {
    "foundation": (None, RECEPTION),
    "primary": (1, 6),
    "secondary": (7, 11),
    "post_16": (12, None),
}


@dataclass(frozen=True)
class Filters:
    school_id: int | None = None
    team_id: int | None = None
    phase: str | None = None
    year_group: int | None = None

    def birth_range(self, academic_year: int) -> tuple[date | None, date | None]:
        """Dates of birth of the children in the chosen phase and year group.

        School year Y of the year starting in September A holds the children born
        from 1 September A-5-Y to 31 August A-4-Y (peps.school_year), so both filters
        become one range of dates of birth.
        """
        lowest: int | None = None
        highest: int | None = None
        if self.phase:
            lowest, highest = PHASE_YEARS[self.phase]
        if self.year_group is not None:
            lowest = self.year_group if lowest is None else max(lowest, self.year_group)
            highest = (
                self.year_group if highest is None else min(highest, self.year_group)
            )

        born_from = born_to = None
        if highest is not None:
            born_from = date(academic_year - 5 - highest, 9, 1)
        if lowest is not None:
            born_to = date(academic_year - 4 - lowest, 8, 31)
        return born_from, born_to


@dataclass(frozen=True)
class Scope:
    audience: Audience
    filters: Filters = field(default_factory=Filters)

    def condition(self, academic_year: int) -> Q:
        """Facts in the audience, then narrowed by the filters."""
        audience = self.audience
        condition = Q()
        if not audience.whole_authority:
            condition = Q(team_id__in=sorted(audience.team_ids)) | Q(
                school_id__in=sorted(audience.school_ids)
            )
        if self.filters.school_id is not None:
            condition &= Q(school_id=self.filters.school_id)
        if self.filters.team_id is not None:
            condition &= Q(team_id=self.filters.team_id)

        born_from, born_to = self.filters.birth_range(academic_year)
        if born_from is not None:
            condition &= Q(date_of_birth__gte=born_from)
        if born_to is not None:
            condition &= Q(date_of_birth__lte=born_to)
        return condition


def academic_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True)
class TermWindow:
    """The dates of a term, and the school year its year groups are counted in."""

    starts_on: date
    ends_on: date
    academic_year: int

    @classmethod
    def of(cls, term: Any) -> TermWindow:
        return cls(term.starts_on, term.ends_on, term.academic_year)


def term_facts(window: TermWindow, scope: Scope) -> QuerySet[PepFact]:
    """The facts of the PEPs due in the term that the scope covers."""
    return PepFact.objects.filter(
        scope.condition(window.academic_year),
        due_on__gte=window.starts_on,
        due_on__lte=window.ends_on,
    )


def as_peps(facts: QuerySet[PepFact]) -> QuerySet[Pep]:
    return Pep.objects.filter(pk__in=facts.values("pep_id"))


def as_children(facts: QuerySet[ChildFact]) -> QuerySet[Child]:
    return Child.objects.filter(pk__in=facts.values("child_id"))


# Completion within timescales --------------------------------------------------------

DEADLINES = (
    ("meeting", "PEP meeting held by its due date"),
    ("school_section", "School section submitted by its step date"),
    ("section_c", "Social care section completed by its step date"),
    ("finalisation", "Finalised within 10 working days of the meeting"),
    ("quality_assurance", "Quality-assured within 10 working days of finalisation"),
)
DEADLINE_LABELS = dict(DEADLINES)
OUTCOMES = (
    ("on_time", "On time"),
    ("late", "Late"),
    ("pending", "Not yet due"),
    ("none", "No deadline"),
)
OUTCOME_LABELS = dict(OUTCOMES)


def status(key: str, outcome: str, today: date) -> Q:
    """The facts whose `key` deadline had `outcome` as seen on `today`."""
    if key == "meeting":
        # A meeting counts as held once its date has come.
        deadline, done = "due_on", "meeting_date"
        is_done, not_done = Q(meeting_date__lte=today), Q(meeting_date__gt=today)
    else:
        deadline, done = f"{key}_deadline", f"{key}_done"
        is_done = Q(**{f"{done}__isnull": False})
        not_done = Q(**{f"{done}__isnull": True})
    known = Q(**{f"{deadline}__isnull": False})

    if outcome == "on_time":
        return known & is_done & Q(**{f"{done}__lte": F(deadline)})
    if outcome == "late":
        return known & (
            (is_done & Q(**{f"{done}__gt": F(deadline)}))
            | (not_done & Q(**{f"{deadline}__lt": today}))
        )
    if outcome == "pending":
        return known & not_done & Q(**{f"{deadline}__gte": today})
    if outcome == "none":
        return Q(**{f"{deadline}__isnull": True})
    raise ValueError(f"{outcome!r} is not an outcome: use on_time, late or pending.")


@dataclass(frozen=True)
class DeadlineCount:
    key: str
    label: str
    on_time: int
    late: int
    pending: int
    no_deadline: int

    @property
    def judged(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        """The percentage of judged PEPs on time; None when none is judged yet."""
        return None if not self.judged else 100 * self.on_time / self.judged


def _deadline_aggregates(today: date) -> dict[str, Count]:
    return {
        f"{key}__{outcome}": Count("pk", filter=status(key, outcome, today))
        for key, _ in DEADLINES
        for outcome, _ in OUTCOMES
    }


def _deadline_counts(row: dict[str, Any]) -> list[DeadlineCount]:
    return [
        DeadlineCount(
            key=key,
            label=label,
            on_time=row[f"{key}__on_time"] or 0,
            late=row[f"{key}__late"] or 0,
            pending=row[f"{key}__pending"] or 0,
            no_deadline=row[f"{key}__none"] or 0,
        )
        for key, label in DEADLINES
    ]


@dataclass(frozen=True)
class Completion:
    peps: int
    deadlines: list[DeadlineCount]


def completion(window: TermWindow, scope: Scope, today: date) -> Completion:
    """The PEPs due in the term, and each deadline's outcomes."""
    row = term_facts(window, scope).aggregate(
        peps=Count("pk"), **_deadline_aggregates(today)
    )
    return Completion(peps=row["peps"], deadlines=_deadline_counts(row))


DIMENSIONS: dict[str, dict[str, Any]] = {
    "school": {
        "label": "School",
        "plural": "Schools",
        "key": "school_id",
        "names": ("school__name",),
        "detail": "school__urn",
    },
    "social_worker": {
        "label": "Social worker",
        "plural": "Social workers",
        "key": "social_worker_id",
        "names": ("social_worker__first_name", "social_worker__last_name"),
        "detail": None,
    },
    "team": {
        "label": "Team",
        "plural": "Teams",
        "key": "team_id",
        "names": ("team__name",),
        "detail": None,
    },
    "link_teacher": {
        "label": "Link teacher",
        "plural": "Link teachers",
        "key": "link_teacher_id",
        "names": ("link_teacher__first_name", "link_teacher__last_name"),
        "detail": None,
    },
}
BREAKDOWN_SORTS = (
    ("rate", "Lowest meeting on-time rate first"),
    ("peps", "Most PEPs first"),
    ("name", "Name"),
)


@dataclass(frozen=True)
class BreakdownRow:
    group_id: int | None
    name: str
    detail: Any
    peps: int
    deadlines: list[DeadlineCount]


def _group_values(dimension: str) -> tuple[str, list[str]]:
    spec = DIMENSIONS[dimension]
    columns = [spec["key"], *spec["names"]]
    if spec["detail"]:
        columns.append(spec["detail"])
    return spec["key"], columns


def _group_label(dimension: str, row: dict[str, Any]) -> tuple[str, Any]:
    spec = DIMENSIONS[dimension]
    name = " ".join(str(row[column] or "") for column in spec["names"]).strip()
    detail = row[spec["detail"]] if spec["detail"] else None
    return name or "Not recorded", detail


def _labels(dimension: str, ids: list[int | None]) -> dict[int | None, tuple[str, Any]]:
    """Names of one page of groups, looked up after grouping: one query for 50 rows
    costs less than carrying every name through the grouping of a whole term."""
    spec = DIMENSIONS[dimension]
    related = PepFact._meta.get_field(spec["key"].removesuffix("_id")).related_model
    fields = [column.split("__", 1)[1] for column in spec["names"]]
    if spec["detail"]:
        fields.append(spec["detail"].split("__", 1)[1])
    found = related.objects.filter(pk__in=[pk for pk in ids if pk is not None])

    labels: dict[int | None, tuple[str, Any]] = {None: ("Not recorded", None)}
    for row in found.values("pk", *fields):
        name = " ".join(str(row[field] or "") for field in fields[: len(spec["names"])])
        detail = row[fields[-1]] if spec["detail"] else None
        labels[row["pk"]] = (name.strip() or "Not recorded", detail)
    return labels


def completion_breakdown(
    window: TermWindow,
    scope: Scope,
    today: date,
    dimension: str,
    sort: str = "rate",
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[BreakdownRow], int]:
    """Each deadline's outcomes per school, social worker, team or link teacher.

    Returns one page of groups and the number of groups in all. PEPs whose group is
    not recorded (no school, say) make one group named "Not recorded".
    """
    key, columns = _group_values(dimension)
    by_name = sort == "name"
    facts = term_facts(window, scope)
    on_time = status("meeting", "on_time", today)
    judged = on_time | status("meeting", "late", today)
    grouped = (
        facts.values(*(columns if by_name else [key]))
        .annotate(
            peps=Count("pk"),
            **_deadline_aggregates(today),
            meeting_judged=Count("pk", filter=judged),
        )
        .annotate(
            # Groups with nothing judged yet sort after every rate.
            on_time_share=Case(
                When(meeting_judged=0, then=Value(2.0)),
                default=Cast(Count("pk", filter=on_time), FloatField())
                / Cast(Count("pk", filter=judged), FloatField()),
                output_field=FloatField(),
            )
        )
    )
    order = {
        "rate": ["on_time_share", "-peps", key],
        "peps": ["-peps", key],
        "name": [*DIMENSIONS[dimension]["names"], key],
    }[sort]
    grouped = grouped.order_by(*order)
    page = list(grouped[offset : offset + limit] if limit else grouped)
    labels = None if by_name else _labels(dimension, [row[key] for row in page])

    rows = []
    for row in page:
        name, detail = (
            _group_label(dimension, row) if labels is None else labels[row[key]]
        )
        rows.append(
            BreakdownRow(
                group_id=row[key],
                name=name,
                detail=detail,
                peps=row["peps"],
                deadlines=_deadline_counts(row),
            )
        )
    total = facts.values(key).distinct().count() if limit else len(rows)
    return rows, total


def peps_behind(
    window: TermWindow, scope: Scope, today: date, measure: str, outcome: str
) -> QuerySet[PepFact]:
    """The facts of the PEPs counted in one figure of completion or quality.

    `measure` is a deadline key with an outcome (on_time, late, pending, none), a
    quality measure's band column (overall_band, social_care_band, education_band)
    with a band name, or "all" with "due".
    """
    facts = term_facts(window, scope)
    if measure in DEADLINE_LABELS and outcome in OUTCOME_LABELS:
        return facts.filter(status(measure, outcome, today))
    if measure in QUALITY_BAND_COLUMNS:
        return facts.filter(assessed=True, **{measure: outcome})
    if measure == "all" and outcome == "due":
        return facts
    raise ValueError(f"There is no list of PEPs for {measure!r} and {outcome!r}.")


# Quality -----------------------------------------------------------------------------

QUALITY_MEASURES = (
    ("overall", "Overall", 22),
    ("social_care", "Social care", 10),
    ("education", "Education", 12),
)
QUALITY_BAND_COLUMNS = {f"{measure}_band" for measure, _, _ in QUALITY_MEASURES}
CRITERIA = (
    ("a", "A: phase and meeting details", 2),
    ("b", "B: child's views", 4),
    ("c1", "C1: access to education", 2),
    ("c2", "C2: health and care plan summary", 4),
    ("c3", "C3: other care plan sections", 2),
    ("d1", "D1: progress", 2),
    ("d2", "D2: targets", 4),
    ("d3", "D3: SEND, extra-curricular and transition", 2),
)


def band_names() -> dict[str, list[str]]:
    """Band names per measure, best first, as the administrator has set them."""
    from quality.bands import DEFAULT_BANDS
    from quality.models import Band

    names: dict[str, list[str]] = {measure: [] for measure, _, _ in QUALITY_MEASURES}
    for measure, name in Band.objects.order_by("measure", "-low").values_list(
        "measure", "name"
    ):
        names.setdefault(measure, []).append(name)

    defaults = {
        "overall": DEFAULT_BANDS.overall,
        "social_care": DEFAULT_BANDS.social_care,
        "education": DEFAULT_BANDS.education,
    }
    for measure, band_set in defaults.items():
        if not names[measure]:
            names[measure] = [band.name for band in band_set.highest_first()]
    return names


@dataclass(frozen=True)
class Quality:
    assessed: int
    bands: dict[str, dict[str, int]]
    means: dict[str, float | None]


def _quality_aggregates(bands: dict[str, list[str]]) -> dict[str, Any]:
    assessed = Q(assessed=True)
    aggregates: dict[str, Any] = {"assessed_count": Count("pk", filter=assessed)}
    for measure, _, _ in QUALITY_MEASURES:
        for position, name in enumerate(bands[measure]):
            aggregates[f"{measure}__{position}"] = Count(
                "pk", filter=assessed & Q(**{f"{measure}_band": name})
            )
        aggregates[f"mean_{measure}"] = Avg(f"{measure}_total", filter=assessed)
    for key, _, _ in CRITERIA:
        aggregates[f"mean_{key}"] = Avg(f"score_{key}", filter=assessed)
    return aggregates


def _quality_of(row: dict[str, Any], bands: dict[str, list[str]]) -> Quality:
    means = {key: row[f"mean_{key}"] for key, _, _ in CRITERIA}
    means.update(
        {measure: row[f"mean_{measure}"] for measure, _, _ in QUALITY_MEASURES}
    )
    return Quality(
        assessed=row["assessed_count"],
        bands={
            measure: {
                name: row[f"{measure}__{position}"]
                for position, name in enumerate(bands[measure])
            }
            for measure, _, _ in QUALITY_MEASURES
        },
        means={
            key: None if value is None else float(value) for key, value in means.items()
        },
    )


def quality(
    windows: Sequence[TermWindow], scope: Scope, bands: dict[str, list[str]]
) -> list[Quality]:
    """Bands and mean scores of the assessed PEPs of each term, one query a term."""
    aggregates = _quality_aggregates(bands)
    return [
        _quality_of(term_facts(window, scope).aggregate(**aggregates), bands)
        for window in windows
    ]


@dataclass(frozen=True)
class QualityRow:
    group_id: int | None
    name: str
    detail: Any
    quality: Quality


def quality_breakdown(
    window: TermWindow,
    scope: Scope,
    dimension: str,
    bands: dict[str, list[str]],
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[QualityRow], int]:
    """Bands and mean totals per school or team, lowest mean overall score first."""
    key = DIMENSIONS[dimension]["key"]
    facts = term_facts(window, scope).filter(assessed=True)
    grouped = (
        facts.values(key)
        .annotate(**_quality_aggregates(bands))
        .order_by("mean_overall", key)
    )
    page = list(grouped[offset : offset + limit] if limit else grouped)
    labels = _labels(dimension, [row[key] for row in page])

    rows = []
    for row in page:
        name, detail = labels[row[key]]
        rows.append(QualityRow(row[key], name, detail, _quality_of(row, bands)))
    total = facts.values(key).distinct().count() if limit else len(rows)
    return rows, total


# Children in care ------------------------------------------------------------------

CHILD_LISTS = (
    ("overdue", "Children in care whose PEP is overdue"),
    ("awaiting_first_pep", "Children new into care awaiting a first PEP"),
    ("first_pep_overdue", "Children whose first PEP is overdue"),
    ("low_attendance", "Attendance below 96% on the latest PEP"),
    ("low_attendance_no_support", "Attendance below 96% with no support recorded"),
)
CHILD_LIST_LABELS = dict(CHILD_LISTS)


def children_in_scope(scope: Scope, today: date) -> QuerySet[ChildFact]:
    return ChildFact.objects.filter(scope.condition(academic_year_of(today)))


def child_condition(name: str, today: date) -> Q:
    awaiting = Q(care_started_on__isnull=False) & (
        Q(first_pep_on__isnull=True) | Q(first_pep_on__gt=today)
    )
    low = Q(attendance__lt=ATTENDANCE_THRESHOLD)
    conditions = {
        "overdue": Q(next_pep_due_on__lt=today)
        & (Q(next_pep_met_on__isnull=True) | Q(next_pep_met_on__gt=today)),
        "awaiting_first_pep": awaiting,
        "first_pep_overdue": awaiting & Q(first_pep_deadline__lt=today),
        "low_attendance": low,
        "low_attendance_no_support": low & Q(attendance_support=False),
    }
    if name not in conditions:
        raise ValueError(f"There is no list of children called {name!r}.")
    return conditions[name]


def children_summary(scope: Scope, today: date) -> dict[str, int]:
    """How many children in care are in each list, and how many are in care."""
    aggregates = {
        name: Count("pk", filter=child_condition(name, today))
        for name, _ in CHILD_LISTS
    }
    return children_in_scope(scope, today).aggregate(
        in_care=Count("pk"),
        attendance_recorded=Count("pk", filter=Q(attendance__isnull=False)),
        **aggregates,
    )


def children_behind(name: str, scope: Scope, today: date) -> QuerySet[ChildFact]:
    return children_in_scope(scope, today).filter(child_condition(name, today))


# The Virtual School's priorities for upcoming meetings --------------------------

PRIORITIES = (
    ("new_into_care", "New into care"),
    ("school_change", "Change of school or designated teacher"),
    ("concern", "Progress or attendance concerns"),
    ("complexity", "Multi-agency involvement: complex needs or care plan"),
)


def upcoming(scope: Scope, today: date) -> QuerySet[PepFact]:
    """Facts of the PEP meetings booked in the next 28 days."""
    return PepFact.objects.filter(
        scope.condition(academic_year_of(today)),
        meeting_date__gt=today,
        meeting_date__lte=today + PRIORITY_WINDOW,
    )


def prioritised(scope: Scope, today: date) -> QuerySet[PepFact]:
    """Upcoming meetings with a reason to attend, highest priority, soonest first."""
    any_reason = Q()
    for key, _ in PRIORITIES:
        any_reason |= Q(**{key: True})
    priority = Case(
        *[
            When(**{key: True}, then=Value(position))
            for position, (key, _) in enumerate(PRIORITIES, start=1)
        ],
        default=Value(len(PRIORITIES) + 1),
    )
    return (
        upcoming(scope, today)
        .filter(any_reason)
        .annotate(priority=priority)
        .order_by("priority", "meeting_date", "pep_id")
    )


def priority_summary(scope: Scope, today: date) -> dict[str, int]:
    any_reason = Q()
    for key, _ in PRIORITIES:
        any_reason |= Q(**{key: True})
    return upcoming(scope, today).aggregate(
        upcoming=Count("pk"),
        prioritised=Count("pk", filter=any_reason),
        **{key: Count("pk", filter=Q(**{key: True})) for key, _ in PRIORITIES},
    )


# Pupil Premium Plus ---------------------------------------------------------------


def pupil_premium_by_school(
    window: TermWindow, scope: Scope, limit: int | None = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    """PP+ committed through the targets of the term's PEPs, per school.

    Returns one page of schools (children, PEPs, committed), the number of schools
    and the totals over all of them.
    """
    facts = term_facts(window, scope)
    grouped = (
        facts.values("school_id", "school__name", "school__urn")
        .annotate(
            children=Count("child_id", distinct=True),
            peps=Count("pk"),
            committed=Sum("pupil_premium_committed"),
        )
        .order_by("-committed", "school__name")
    )
    page = grouped[offset : offset + limit] if limit else grouped
    rows = [
        {
            "group_id": row["school_id"],
            "name": row["school__name"] or "Not recorded",
            "detail": row["school__urn"],
            "children": row["children"],
            "peps": row["peps"],
            "committed": row["committed"] or Decimal("0"),
        }
        for row in page
    ]
    totals = facts.aggregate(
        children=Count("child_id", distinct=True),
        peps=Count("pk"),
        committed=Sum("pupil_premium_committed"),
        schools=Count("school_id", distinct=True),
    )
    totals["committed"] = totals["committed"] or Decimal("0")
    return rows, totals["schools"], totals


def pupil_premium_by_term(
    windows: Sequence[TermWindow], scope: Scope
) -> list[dict[str, Any]]:
    """Children with a PEP due, and PP+ committed, in each term."""
    result = []
    for window in windows:
        totals = term_facts(window, scope).aggregate(
            children=Count("child_id", distinct=True),
            peps=Count("pk"),
            committed=Sum("pupil_premium_committed"),
        )
        totals["committed"] = totals["committed"] or Decimal("0")
        result.append(totals)
    return result
