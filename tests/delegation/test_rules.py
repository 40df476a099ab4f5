"""The pure rules of delegation: access by status and date, the tray, submission."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from delegation import rules
from delegation.rules import SchoolSectionFacts

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=7)
EARLIER = NOW - timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "expires_at", "submitted_at", "grants"),
    [
        ("assigned", LATER, None, {"view_pep", "complete_school_section"}),
        ("assigned", EARLIER, None, set()),
        ("assigned", NOW, None, set()),
        ("retracted", LATER, None, set()),
        ("expired", EARLIER, None, set()),
        ("submitted", EARLIER, NOW - timedelta(days=29), {"view_pep"}),
        ("submitted", EARLIER, NOW - timedelta(days=30), set()),
        ("submitted", LATER, NOW - timedelta(days=31), set()),
    ],
)
def test_grants_follow_the_status_and_the_dates(
    status, expires_at, submitted_at, grants
):
    assert rules.grants_due(status, expires_at, submitted_at, NOW) == grants


@pytest.mark.parametrize(
    ("status", "retracted_at", "submitted_at", "shown_in"),
    [
        ("assigned", None, None, "assigned"),
        ("retracted", NOW - timedelta(days=29), None, "retracted"),
        ("retracted", NOW - timedelta(days=30), None, None),
        ("submitted", None, NOW - timedelta(days=1), "submitted"),
        ("submitted", None, NOW - timedelta(days=29, hours=23), "submitted"),
        ("submitted", None, NOW - timedelta(days=30), None),
        ("expired", None, None, None),
    ],
)
def test_the_tray_shows_each_delegation_in_one_list_for_thirty_days(
    status, retracted_at, submitted_at, shown_in
):
    assert rules.tray_list(status, LATER, retracted_at, submitted_at, NOW) == shown_in


@pytest.mark.parametrize(
    ("meeting", "today", "expiry"),
    [
        (date(2026, 3, 20), date(2026, 3, 1), date(2026, 4, 3)),
        (date(2026, 3, 1), date(2026, 3, 20), date(2026, 3, 27)),
        (date(2026, 3, 10), date(2026, 3, 17), date(2026, 3, 24)),
    ],
)
def test_a_delegation_lasts_two_weeks_past_the_meeting_and_at_least_a_week(
    meeting, today, expiry
):
    assert rules.default_expiry(meeting, today) == expiry


COMPLETE = SchoolSectionFacts(
    invited_to_contribute="yes",
    pupil_voice_answers=3,
    attachments=0,
    subject_rows=4,
    current_attendance_given=True,
    new_targets=2,
)


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({}, []),
        ({"invited_to_contribute": ""}, ["invited to contribute"]),
        ({"pupil_voice_answers": 0}, ["Record the child's views"]),
        ({"pupil_voice_answers": 0, "attachments": 1}, []),
        ({"subject_rows": 0}, ["at least one subject"]),
        ({"current_attendance_given": False}, ["current attendance"]),
        ({"new_targets": 0}, ["at least one new target"]),
        (
            {"subject_rows": 0, "new_targets": 0},
            ["at least one subject", "at least one new target"],
        ),
    ],
)
def test_submission_lists_each_missing_part(changes, missing):
    facts = SchoolSectionFacts(**{**COMPLETE.__dict__, **changes})

    found = rules.missing_parts(facts)

    assert len(found) == len(missing)
    for message, expected in zip(found, missing, strict=True):
        assert expected in message
