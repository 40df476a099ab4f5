"""Deadlines of the PEP cycle.

When the next PEP meeting is due, when a PEP must be finalised and quality-assured,
and the dates of the preparation timeline before a meeting. The defaults follow the
Care Planning, Placement and Case Review (England) Regulations 2010 and the Virtual
School's process guide; each rule can be changed through `CycleRules`.

This module is pure: no database, no clock, no settings. Callers pass in the dates
they hold and the rules in force. docs/cycle-rules.md explains the rules for
maintainers.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import holidays
from dateutil.relativedelta import relativedelta

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class DayUnit(enum.StrEnum):
    """What an interval counts."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    SCHOOL_DAYS = "school_days"
    WEEKS = "weeks"
    MONTHS = "months"

    def words(self, amount: int) -> str:
        """The unit in words, singular for an amount of one."""
        singular, plural = _UNIT_WORDS[self]
        return singular if amount == 1 else plural


_UNIT_WORDS = {
    DayUnit.WORKING_DAYS: ("working day", "working days"),
    DayUnit.CALENDAR_DAYS: ("calendar day", "calendar days"),
    DayUnit.SCHOOL_DAYS: ("school day", "school days"),
    DayUnit.WEEKS: ("week", "weeks"),
    DayUnit.MONTHS: ("month", "months"),
}


class Role(enum.StrEnum):
    """Who is responsible for a preparation step."""

    SOCIAL_WORKER = "social_worker"
    DESIGNATED_TEACHER = "designated_teacher"
    VIRTUAL_SCHOOL = "virtual_school"
    CARER = "carer"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.SOCIAL_WORKER: "Social worker",
    Role.DESIGNATED_TEACHER: "Designated teacher",
    Role.VIRTUAL_SCHOOL: "Virtual School",
    Role.CARER: "Carer",
}


@dataclass(frozen=True)
class Interval:
    """A length of time such as 20 working days or 6 months.

    The unit may be given as its stored value ("working_days"), as settings read from
    the database or a form arrive as text.
    """

    amount: int
    unit: DayUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(
                f"An interval's amount must be a whole number, not {self.amount!r}."
            )

        if self.amount < 0:
            raise ValueError(f"An interval's amount cannot be negative: {self.amount}.")

        if not isinstance(self.unit, DayUnit):
            try:
                unit = DayUnit(self.unit)
            except ValueError:
                allowed = ", ".join(member.value for member in DayUnit)
                raise ValueError(
                    f"Unknown interval unit {self.unit!r}; use one of: {allowed}."
                ) from None
            object.__setattr__(self, "unit", unit)

    def describe(self) -> str:
        """The interval in words, for example "20 working days"."""
        return f"{self.amount} {self.unit.words(self.amount)}"


@dataclass(frozen=True)
class CycleRules:
    """The deadlines of the PEP cycle, each one configurable.

    `closures` are the dates on which schools are shut although they are working
    days (INSET days, half terms, holidays); they only matter to intervals counted
    in school days.
    """

    first_pep: Interval = Interval(20, DayUnit.WORKING_DAYS)
    second_pep: Interval = Interval(3, DayUnit.MONTHS)
    later_peps: Interval = Interval(6, DayUnit.MONTHS)
    finalisation: Interval = Interval(10, DayUnit.WORKING_DAYS)
    quality_assurance: Interval = Interval(10, DayUnit.WORKING_DAYS)
    closures: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in _INTERVAL_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, Interval):
                raise TypeError(f"The rule {name} must be an Interval, not {value!r}.")

        if isinstance(self.closures, (str, date)) or not isinstance(
            self.closures, Iterable
        ):
            raise TypeError(
                f"School closures must be a collection of dates, not {self.closures!r}."
            )

        closures = frozenset(self.closures)
        for closure in sorted(closures, key=repr):
            _require_date(closure, "Each school closure")
        object.__setattr__(self, "closures", closures)

    def intervals(self) -> tuple[Interval, ...]:
        return tuple(getattr(self, name) for name in _INTERVAL_FIELDS)

    def describe(self) -> list[str]:
        """The rules as plain-English sentences, for the settings page."""
        sentences = [
            f"The first PEP meeting is due within {self.first_pep.describe()} of the "
            "child entering care.",
            f"The second PEP meeting is due within {self.second_pep.describe()} of "
            "the first.",
            f"Each later PEP meeting is due within {self.later_peps.describe()} of "
            "the one before.",
            f"A PEP is due to be finalised within {self.finalisation.describe()} of "
            "its meeting.",
            "The Virtual School's quality assurance is due within "
            f"{self.quality_assurance.describe()} of the date the PEP was due to be "
            "finalised.",
            "Counting starts on the day after the date of entering care or of the "
            "meeting.",
        ]

        units = {interval.unit for interval in self.intervals()}
        if units & {DayUnit.WORKING_DAYS, DayUnit.SCHOOL_DAYS}:
            sentences.append(
                "Working days are Monday to Friday, except bank holidays in England "
                "and Wales."
            )
        if DayUnit.SCHOOL_DAYS in units:
            count = len(self.closures)
            sentences.append(
                "School days are working days on which schools are open; "
                f"{count} school closure {'day is' if count == 1 else 'days are'} "
                "set."
            )
        if DayUnit.MONTHS in units:
            sentences.append(
                "A month later is the same day of the month, or the last day of the "
                "month when that day does not exist (31 August plus 6 months is the "
                "end of February)."
            )

        return sentences


_INTERVAL_FIELDS = (
    "first_pep",
    "second_pep",
    "later_peps",
    "finalisation",
    "quality_assurance",
)

DEFAULT_RULES = CycleRules()


@dataclass(frozen=True)
class PreparationStep:
    """One task of the timeline around a PEP meeting."""

    code: str
    title: str
    responsible: Role
    due_on: date


class _StepBeforeMeeting(NamedTuple):
    code: str
    title: str
    responsible: Role
    weeks_before: int


# The guide's timeline, in its order; the deadlines after the meeting come from
# CycleRules.
# TODO: The weeks before the meeting are fixed at the guide's 4, 3, 2 and 1; make
# them CycleRules intervals when the settings page lets administrators edit the
# preparation timeline.
_STEPS_BEFORE_MEETING = (
    _StepBeforeMeeting(
        "confirm_date",
        "Confirm the date of the PEP meeting with the social worker",
        Role.VIRTUAL_SCHOOL,
        4,
    ),
    _StepBeforeMeeting(
        "call_meeting",
        "Call the meeting and invite the school, the carers, the birth family where "
        "appropriate and the Virtual School where required",
        Role.SOCIAL_WORKER,
        3,
    ),
    _StepBeforeMeeting(
        "invite_child",
        "Invite the child to the meeting, leaving the choice to attend with them",
        Role.DESIGNATED_TEACHER,
        3,
    ),
    _StepBeforeMeeting(
        "collect_pupil_voice",
        "Talk the meeting through with the child and record their views",
        Role.DESIGNATED_TEACHER,
        3,
    ),
    _StepBeforeMeeting(
        "delegate_school_section",
        "Delegate the school section of the PEP to the designated teacher",
        Role.VIRTUAL_SCHOOL,
        3,
    ),
    _StepBeforeMeeting(
        "complete_school_section",
        "Complete and submit the school section of the PEP",
        Role.DESIGNATED_TEACHER,
        2,
    ),
    _StepBeforeMeeting(
        "send_carer_copy",
        "Send a copy of the school section to the carer, and to the birth family "
        "where they are involved",
        Role.DESIGNATED_TEACHER,
        2,
    ),
    _StepBeforeMeeting(
        "carer_confirm_attendance",
        "Confirm attendance with the social worker, then read the school section "
        "and talk it over with the child",
        Role.CARER,
        2,
    ),
    _StepBeforeMeeting(
        "complete_section_c",
        "Complete the social care section of the PEP (Section C)",
        Role.SOCIAL_WORKER,
        1,
    ),
    _StepBeforeMeeting(
        "read_school_section",
        "Read the school section of the PEP",
        Role.SOCIAL_WORKER,
        1,
    ),
)


def is_working_day(day: date) -> bool:
    """Monday to Friday, except bank holidays in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays_in(day.year)


@functools.cache
def _bank_holidays_in(year: int) -> frozenset[date]:
    # England's list is also Wales's. A frozenset per year keeps lookups fast and
    # safe to share between threads, which the library's lazily growing dict is not.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_school_day(day: date, rules: CycleRules = DEFAULT_RULES) -> bool:
    """A working day that is not one of the rules' school closures."""
    return is_working_day(day) and day not in rules.closures


def add_interval(
    start: date, interval: Interval, rules: CycleRules = DEFAULT_RULES
) -> date:
    """The date `interval` after `start`, counting from the day after `start`."""
    _require_date(start, "start")

    match interval.unit:
        case DayUnit.WORKING_DAYS:
            return _count_days_forward(start, interval.amount, is_working_day)
        case DayUnit.SCHOOL_DAYS:
            return _count_days_forward(
                start, interval.amount, lambda day: is_school_day(day, rules)
            )
        case DayUnit.CALENDAR_DAYS:
            return start + timedelta(days=interval.amount)
        case DayUnit.WEEKS:
            return start + timedelta(weeks=interval.amount)
        case DayUnit.MONTHS:
            # relativedelta keeps the day of the month and clamps it to the
            # month's last day, so 31 August plus 6 months is the end of February.
            result: date = start + relativedelta(months=interval.amount)
            return result


def _count_days_forward(
    start: date, amount: int, counts: Callable[[date], bool]
) -> date:
    day = start
    counted = 0
    while counted < amount:
        day += timedelta(days=1)
        if counts(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days after `start` up to and including `end`.

    Negative when `end` is before `start`, so that a PEP finalised 3 working days
    early and one finalised 3 working days late are told apart.
    """
    _require_date(start, "start")
    _require_date(end, "end")

    if end < start:
        return -working_days_between(end, start)

    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset))
    )


def is_late(due: date, on: date) -> bool:
    """Whether something done (or still not done) on `on` missed `due`.

    A deadline is met on the due date itself: "within 20 working days" includes
    the twentieth.
    """
    _require_date(due, "due")
    _require_date(on, "on")
    return on > due


class _NextPep(NamedTuple):
    which: str
    interval: Interval
    counted_from: date


def _next_pep(
    care_start: date, meetings_held: Iterable[date], rules: CycleRules
) -> _NextPep:
    _require_date(care_start, "care_start")
    meetings = list(meetings_held)
    for position, meeting in enumerate(meetings):
        _require_date(meeting, f"meetings_held[{position}]")

    # Meetings before the start belong to an earlier period in care, and a new
    # period starts the cycle again. Two records of the same day are one meeting.
    this_period = sorted({meeting for meeting in meetings if meeting >= care_start})

    if not this_period:
        return _NextPep("first", rules.first_pep, care_start)
    if len(this_period) == 1:
        return _NextPep("second", rules.second_pep, this_period[0])
    return _NextPep("later", rules.later_peps, this_period[-1])


def pep_due(
    care_start: date,
    meetings_held: Iterable[date],
    rules: CycleRules = DEFAULT_RULES,
) -> date:
    """The date by which the next PEP meeting must be held.

    `care_start` is the start of the current period in care; `meetings_held` are
    the dates of PEP meetings held, in any order.
    """
    next_pep = _next_pep(care_start, meetings_held, rules)
    return add_interval(next_pep.counted_from, next_pep.interval, rules)


def due_reason(
    care_start: date,
    meetings_held: Iterable[date],
    rules: CycleRules = DEFAULT_RULES,
) -> str:
    """A sentence saying why the next PEP is due when `pep_due` says it is."""
    next_pep = _next_pep(care_start, meetings_held, rules)
    within = next_pep.interval.describe()
    counted_from = format_date(next_pep.counted_from)

    if next_pep.which == "first":
        return f"First PEP: within {within} of entering care on {counted_from}."
    if next_pep.which == "second":
        return (
            f"Second PEP: within {within} of the first PEP meeting on {counted_from}."
        )
    return f"Later PEP: within {within} of the last PEP meeting on {counted_from}."


def finalisation_due(meeting_date: date, rules: CycleRules = DEFAULT_RULES) -> date:
    """The date by which the social worker must finalise the PEP."""
    _require_date(meeting_date, "meeting_date")
    return add_interval(meeting_date, rules.finalisation, rules)


def quality_assurance_due(
    meeting_date: date, rules: CycleRules = DEFAULT_RULES
) -> date:
    """The date by which the Virtual School must quality-assure and approve the PEP.

    Counted from the finalisation deadline rather than the day the PEP was actually
    finalised, so the whole timeline is known on the day of the meeting.
    """
    return add_interval(
        finalisation_due(meeting_date, rules), rules.quality_assurance, rules
    )


def preparation_steps(
    meeting_date: date, rules: CycleRules = DEFAULT_RULES
) -> list[PreparationStep]:
    """The guide's timeline for one meeting, in order.

    A step that would fall on a weekend or bank holiday is due on the working day
    before it, so that it is done in time for the meeting.
    """
    _require_date(meeting_date, "meeting_date")

    steps = [
        PreparationStep(
            code=step.code,
            title=step.title,
            responsible=step.responsible,
            due_on=_working_day_on_or_before(
                meeting_date - timedelta(weeks=step.weeks_before)
            ),
        )
        for step in _STEPS_BEFORE_MEETING
    ]

    steps.append(
        PreparationStep(
            code="finalise",
            title="Finalise the PEP",
            responsible=Role.SOCIAL_WORKER,
            due_on=finalisation_due(meeting_date, rules),
        )
    )
    steps.append(
        PreparationStep(
            code="quality_assure",
            title="Quality-assure the PEP, complete Section E and approve it",
            responsible=Role.VIRTUAL_SCHOOL,
            due_on=quality_assurance_due(meeting_date, rules),
        )
    )

    return steps


def _working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def format_date(day: date) -> str:
    """A date as GOV.UK writes it, "2 December 2024", whatever the locale."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _require_date(value: object, name: str) -> None:
    # A datetime is a date to isinstance, but comparing one with a date fails late
    # and far from the cause, so it is refused here.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {value!r}.")
