"""Rebuild the reporting facts from the case records, in a few set-based statements.

Dashboards read `PepFact` and `ChildFact` rather than the case records themselves: at
national scale a term holds some 70,000 PEPs, and joining each one to its sections,
preparation tasks, Section E and the working-day calendar took PostgreSQL about two
seconds however the SQL was written (benchmarks/reporting/README.md). The sweep here
does that work once, for every PEP at the same time, and the dashboards then aggregate
one narrow, indexed table in tens of milliseconds.

The sweep replaces every fact inside one transaction, so a reader sees either the old
facts or the new ones, never a mixture. A Celery beat task runs it every few minutes and
before each termly report; the dashboards say when the facts were last refreshed.
"""

# The SQL text here is built from this module's constants only; dates and amounts
# travel as parameters.
# ruff: noqa: S608

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from peps import cycle
from reporting.models import FactRefresh

logger = logging.getLogger(__name__)

SCHOOL_SECTION_STEP = "complete_school_section"
SECTION_C_STEP = "complete_section_c"
ATTENDANCE_THRESHOLD = 96
PLACEMENT_MOVES_FOR_COMPLEXITY = 3

CURRENT_SCHOOL = (
    "(SELECT MIN(en.school_id) FROM peps_enrolment en "
    "WHERE en.child_id = {child} AND en.ended_on IS NULL)"
)


def _local_date(column: str) -> str:
    """SQL for the date, in the portal's time zone, of a timestamp column."""
    zone = settings.TIME_ZONE.replace("'", "")
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE '{zone}')::date"
    # Django registers this function on every SQLite connection; times are kept in UTC.
    return f"django_datetime_cast_date({column}, '{zone}', 'UTC')"


def _working_days(name: str) -> int:
    interval = getattr(cycle.DEFAULT_RULES, name)
    if interval.unit is not cycle.DayUnit.WORKING_DAYS:
        raise ImproperlyConfigured(
            f"Reports count the {name} deadline in working days, but the cycle rule "
            f"is {interval.describe()}."
        )
    return interval.amount


PEP_COLUMNS = (
    "pep_id, child_id, school_id, social_worker_id, team_id, link_teacher_id, "
    "date_of_birth, due_on, meeting_date, "
    "school_section_deadline, school_section_done, section_c_deadline, "
    "section_c_done, finalisation_deadline, finalisation_done, "
    "quality_assurance_deadline, quality_assurance_done, assessed, "
    "overall_band, social_care_band, education_band, "
    "overall_total, social_care_total, education_total, "
    "score_a, score_b, score_c1, score_c2, score_c3, score_d1, score_d2, score_d3, "
    "pupil_premium_committed, new_into_care, school_change, concern, complexity"
)


def _pep_facts_sql() -> tuple[str, list[object]]:
    finalisation = _working_days("finalisation")
    quality_assurance = finalisation + _working_days("quality_assurance")
    current_school = CURRENT_SCHOOL.format(child="p.child_id")

    # The school and social worker are settled first, so that the team and link
    # teacher can be joined on them.
    owned = (
        "SELECT p.id, p.child_id, p.meeting_date, p.due_on, p.finalised_at, "
        "p.approved_at, c.date_of_birth, "
        f"COALESCE(p.school_id, {current_school}) AS school_id, "
        "COALESCE(p.social_worker_id, c.social_worker_id) AS social_worker_id "
        "FROM peps_pep p JOIN peps_child c ON c.id = p.child_id"
    )
    sql = (
        f"INSERT INTO reporting_pepfact ({PEP_COLUMNS}) "
        "SELECT p.id, p.child_id, p.school_id, p.social_worker_id, u.team_id, "
        "s.link_teacher_id, p.date_of_birth, COALESCE(p.due_on, p.meeting_date), "
        "p.meeting_date, "
        f"ts.due_on, {_local_date('d.submitted_at')}, "
        f"tc.due_on, {_local_date('tc.completed_at')}, "
        f"wf.day, {_local_date('p.finalised_at')}, "
        f"wq.day, {_local_date('COALESCE(e.assessed_at, p.approved_at)')}, "
        "(e.assessed_at IS NOT NULL), "
        "COALESCE(e.overall_band, ''), COALESCE(e.social_care_band, ''), "
        "COALESCE(e.education_band, ''), "
        "e.overall_total, e.social_care_total, e.education_total, "
        "e.score_a, e.score_b, e.score_c1, e.score_c2, e.score_c3, "
        "e.score_d1, e.score_d2, e.score_d3, "
        "COALESCE(tg.committed, 0), %s, %s, %s, %s "
        f"FROM ({owned}) p "
        "LEFT JOIN peps_school s ON s.id = p.school_id "
        "LEFT JOIN accounts_user u ON u.id = p.social_worker_id "
        "LEFT JOIN peps_sectiond d ON d.pep_id = p.id "
        "LEFT JOIN peps_peptask ts ON ts.pep_id = p.id AND ts.step = %s "
        "LEFT JOIN peps_peptask tc ON tc.pep_id = p.id AND tc.step = %s "
        "LEFT JOIN reporting_workingday wm ON wm.day = p.meeting_date "
        "LEFT JOIN reporting_workingday wf ON wf.is_working_day = %s "
        "AND wf.number = wm.number + %s "
        "LEFT JOIN reporting_workingday wq ON wq.is_working_day = %s "
        "AND wq.number = wm.number + %s "
        "LEFT JOIN quality_sectione e ON e.pep_id = p.id "
        "LEFT JOIN (SELECT t.pep_id, SUM(t.pupil_premium_cost) AS committed "
        "FROM peps_target t GROUP BY t.pep_id) tg ON tg.pep_id = p.id"
    )
    params: list[object] = [False, False, False, False]
    params += [SCHOOL_SECTION_STEP, SECTION_C_STEP]
    params += [True, finalisation, True, quality_assurance]
    return sql, params


def _priority_sql(today: date) -> tuple[str, list[object]]:
    """Flag the guide's four reasons on every meeting still ahead of `today`."""
    previous = (
        "(SELECT MAX(p2.meeting_date) FROM peps_pep p2 "
        "WHERE p2.child_id = p.child_id AND p2.meeting_date < p.meeting_date)"
    )
    latest_held = (
        "(SELECT p3.id FROM peps_pep p3 WHERE p3.child_id = p.child_id "
        "AND p3.meeting_date <= %s ORDER BY p3.meeting_date DESC, p3.id DESC LIMIT 1)"
    )
    upcoming = (
        "SELECT p.id AS pep_id, p.child_id, c.care_started_on, "
        f"f.school_id, {previous} AS previous_meeting, {latest_held} AS latest_pep_id "
        "FROM peps_pep p JOIN peps_child c ON c.id = p.child_id "
        "JOIN reporting_pepfact f ON f.pep_id = p.id WHERE p.meeting_date > %s"
    )
    flags = (
        "SELECT m.pep_id, "
        "(m.care_started_on IS NOT NULL AND (m.previous_meeting IS NULL "
        "OR m.previous_meeting < m.care_started_on)) AS new_into_care, "
        "(EXISTS (SELECT 1 FROM peps_enrolment en WHERE en.child_id = m.child_id "
        "AND en.started_on > COALESCE(m.previous_meeting, m.care_started_on)) "
        "OR (m.previous_meeting IS NOT NULL AND s.designated_teacher_name <> "
        "COALESCE((SELECT h.designated_teacher_name FROM peps_historicalschool h "
        "WHERE h.id = m.school_id AND h.history_date < m.previous_meeting "
        "ORDER BY h.history_date DESC LIMIT 1), s.designated_teacher_name))) "
        "AS school_change, "
        "(COALESCE(d.current_attendance < %s, FALSE) OR EXISTS (SELECT 1 FROM "
        "peps_subjectprogress sp WHERE sp.pep_id = m.latest_pep_id "
        "AND (sp.making_good_progress = 'no' OR sp.on_track_for_target = 'no'))) "
        "AS concern, "
        "(COALESCE(d.send_stage IN ('ehcp', 'assessment'), FALSE) OR (SELECT COUNT(*) "
        "FROM peps_careepisode ep WHERE ep.child_id = m.child_id "
        "AND ep.started_on > %s) >= %s) AS complexity "
        f"FROM ({upcoming}) m LEFT JOIN peps_school s ON s.id = m.school_id "
        "LEFT JOIN peps_sectiond d ON d.pep_id = m.latest_pep_id"
    )
    sql = (
        "UPDATE reporting_pepfact SET new_into_care = x.new_into_care, "
        "school_change = x.school_change, concern = x.concern, "
        f"complexity = x.complexity FROM ({flags}) x "
        "WHERE reporting_pepfact.pep_id = x.pep_id"
    )
    # In the order they appear: the flags' own, then the upcoming meetings'.
    params: list[object] = [
        ATTENDANCE_THRESHOLD,
        today - timedelta(days=365),
        PLACEMENT_MOVES_FOR_COMPLEXITY,
        today,
        today,
    ]
    return sql, params


def _child_facts_sql(today: date) -> tuple[str, list[object]]:
    first_pep = _working_days("first_pep")
    current_school = CURRENT_SCHOOL.format(child="c.id")
    in_care = (
        "SELECT c.id AS child_id, c.local_child_id, c.date_of_birth, "
        f"{current_school} AS school_id, c.social_worker_id, "
        "c.care_started_on, c.next_pep_due_on FROM peps_child c "
        "WHERE EXISTS (SELECT 1 FROM peps_careepisode ep "
        "WHERE ep.child_id = c.id AND ep.ended_on IS NULL)"
    )
    latest = (
        "SELECT r.child_id, r.pep_id FROM (SELECT p.child_id, p.id AS pep_id, "
        "ROW_NUMBER() OVER (PARTITION BY p.child_id "
        "ORDER BY p.meeting_date DESC, p.id DESC) AS position "
        "FROM peps_pep p WHERE p.meeting_date <= %s) r WHERE r.position = 1"
    )
    sql = (
        "INSERT INTO reporting_childfact (child_id, local_child_id, date_of_birth, "
        "school_id, social_worker_id, team_id, care_started_on, next_pep_due_on, "
        "next_pep_met_on, first_pep_on, first_pep_deadline, latest_pep_id, "
        "attendance, attendance_support) "
        "SELECT k.child_id, k.local_child_id, k.date_of_birth, k.school_id, "
        "k.social_worker_id, u.team_id, k.care_started_on, k.next_pep_due_on, "
        "(SELECT MIN(p.meeting_date) FROM peps_pep p WHERE p.child_id = k.child_id "
        "AND (p.due_on = k.next_pep_due_on OR p.meeting_date >= k.next_pep_due_on)), "
        "(SELECT MIN(p.meeting_date) FROM peps_pep p WHERE p.child_id = k.child_id "
        "AND p.meeting_date >= k.care_started_on), "
        "wd.day, lp.pep_id, d.current_attendance, "
        "(TRIM(COALESCE(d.attendance_support, '')) <> '') "
        f"FROM ({in_care}) k LEFT JOIN accounts_user u ON u.id = k.social_worker_id "
        "LEFT JOIN reporting_workingday wc ON wc.day = k.care_started_on "
        "LEFT JOIN reporting_workingday wd ON wd.is_working_day = %s "
        "AND wd.number = wc.number + %s "
        f"LEFT JOIN ({latest}) lp ON lp.child_id = k.child_id "
        "LEFT JOIN peps_sectiond d ON d.pep_id = lp.pep_id"
    )
    return sql, [True, first_pep, today]


def refresh_facts(today: date | None = None) -> FactRefresh:
    """Rebuild every PEP and child fact from the case records as they are now.

    TODO: Rebuild only the facts of PEPs and children changed since the last sweep,
    which at national scale would cut the sweep from about 20 seconds to a few; the
    mark can go once preparation tasks and sections record when they last changed
    (PepTask has no updated_at).
    """
    from reporting.models import ChildFact, PepFact

    today = today or timezone.localdate()
    started = time.perf_counter()

    pep_sql, pep_params = _pep_facts_sql()
    priority_sql, priority_params = _priority_sql(today)
    child_sql, child_params = _child_facts_sql(today)

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling these statements just in time costs more than it saves, and
            # the joins need more sorting memory than the default allows.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(f"DELETE FROM {PepFact._meta.db_table}")
        cursor.execute(pep_sql, pep_params)
        cursor.execute(priority_sql, priority_params)
        cursor.execute(f"DELETE FROM {ChildFact._meta.db_table}")
        cursor.execute(child_sql, child_params)

        refresh = FactRefresh.objects.create(
            refreshed_at=timezone.now(),
            as_of=today,
            peps=PepFact.objects.count(),
            children=ChildFact.objects.count(),
            seconds=time.perf_counter() - started,
        )
        # Only the latest few sweeps are worth keeping.
        stale = FactRefresh.objects.order_by("-refreshed_at").values("pk")[10:]
        FactRefresh.objects.filter(pk__in=list(stale)).delete()

    if connection.vendor == "postgresql":
        # Replacing every row leaves as many dead ones behind and the planner's
        # statistics stale; the dashboards' queries slow down several times over
        # until both are dealt with. VACUUM cannot run inside a transaction.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for model in (PepFact, ChildFact):
                cursor.execute(f"{command} {model._meta.db_table}")

    logger.info(
        "Refreshed reporting facts: %s PEPs, %s children in %.1f s",
        refresh.peps,
        refresh.children,
        refresh.seconds,
    )
    return refresh


def latest_refresh() -> FactRefresh | None:
    return FactRefresh.objects.order_by("-refreshed_at").first()
