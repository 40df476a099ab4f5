"""When a delegated teacher may read or edit, what the tray shows, what submission
needs. Pure: no database access.

The rules, in plain English:
- A delegation is live while it is assigned and its expiry time has not passed. While
  live, its teacher may read the PEP's school section and edit Sections B and D.
- Once submitted, the teacher may still read what they sent (and download it as a
  PDF) for 30 days after submission; then the PEP leaves their tray and every grant
  from that delegation is taken away.
- A retracted or expired delegation gives no access at all. A retraction stays in the
  tray's "Recently retracted" list for 30 days so the teacher can see what happened.
- Submission needs the parts of the school section listed in `missing_parts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

SUBMITTED_KEPT_FOR = timedelta(days=30)
RETRACTED_SHOWN_FOR = timedelta(days=30)
DEFAULT_DAYS_AFTER_MEETING = 14
MINIMUM_DAYS_TO_COMPLETE = 7

ASSIGNED = "assigned"
RETRACTED = "retracted"
SUBMITTED = "submitted"
EXPIRED = "expired"

VIEW_PEP = "view_pep"
COMPLETE_SCHOOL_SECTION = "complete_school_section"


def default_expiry(meeting_date: date, today: date) -> date:
    """The last day a delegation is open unless staff choose another.

    Two weeks after the meeting, so the school can add what the meeting agreed; and
    never less than a week from today for a meeting already past.
    """
    return max(
        meeting_date + timedelta(days=DEFAULT_DAYS_AFTER_MEETING),
        today + timedelta(days=MINIMUM_DAYS_TO_COMPLETE),
    )


def is_live(status: str, expires_at: datetime, now: datetime) -> bool:
    return status == ASSIGNED and now < expires_at


def is_readable(
    status: str, expires_at: datetime, submitted_at: datetime | None, now: datetime
) -> bool:
    if is_live(status, expires_at, now):
        return True
    return (
        status == SUBMITTED
        and submitted_at is not None
        and now < submitted_at + SUBMITTED_KEPT_FOR
    )


def grants_due(
    status: str, expires_at: datetime, submitted_at: datetime | None, now: datetime
) -> frozenset[str]:
    """The PEP permissions this delegation should give its teacher at `now`."""
    if is_live(status, expires_at, now):
        return frozenset({VIEW_PEP, COMPLETE_SCHOOL_SECTION})
    if is_readable(status, expires_at, submitted_at, now):
        return frozenset({VIEW_PEP})
    return frozenset()


def tray_list(
    status: str,
    expires_at: datetime,
    retracted_at: datetime | None,
    submitted_at: datetime | None,
    now: datetime,
) -> str | None:
    """Which list of the teacher's tray shows the delegation, if any."""
    if is_live(status, expires_at, now):
        return ASSIGNED
    if (
        status == RETRACTED
        and retracted_at
        and now < retracted_at + RETRACTED_SHOWN_FOR
    ):
        return RETRACTED
    if is_readable(status, expires_at, submitted_at, now):
        return SUBMITTED
    return None


@dataclass(frozen=True)
class SchoolSectionFacts:
    """What submission checks, read from Sections B and D of one PEP."""

    invited_to_contribute: str
    pupil_voice_answers: int
    attachments: int
    subject_rows: int
    current_attendance_given: bool
    new_targets: int


def missing_parts(facts: SchoolSectionFacts) -> list[str]:
    """What must be added before the school section can be submitted, in page order."""
    missing = []
    if not facts.invited_to_contribute:
        missing.append(
            "Say whether the child was invited to contribute to the PEP meeting"
        )
    if facts.pupil_voice_answers == 0 and facts.attachments == 0:
        missing.append(
            "Record the child's views: answer at least one pupil-voice question or "
            "attach a drawing, photo or document"
        )
    if facts.subject_rows == 0:
        missing.append("Add the child's progress in at least one subject")
    if not facts.current_attendance_given:
        missing.append("Enter the child's current attendance")
    if facts.new_targets == 0:
        missing.append("Add at least one new target")
    return missing
