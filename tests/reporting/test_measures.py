"""Each measure against the hand-made authority of conftest.py, with the sums shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from peps import cycle
from reporting import measures
from reporting.audiences import Audience
from reporting.facts import refresh_facts
from reporting.models import PepFact
from tests.reporting.conftest import TODAY

SPRING = measures.TermWindow(dt.date(2025, 1, 1), dt.date(2025, 3, 31), 2024)
AUTUMN = measures.TermWindow(dt.date(2024, 9, 1), dt.date(2024, 12, 31), 2024)
EVERYONE = measures.Scope(Audience(whole_authority=True))


def counts(completion: measures.Completion) -> dict[str, tuple[int, int, int, int]]:
    return {
        d.key: (d.on_time, d.late, d.pending, d.no_deadline)
        for d in completion.deadlines
    }


def test_the_hand_worked_deadlines_agree_with_the_cycle_rules():
    # The fixture's deadlines were counted on a calendar; the rules must agree.
    assert cycle.finalisation_due(dt.date(2025, 1, 17)) == dt.date(2025, 1, 31)
    assert cycle.quality_assurance_due(dt.date(2025, 1, 17)) == dt.date(2025, 2, 14)
    assert cycle.finalisation_due(dt.date(2025, 2, 14)) == dt.date(2025, 2, 28)
    assert cycle.quality_assurance_due(dt.date(2025, 2, 14)) == dt.date(2025, 3, 14)
    assert cycle.finalisation_due(dt.date(2025, 2, 3)) == dt.date(2025, 2, 17)
    assert cycle.quality_assurance_due(dt.date(2025, 2, 3)) == dt.date(2025, 3, 3)


def test_completion_counts_each_deadline_of_the_terms_peps(authority):
    result = measures.completion(SPRING, EVERYONE, TODAY)

    # P1, P2, P3 are due in the term by due_on; P4 by its meeting date. P5 is in
    # autumn and P6 in summer.
    assert result.peps == 4
    assert counts(result) == {
        # Met on time: P1 (17 <= 20 Jan), P4 (met on its due date). Late: P2 (14 >
        # 10 Feb). Not yet due: P3 (booked for 18 Mar, due 20 Mar, today 10 Mar).
        "meeting": (2, 1, 1, 0),
        # Only P1 has the task: submitted 2 Jan, due 3 Jan.
        "school_section": (1, 0, 0, 3),
        # Only P1 has the task: completed 13 Jan, due 10 Jan.
        "section_c": (0, 1, 0, 3),
        # P1 30 <= 31 Jan, P4 on the deadline day 17 Feb: on time. P2 not finalised
        # by 28 Feb: late. P3's meeting is still ahead: not yet due.
        "finalisation": (2, 1, 1, 0),
        # P4 25 Feb <= 3 Mar: on time. P1 20 Feb > 14 Feb: late. P2's deadline is
        # 14 Mar and P3's later: not yet due.
        "quality_assurance": (1, 1, 2, 0),
    }
    meeting = result.deadlines[0]
    assert meeting.rate == pytest.approx(100 * 2 / 3)  # 2 on time of 3 judged


def test_a_finalisation_late_in_the_evening_counts_on_its_local_date(authority):
    # 23:30 UTC on Fri 31 Jan is still 31 Jan in London in winter: on time.
    # In summer, 23:30 UTC is already the next day in London.
    p1 = authority.peps[1]
    type(p1).objects.filter(pk=p1.pk).update(
        finalised_at=dt.datetime(2025, 1, 31, 23, 30, tzinfo=dt.UTC)
    )
    refresh_facts(TODAY)

    assert PepFact.objects.get(pk=p1.pk).finalisation_done == dt.date(2025, 1, 31)


def test_a_meeting_still_ahead_is_not_late_until_its_due_date_passes(authority):
    # On 21 March P3 (due 20 March, booked 18 March) has been held on time.
    after = measures.completion(SPRING, EVERYONE, dt.date(2025, 3, 21))

    assert counts(after)["meeting"] == (3, 1, 0, 0)


def test_breakdowns_split_the_same_counts_by_school_worker_team_and_link_teacher(
    authority,
):
    def meeting(dimension):
        rows, total = measures.completion_breakdown(
            SPRING, EVERYONE, TODAY, dimension, sort="name"
        )
        return {row.name: counts_of(row) for row in rows}, total

    def counts_of(row):
        return (row.peps, row.deadlines[0].on_time, row.deadlines[0].late)

    # School A: P1 on time, P2 late. School B: P4 on time, P3 pending.
    assert meeting("school") == (
        {"Alder Primary": (2, 1, 1), "Birch Academy": (2, 1, 0)},
        2,
    )
    # Worker 1 (North): P1 on time, P3 pending. Worker 2 (South): P2 late, P4 on time.
    assert meeting("social_worker") == (
        {"Sam One": (2, 1, 0), "Kim Two": (2, 1, 1)},
        2,
    )
    assert meeting("team") == ({"North": (2, 1, 0), "South": (2, 1, 1)}, 2)
    # School A has a link teacher (P1, P2); school B has none (P3, P4).
    assert meeting("link_teacher") == (
        {"Lee Link": (2, 1, 1), "Not recorded": (2, 1, 0)},
        2,
    )


def test_breakdown_sorted_by_rate_puts_the_lowest_first(authority):
    rows, _ = measures.completion_breakdown(SPRING, EVERYONE, TODAY, "school")

    # School A: 1 of 2 judged on time (50%); school B: 1 of 1 (100%).
    assert [row.name for row in rows] == ["Alder Primary", "Birch Academy"]


def test_quality_counts_bands_and_means_of_assessed_peps_with_last_term(authority):
    bands = measures.band_names()
    spring, autumn = measures.quality([SPRING, AUTUMN], EVERYONE, bands)

    # Spring: P1 (20, 9, 11 Excellent) and P4 (8, 4, 4 Ineffective) are assessed.
    assert spring.assessed == 2
    assert spring.bands["overall"] == {"Excellent": 1, "Good": 0, "Ineffective": 1}
    assert spring.bands["social_care"] == {"Excellent": 1, "Good": 0, "Ineffective": 1}
    assert spring.means["overall"] == pytest.approx((20 + 8) / 2)
    assert spring.means["social_care"] == pytest.approx((9 + 4) / 2)
    assert spring.means["a"] == pytest.approx((2 + 1) / 2)
    assert spring.means["c2"] == pytest.approx((3 + 1) / 2)
    # Autumn: P5 alone, 15 Good.
    assert autumn.assessed == 1
    assert autumn.bands["overall"] == {"Excellent": 0, "Good": 1, "Ineffective": 0}
    assert autumn.means["overall"] == pytest.approx(15)


def test_quality_by_school_puts_the_lowest_mean_first(authority):
    rows, total = measures.quality_breakdown(
        SPRING, EVERYONE, "school", measures.band_names()
    )

    # School B: P4 alone, 8. School A: P1 alone, 20. P2 and P3 are not assessed.
    assert total == 2
    assert [(row.name, row.quality.means["overall"]) for row in rows] == [
        ("Birch Academy", 8.0),
        ("Alder Primary", 20.0),
    ]


def test_children_measures_count_children_in_care_now(authority):
    summary = measures.children_summary(EVERYONE, TODAY)

    assert summary == {
        # Children 1, 2, 3, 4 and 6; child 5 left care in June 2024.
        "in_care": 5,
        # Child 2 (due 1 Mar, last met 14 Feb) and child 6 (due 3 Feb, never met).
        "overdue": 2,
        # Child 3 (in care since 24 Feb, booked 18 Mar) and child 6 (no PEP).
        "awaiting_first_pep": 2,
        # Child 6: 20 working days after Mon 6 Jan is Mon 3 Feb, before today.
        # Child 3's first PEP is due Mon 24 Mar, still ahead.
        "first_pep_overdue": 1,
        # Latest PEP held: child 1 95% (support), child 2 97%, child 4 91.5% (none).
        "attendance_recorded": 3,
        "low_attendance": 2,
        "low_attendance_no_support": 1,
    }


def test_children_behind_a_number_are_the_ones_counted(authority):
    overdue = measures.children_behind("overdue", EVERYONE, TODAY)

    assert {fact.child_id for fact in overdue} == {
        authority.children[2].pk,
        authority.children[6].pk,
    }
    assert set(measures.as_children(overdue)) == {
        authority.children[2],
        authority.children[6],
    }


def test_priorities_flag_the_guides_four_reasons_for_meetings_ahead(authority):
    summary = measures.priority_summary(EVERYONE, TODAY)

    # P3 (18 Mar): child 3 came into care on 24 Feb with no meeting since: new.
    # P6 (1 Apr): child 4 moved school on 10 Feb, after the last meeting (3 Feb);
    # their latest PEP shows 91.5% attendance and an EHCP.
    assert summary == {
        "upcoming": 2,
        "prioritised": 2,
        "new_into_care": 1,
        "school_change": 1,
        "concern": 1,
        "complexity": 1,
    }
    listed = list(measures.prioritised(EVERYONE, TODAY))
    assert [(fact.pep_id, fact.priority) for fact in listed] == [
        (authority.peps[3].pk, 1),
        (authority.peps[6].pk, 2),
    ]


def test_pupil_premium_plus_is_summed_by_school_and_term(authority):
    rows, schools, totals = measures.pupil_premium_by_school(SPRING, EVERYONE)

    # School A: P1 £300 + £150, P2 £200 = £650. School B: P4 £100, P3 nothing.
    assert schools == 2
    assert [(row["name"], row["children"], row["committed"]) for row in rows] == [
        ("Alder Primary", 2, Decimal("650")),
        ("Birch Academy", 2, Decimal("100")),
    ]
    assert totals["committed"] == Decimal("750")
    assert totals["children"] == 4

    spring, autumn = measures.pupil_premium_by_term([SPRING, AUTUMN], EVERYONE)
    assert (spring["children"], spring["committed"]) == (4, Decimal("750"))
    assert (autumn["children"], autumn["committed"]) == (1, Decimal("0"))


def test_peps_behind_a_figure_are_exactly_the_ones_counted(authority):
    late = measures.peps_behind(SPRING, EVERYONE, TODAY, "meeting", "late")
    excellent = measures.peps_behind(
        SPRING, EVERYONE, TODAY, "overall_band", "Excellent"
    )

    assert list(measures.as_peps(late)) == [authority.peps[2]]
    assert list(measures.as_peps(excellent)) == [authority.peps[1]]
    with pytest.raises(ValueError, match="no list of PEPs"):
        measures.peps_behind(SPRING, EVERYONE, TODAY, "meeting", "eventually")


@pytest.mark.parametrize(
    ("filters", "expected_peps"),
    [
        # Child 1 is in Year 5 in 2024-25, child 3 in Year 2: both primary.
        (measures.Filters(phase="primary"), {1, 3}),
        # Child 2 (born October 2010) is in Year 9.
        (measures.Filters(year_group=9), {2}),
        # Child 4 (born January 2008) is in Year 12.
        (measures.Filters(phase="post_16"), {4}),
        (measures.Filters(phase="secondary", year_group=5), set()),
    ],
)
def test_phase_and_year_group_filters_choose_children_by_date_of_birth(
    authority, filters, expected_peps
):
    scope = measures.Scope(Audience(whole_authority=True), filters)
    facts = measures.peps_behind(SPRING, scope, TODAY, "all", "due")

    assert {fact.pep_id for fact in facts} == {
        authority.peps[number].pk for number in expected_peps
    }


def test_school_and_team_filters_narrow_every_measure(authority):
    by_school = measures.Scope(
        Audience(whole_authority=True),
        measures.Filters(school_id=authority.school_b.pk),
    )
    by_team = measures.Scope(
        Audience(whole_authority=True), measures.Filters(team_id=authority.north.pk)
    )

    assert measures.completion(SPRING, by_school, TODAY).peps == 2  # P3, P4
    assert measures.completion(SPRING, by_team, TODAY).peps == 2  # P1, P3
    # Children at school B now: 3, 4 and 6; of them child 6 is overdue.
    assert measures.children_summary(by_school, TODAY)["in_care"] == 3
    assert measures.children_summary(by_school, TODAY)["overdue"] == 1
