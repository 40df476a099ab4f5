"""The fastest SQL we could write by hand for the figures of each dashboard page.

The benchmark times these beside the pages themselves. They read the same fact tables
the pages read (PostgreSQL only: FILTER clauses, no ORM), and `live_completion` reads
the case records directly, to show what the fact sweep saves.
"""

# Every statement here is a constant; dates and ids travel as parameters.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

STATUS = {
    "on_time": "{done} IS NOT NULL AND {done} <= {deadline}",
    "late": "({done} IS NOT NULL AND {done} > {deadline}) OR "
    "({done} IS NULL AND {deadline} < %(today)s)",
    "pending": "{done} IS NULL AND {deadline} >= %(today)s",
    "none": "{deadline} IS NULL",
}
DEADLINES = {
    "meeting": (
        "due_on",
        "(CASE WHEN meeting_date <= %(today)s THEN meeting_date END)",
    ),
    "school_section": ("school_section_deadline", "school_section_done"),
    "section_c": ("section_c_deadline", "section_c_done"),
    "finalisation": ("finalisation_deadline", "finalisation_done"),
    "quality_assurance": ("quality_assurance_deadline", "quality_assurance_done"),
}


def _deadline_columns() -> str:
    parts = []
    for key, (deadline, done) in DEADLINES.items():
        for outcome, condition in STATUS.items():
            text = condition.format(done=done, deadline=deadline)
            parts.append(f"COUNT(*) FILTER (WHERE {text}) AS {key}__{outcome}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Statement:
    sql: str
    params: dict[str, object]


def _term(starts_on: date, ends_on: date, today: date) -> dict[str, object]:
    return {"start": starts_on, "end": ends_on, "today": today}


IN_TERM = "due_on BETWEEN %(start)s AND %(end)s"


def overview(
    term: tuple[date, date], previous: tuple[date, date], today: date
) -> list[Statement]:
    params = _term(*term, today)
    quality = (
        "SELECT COUNT(*) FILTER (WHERE assessed), "
        "COUNT(*) FILTER (WHERE assessed AND overall_band = 'Excellent'), "
        "COUNT(*) FILTER (WHERE assessed AND overall_band = 'Good'), "
        "COUNT(*) FILTER (WHERE assessed AND overall_band = 'Ineffective'), "
        "COUNT(*) FILTER (WHERE assessed AND social_care_band = 'Excellent'), "
        "COUNT(*) FILTER (WHERE assessed AND social_care_band = 'Good'), "
        "COUNT(*) FILTER (WHERE assessed AND social_care_band = 'Ineffective'), "
        "COUNT(*) FILTER (WHERE assessed AND education_band = 'Excellent'), "
        "COUNT(*) FILTER (WHERE assessed AND education_band = 'Good'), "
        "COUNT(*) FILTER (WHERE assessed AND education_band = 'Ineffective'), "
        "AVG(overall_total) FILTER (WHERE assessed), "
        "AVG(social_care_total) FILTER (WHERE assessed), "
        "AVG(education_total) FILTER (WHERE assessed), "
        + ", ".join(
            f"AVG(score_{key}) FILTER (WHERE assessed)"
            for key in ("a", "b", "c1", "c2", "c3", "d1", "d2", "d3")
        )
        + f" FROM reporting_pepfact WHERE {IN_TERM}"
    )
    low = "attendance < 96"
    awaiting = (
        "care_started_on IS NOT NULL AND "
        "(first_pep_on IS NULL OR first_pep_on > %(today)s)"
    )
    children = (
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE attendance IS NOT NULL), "
        "COUNT(*) FILTER (WHERE next_pep_due_on < %(today)s AND "
        "(next_pep_met_on IS NULL OR next_pep_met_on > %(today)s)), "
        f"COUNT(*) FILTER (WHERE {awaiting}), "
        f"COUNT(*) FILTER (WHERE {awaiting} AND first_pep_deadline < %(today)s), "
        f"COUNT(*) FILTER (WHERE {low}), "
        f"COUNT(*) FILTER (WHERE {low} AND NOT attendance_support) "
        "FROM reporting_childfact"
    )
    priorities = (
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE new_into_care OR school_change OR "
        "concern OR complexity), COUNT(*) FILTER (WHERE new_into_care), "
        "COUNT(*) FILTER (WHERE school_change), COUNT(*) FILTER (WHERE concern), "
        "COUNT(*) FILTER (WHERE complexity) FROM reporting_pepfact "
        "WHERE meeting_date > %(today)s AND meeting_date <= %(window)s"
    )
    premium = (
        "SELECT COUNT(DISTINCT child_id), COUNT(*), SUM(pupil_premium_committed) "
        f"FROM reporting_pepfact WHERE {IN_TERM}"
    )
    return [
        Statement(
            "SELECT COUNT(*) AS peps, "
            + _deadline_columns()
            + f" FROM reporting_pepfact WHERE {IN_TERM}",
            params,
        ),
        Statement(quality, params),
        Statement(quality, _term(*previous, today)),
        Statement(children, params),
        Statement(priorities, {**params, "window": today + timedelta(days=28)}),
        Statement(premium, params),
    ]


LABELS = {
    "school": ("school_id", "peps_school", "g.name"),
    "social_worker": (
        "social_worker_id",
        "accounts_user",
        "g.first_name || ' ' || g.last_name",
    ),
    "team": ("team_id", "accounts_team", "g.name"),
    "link_teacher": (
        "link_teacher_id",
        "accounts_user",
        "g.first_name || ' ' || g.last_name",
    ),
}


def completion_breakdown(
    dimension: str, term: tuple[date, date], today: date
) -> list[Statement]:
    key, table, name = LABELS[dimension]
    params = _term(*term, today)
    on_time = STATUS["on_time"].format(done=DEADLINES["meeting"][1], deadline="due_on")
    late = STATUS["late"].format(done=DEADLINES["meeting"][1], deadline="due_on")
    grouped = (
        f"SELECT {key} AS group_id, COUNT(*) AS peps, "
        + _deadline_columns()
        + f", COUNT(*) FILTER (WHERE {on_time}) AS meeting_on, "
        f"COUNT(*) FILTER (WHERE ({on_time}) OR ({late})) AS meeting_judged "
        f"FROM reporting_pepfact WHERE {IN_TERM} GROUP BY {key}"
    )
    return [
        Statement(
            f"SELECT f.*, {name} AS name FROM ({grouped}) f "
            f"LEFT JOIN {table} g ON g.id = f.group_id "
            "ORDER BY CASE WHEN meeting_judged = 0 THEN 2.0 "
            "ELSE meeting_on::float / meeting_judged END, peps DESC, name LIMIT 50",
            params,
        ),
        Statement(
            f"SELECT COUNT(DISTINCT {key}) FROM reporting_pepfact WHERE {IN_TERM}",
            params,
        ),
    ]


def quality_breakdown(
    dimension: str, term: tuple[date, date], today: date
) -> list[Statement]:
    key, table, name = LABELS[dimension]
    params = _term(*term, today)
    bands = ", ".join(
        f"COUNT(*) FILTER (WHERE {measure}_band = '{band}')"
        for measure in ("overall", "social_care", "education")
        for band in ("Excellent", "Good", "Ineffective")
    )
    grouped = (
        f"SELECT {key} AS group_id, COUNT(*) AS assessed, {bands}, "
        "AVG(overall_total) AS overall, AVG(social_care_total), "
        "AVG(education_total) FROM reporting_pepfact "
        f"WHERE assessed AND {IN_TERM} GROUP BY {key}"
    )
    return [
        Statement(
            f"SELECT f.*, {name} AS name FROM ({grouped}) f "
            f"LEFT JOIN {table} g ON g.id = f.group_id "
            "ORDER BY overall, name LIMIT 50",
            params,
        ),
        Statement(
            f"SELECT COUNT(DISTINCT {key}) FROM reporting_pepfact "
            f"WHERE assessed AND {IN_TERM}",
            params,
        ),
    ]


def late_meetings(term: tuple[date, date], today: date) -> list[Statement]:
    params = _term(*term, today)
    late = STATUS["late"].format(done=DEADLINES["meeting"][1], deadline="due_on")
    where = f"{IN_TERM} AND ({late})"
    return [
        Statement(
            "SELECT f.pep_id, c.forename, c.surname, c.local_child_id, s.name, "
            "u.first_name, u.last_name, f.due_on, f.meeting_date "
            "FROM reporting_pepfact f LEFT JOIN peps_child c ON c.id = f.child_id "
            "LEFT JOIN peps_school s ON s.id = f.school_id "
            "LEFT JOIN accounts_user u ON u.id = f.social_worker_id "
            f"WHERE {where} ORDER BY f.due_on, f.pep_id LIMIT 50",
            params,
        ),
        Statement(f"SELECT COUNT(*) FROM reporting_pepfact WHERE {where}", params),
    ]


def overdue_children(today: date) -> list[Statement]:
    where = (
        "f.next_pep_due_on < %(today)s AND "
        "(f.next_pep_met_on IS NULL OR f.next_pep_met_on > %(today)s)"
    )
    params = {"today": today}
    return [
        Statement(
            "SELECT f.*, c.forename, c.surname, s.name FROM reporting_childfact f "
            "LEFT JOIN peps_child c ON c.id = f.child_id "
            "LEFT JOIN peps_school s ON s.id = f.school_id "
            f"WHERE {where} ORDER BY f.next_pep_due_on, f.care_started_on, "
            "f.local_child_id LIMIT 50",
            params,
        ),
        Statement(f"SELECT COUNT(*) FROM reporting_childfact f WHERE {where}", params),
    ]


def priorities(today: date) -> list[Statement]:
    params = {"today": today, "window": today + timedelta(days=28)}
    where = (
        "f.meeting_date > %(today)s AND f.meeting_date <= %(window)s AND "
        "(f.new_into_care OR f.school_change OR f.concern OR f.complexity)"
    )
    return [
        Statement(
            "SELECT f.*, c.forename, c.surname, s.name, CASE WHEN f.new_into_care "
            "THEN 1 WHEN f.school_change THEN 2 WHEN f.concern THEN 3 ELSE 4 END AS p "
            "FROM reporting_pepfact f LEFT JOIN peps_child c ON c.id = f.child_id "
            "LEFT JOIN peps_school s ON s.id = f.school_id "
            f"WHERE {where} ORDER BY p, f.meeting_date, f.pep_id LIMIT 50",
            params,
        ),
        Statement(f"SELECT COUNT(*) FROM reporting_pepfact f WHERE {where}", params),
    ]


def pupil_premium(terms: list[tuple[date, date]], today: date) -> list[Statement]:
    statements = [
        Statement(
            "SELECT COUNT(DISTINCT child_id), COUNT(*), SUM(pupil_premium_committed) "
            f"FROM reporting_pepfact WHERE {IN_TERM}",
            _term(*term, today),
        )
        for term in terms
    ]
    params = _term(*terms[-1], today)
    statements += [
        Statement(
            "SELECT f.*, s.name, s.urn FROM (SELECT school_id, "
            "COUNT(DISTINCT child_id) AS children, COUNT(*) AS peps, "
            "SUM(pupil_premium_committed) AS committed FROM reporting_pepfact "
            f"WHERE {IN_TERM} GROUP BY school_id) f "
            "LEFT JOIN peps_school s ON s.id = f.school_id "
            "ORDER BY committed DESC, s.name LIMIT 50",
            params,
        ),
        Statement(
            "SELECT COUNT(DISTINCT child_id), COUNT(*), SUM(pupil_premium_committed), "
            f"COUNT(DISTINCT school_id) FROM reporting_pepfact WHERE {IN_TERM}",
            params,
        ),
    ]
    return statements


def live_completion(term: tuple[date, date], today: date) -> Statement:
    """The completion counts straight from the case records, with no fact table."""
    local = "AT TIME ZONE 'Europe/London')::date"
    facts = (
        "SELECT COALESCE(p.due_on, p.meeting_date) AS due_on, p.meeting_date, "
        "ts.due_on AS school_section_deadline, "
        f"(d.submitted_at {local} AS school_section_done, "
        "tc.due_on AS section_c_deadline, "
        f"(tc.completed_at {local} AS section_c_done, "
        "wf.day AS finalisation_deadline, "
        f"(p.finalised_at {local} AS finalisation_done, "
        "wq.day AS quality_assurance_deadline, "
        f"(COALESCE(e.assessed_at, p.approved_at) {local} AS quality_assurance_done "
        "FROM peps_pep p "
        "LEFT JOIN peps_sectiond d ON d.pep_id = p.id "
        "LEFT JOIN peps_peptask ts ON ts.pep_id = p.id "
        "AND ts.step = 'complete_school_section' "
        "LEFT JOIN peps_peptask tc ON tc.pep_id = p.id "
        "AND tc.step = 'complete_section_c' "
        "LEFT JOIN reporting_workingday wm ON wm.day = p.meeting_date "
        "LEFT JOIN reporting_workingday wf ON wf.is_working_day "
        "AND wf.number = wm.number + 10 "
        "LEFT JOIN reporting_workingday wq ON wq.is_working_day "
        "AND wq.number = wm.number + 20 "
        "LEFT JOIN quality_sectione e ON e.pep_id = p.id "
        "WHERE (p.due_on BETWEEN %(start)s AND %(end)s) OR (p.due_on IS NULL AND "
        "p.meeting_date BETWEEN %(start)s AND %(end)s)"
    )
    return Statement(
        "SELECT COUNT(*), " + _deadline_columns() + f" FROM ({facts}) x",
        _term(*term, today),
    )
