"""The PEP cycle's deadlines.

Every expected date here was worked out by hand on a printed calendar, with England's
bank holidays: Christmas 2024 (Wed 25, Thu 26 Dec, Wed 1 Jan 2025), Easter 2024
(Fri 29 Mar, Mon 1 Apr), Easter 2025 (Fri 18, Mon 21 Apr), Christmas 2025 (Thu 25,
Fri 26 Dec, Thu 1 Jan 2026) and Christmas 2026 (Fri 25 Dec, Boxing Day observed on
Mon 28 Dec, Fri 1 Jan 2027).
"""

import dataclasses
from datetime import date, datetime

import pytest

from peps.cycle import (
    DEFAULT_RULES,
    CycleRules,
    DayUnit,
    Interval,
    Role,
    add_interval,
    due_reason,
    finalisation_due,
    format_date,
    is_late,
    is_working_day,
    pep_due,
    preparation_steps,
    quality_assurance_due,
    working_days_between,
)

HALF_TERM_AUTUMN_2024 = frozenset(
    {
        date(2024, 10, 28),
        date(2024, 10, 29),
        date(2024, 10, 30),
        date(2024, 10, 31),
        date(2024, 11, 1),
    }
)


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        pytest.param(date(2024, 12, 6), 1, date(2024, 12, 9), id="friday-to-monday"),
        pytest.param(date(2024, 12, 7), 1, date(2024, 12, 9), id="from-a-saturday"),
        pytest.param(date(2024, 12, 2), 0, date(2024, 12, 2), id="none-is-the-start"),
        pytest.param(
            date(2024, 12, 25), 1, date(2024, 12, 27), id="from-christmas-day"
        ),
        pytest.param(
            date(2024, 12, 2), 20, date(2025, 1, 2), id="across-christmas-2024"
        ),
        pytest.param(
            date(2024, 12, 19), 10, date(2025, 1, 7), id="across-new-year-2025"
        ),
        pytest.param(
            date(2026, 12, 23), 5, date(2027, 1, 4), id="boxing-day-observed-2026"
        ),
        pytest.param(date(2025, 4, 10), 10, date(2025, 4, 28), id="across-easter-2025"),
        pytest.param(date(2024, 3, 27), 3, date(2024, 4, 3), id="across-easter-2024"),
        pytest.param(date(2025, 3, 3), 20, date(2025, 3, 31), id="no-holidays"),
    ],
)
def test_working_days_are_counted_from_the_day_after_the_start(start, amount, expected):
    interval = Interval(amount, DayUnit.WORKING_DAYS)

    assert add_interval(start, interval) == expected


@pytest.mark.parametrize(
    ("start", "interval", "expected"),
    [
        pytest.param(
            date(2024, 10, 25),
            Interval(5, DayUnit.WORKING_DAYS),
            date(2024, 11, 1),
            id="working-days-ignore-half-term",
        ),
        pytest.param(
            date(2024, 10, 25),
            Interval(5, DayUnit.SCHOOL_DAYS),
            date(2024, 11, 8),
            id="school-days-skip-half-term",
        ),
        pytest.param(
            date(2024, 12, 23),
            Interval(3, DayUnit.SCHOOL_DAYS),
            date(2024, 12, 30),
            id="school-days-skip-bank-holidays-too",
        ),
        pytest.param(
            date(2024, 12, 25),
            Interval(10, DayUnit.CALENDAR_DAYS),
            date(2025, 1, 4),
            id="calendar-days-count-holidays",
        ),
        pytest.param(
            date(2024, 12, 2),
            Interval(4, DayUnit.WEEKS),
            date(2024, 12, 30),
            id="weeks-keep-the-weekday",
        ),
        pytest.param(
            date(2024, 12, 20),
            Interval(3, DayUnit.MONTHS),
            date(2025, 3, 20),
            id="months-keep-the-day",
        ),
    ],
)
def test_each_unit_counts_its_own_kind_of_day(start, interval, expected):
    rules = CycleRules(closures=HALF_TERM_AUTUMN_2024)

    assert add_interval(start, interval, rules) == expected


def test_school_days_without_closures_are_working_days():
    start = date(2024, 12, 2)

    school = add_interval(start, Interval(20, DayUnit.SCHOOL_DAYS))

    assert school == date(2025, 1, 2)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(date(2023, 8, 31), 6, date(2024, 2, 29), id="into-leap-february"),
        pytest.param(date(2024, 8, 31), 6, date(2025, 2, 28), id="into-plain-february"),
        pytest.param(date(2023, 11, 30), 3, date(2024, 2, 29), id="30th-into-leap-feb"),
        pytest.param(date(2024, 2, 29), 6, date(2024, 8, 29), id="from-leap-day"),
        pytest.param(date(2024, 10, 31), 6, date(2025, 4, 30), id="into-30-day-month"),
        pytest.param(date(2024, 12, 31), 3, date(2025, 3, 31), id="across-the-year"),
        pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="one-month"),
    ],
)
def test_a_month_keeps_the_day_or_ends_at_the_month_end(start, months, expected):
    interval = Interval(months, DayUnit.MONTHS)

    assert add_interval(start, interval) == expected


@pytest.mark.parametrize(
    ("care_start", "meetings_held", "expected"),
    [
        pytest.param(
            date(2024, 12, 2), [], date(2025, 1, 2), id="first-across-christmas"
        ),
        pytest.param(
            date(2025, 3, 24), [], date(2025, 4, 23), id="first-across-easter"
        ),
        pytest.param(
            date(2024, 12, 2),
            [date(2024, 12, 20)],
            date(2025, 3, 20),
            id="second-three-months-after-the-first",
        ),
        pytest.param(
            date(2023, 11, 6),
            [date(2023, 11, 30)],
            date(2024, 2, 29),
            id="second-clamped-to-leap-day",
        ),
        pytest.param(
            date(2024, 12, 2),
            [date(2024, 12, 20), date(2025, 3, 20)],
            date(2025, 9, 20),
            id="third-six-months-after-the-second",
        ),
        pytest.param(
            date(2023, 5, 2),
            [date(2023, 8, 31), date(2023, 5, 25)],
            date(2024, 2, 29),
            id="out-of-order-latest-is-31-august",
        ),
        pytest.param(
            date(2024, 12, 2),
            [date(2025, 3, 15), date(2024, 12, 20), date(2025, 9, 15)],
            date(2026, 3, 15),
            id="out-of-order-three-meetings",
        ),
        pytest.param(
            date(2024, 12, 2),
            [date(2024, 12, 20), date(2024, 12, 20)],
            date(2025, 3, 20),
            id="same-day-recorded-twice-is-one-meeting",
        ),
        pytest.param(
            date(2025, 3, 3),
            [date(2025, 3, 3)],
            date(2025, 6, 3),
            id="meeting-on-the-day-care-starts-counts",
        ),
    ],
)
def test_next_pep_is_due_by_the_stage_of_the_cycle(care_start, meetings_held, expected):
    assert pep_due(care_start, meetings_held) == expected


@pytest.mark.parametrize(
    ("care_start", "meetings_held", "expected"),
    [
        pytest.param(
            date(2025, 3, 3),
            [date(2024, 3, 20), date(2024, 12, 20)],
            date(2025, 3, 31),
            id="only-earlier-meetings-means-first-pep",
        ),
        pytest.param(
            date(2025, 3, 3),
            [date(2024, 3, 20), date(2024, 12, 20), date(2025, 3, 25)],
            date(2025, 6, 25),
            id="one-meeting-since-means-second-pep",
        ),
    ],
)
def test_meetings_from_an_earlier_period_in_care_are_ignored(
    care_start, meetings_held, expected
):
    assert pep_due(care_start, meetings_held) == expected


def test_meetings_may_be_given_as_a_one_pass_iterator():
    meetings = iter([date(2024, 12, 20), date(2025, 3, 20)])

    assert pep_due(date(2024, 12, 2), meetings) == date(2025, 9, 20)


@pytest.mark.parametrize(
    ("rules", "meetings_held", "expected"),
    [
        pytest.param(
            CycleRules(first_pep=Interval(10, DayUnit.CALENDAR_DAYS)),
            [],
            date(2024, 12, 12),
            id="first-in-calendar-days",
        ),
        pytest.param(
            CycleRules(second_pep=Interval(12, DayUnit.WEEKS)),
            [date(2024, 12, 20)],
            date(2025, 3, 14),
            id="second-in-weeks",
        ),
        pytest.param(
            CycleRules(later_peps=Interval(4, DayUnit.MONTHS)),
            [date(2024, 12, 20), date(2025, 3, 20)],
            date(2025, 7, 20),
            id="later-in-months",
        ),
    ],
)
def test_each_cycle_rule_can_be_changed(rules, meetings_held, expected):
    assert pep_due(date(2024, 12, 2), meetings_held, rules) == expected


@pytest.mark.parametrize(
    ("meeting", "expected"),
    [
        pytest.param(date(2024, 12, 19), date(2025, 1, 7), id="across-christmas"),
        pytest.param(date(2025, 4, 10), date(2025, 4, 28), id="across-easter"),
        pytest.param(date(2025, 3, 3), date(2025, 3, 17), id="plain-fortnight"),
    ],
)
def test_a_pep_is_finalised_within_ten_working_days(meeting, expected):
    assert finalisation_due(meeting) == expected


def test_finalisation_can_be_set_in_calendar_days():
    rules = CycleRules(finalisation=Interval(14, DayUnit.CALENDAR_DAYS))

    assert finalisation_due(date(2024, 12, 19), rules) == date(2025, 1, 2)


@pytest.mark.parametrize(
    ("meeting", "rules", "expected"),
    [
        pytest.param(
            date(2024, 12, 19),
            DEFAULT_RULES,
            date(2025, 1, 21),
            id="ten-working-days-after-finalisation-due",
        ),
        pytest.param(
            date(2024, 12, 19),
            CycleRules(quality_assurance=Interval(1, DayUnit.WEEKS)),
            date(2025, 1, 14),
            id="configured-as-one-week",
        ),
    ],
)
def test_quality_assurance_is_counted_from_the_finalisation_deadline(
    meeting, rules, expected
):
    assert quality_assurance_due(meeting, rules) == expected


def test_preparation_steps_follow_the_guides_timeline():
    steps = preparation_steps(date(2025, 1, 14))

    assert [(step.code, step.responsible, step.due_on) for step in steps] == [
        ("confirm_date", Role.VIRTUAL_SCHOOL, date(2024, 12, 17)),
        ("call_meeting", Role.SOCIAL_WORKER, date(2024, 12, 24)),
        ("invite_child", Role.DESIGNATED_TEACHER, date(2024, 12, 24)),
        ("collect_pupil_voice", Role.DESIGNATED_TEACHER, date(2024, 12, 24)),
        ("delegate_school_section", Role.VIRTUAL_SCHOOL, date(2024, 12, 24)),
        ("complete_school_section", Role.DESIGNATED_TEACHER, date(2024, 12, 31)),
        ("send_carer_copy", Role.DESIGNATED_TEACHER, date(2024, 12, 31)),
        ("carer_confirm_attendance", Role.CARER, date(2024, 12, 31)),
        ("complete_section_c", Role.SOCIAL_WORKER, date(2025, 1, 7)),
        ("read_school_section", Role.SOCIAL_WORKER, date(2025, 1, 7)),
        ("finalise", Role.SOCIAL_WORKER, date(2025, 1, 28)),
        ("quality_assure", Role.VIRTUAL_SCHOOL, date(2025, 2, 11)),
    ]


@pytest.mark.parametrize(
    ("meeting", "code", "expected"),
    [
        pytest.param(
            date(2026, 1, 2),
            "read_school_section",
            date(2025, 12, 24),
            id="boxing-day-moves-back-past-christmas",
        ),
        pytest.param(
            date(2026, 1, 2),
            "complete_school_section",
            date(2025, 12, 19),
            id="a-working-day-stays",
        ),
        pytest.param(
            date(2027, 1, 4),
            "complete_section_c",
            date(2026, 12, 24),
            id="observed-boxing-day-moves-back-past-weekend",
        ),
        pytest.param(
            date(2025, 4, 25),
            "complete_section_c",
            date(2025, 4, 17),
            id="good-friday-moves-to-thursday",
        ),
        pytest.param(
            date(2024, 4, 8),
            "read_school_section",
            date(2024, 3, 28),
            id="easter-monday-moves-back-past-good-friday",
        ),
        pytest.param(
            date(2026, 1, 2), "finalise", date(2026, 1, 16), id="finalise-after"
        ),
        pytest.param(
            date(2026, 1, 2), "quality_assure", date(2026, 1, 30), id="qa-after"
        ),
    ],
)
def test_a_step_due_on_a_holiday_is_due_the_working_day_before(meeting, code, expected):
    steps = {step.code: step for step in preparation_steps(meeting)}

    assert steps[code].due_on == expected


def test_after_meeting_steps_follow_the_configured_rules():
    rules = CycleRules(
        finalisation=Interval(5, DayUnit.WORKING_DAYS),
        quality_assurance=Interval(2, DayUnit.WEEKS),
    )

    steps = {step.code: step for step in preparation_steps(date(2025, 1, 14), rules)}

    assert steps["finalise"].due_on == date(2025, 1, 21)
    assert steps["quality_assure"].due_on == date(2025, 2, 4)


def test_every_step_has_a_plain_english_title():
    steps = preparation_steps(date(2025, 1, 14))

    assert all(step.title and step.title[0].isupper() for step in steps)
    assert not any(step.title.endswith(".") for step in steps)
    assert len({step.code for step in steps}) == len(steps)


@pytest.mark.parametrize(
    ("interval", "words"),
    [
        (Interval(20, DayUnit.WORKING_DAYS), "20 working days"),
        (Interval(1, DayUnit.WORKING_DAYS), "1 working day"),
        (Interval(10, DayUnit.CALENDAR_DAYS), "10 calendar days"),
        (Interval(5, DayUnit.SCHOOL_DAYS), "5 school days"),
        (Interval(1, DayUnit.SCHOOL_DAYS), "1 school day"),
        (Interval(4, DayUnit.WEEKS), "4 weeks"),
        (Interval(1, DayUnit.WEEKS), "1 week"),
        (Interval(6, DayUnit.MONTHS), "6 months"),
        (Interval(1, DayUnit.MONTHS), "1 month"),
        (Interval(0, DayUnit.WEEKS), "0 weeks"),
    ],
)
def test_an_interval_describes_itself_in_words(interval, words):
    assert interval.describe() == words


def test_default_rules_are_described_in_plain_english():
    assert DEFAULT_RULES.describe() == [
        "The first PEP meeting is due within 20 working days of the child entering "
        "care.",
        "The second PEP meeting is due within 3 months of the first.",
        "Each later PEP meeting is due within 6 months of the one before.",
        "A PEP is due to be finalised within 10 working days of its meeting.",
        "The Virtual School's quality assurance is due within 10 working days of the "
        "date the PEP was due to be finalised.",
        "Counting starts on the day after the date of entering care or of the meeting.",
        "Working days are Monday to Friday, except bank holidays in England and Wales.",
        "A month later is the same day of the month, or the last day of the month "
        "when that day does not exist (31 August plus 6 months is the end of "
        "February).",
    ]


@pytest.mark.parametrize(
    ("closures", "sentence"),
    [
        pytest.param(
            HALF_TERM_AUTUMN_2024,
            "School days are working days on which schools are open; 5 school "
            "closure days are set.",
            id="five-closures",
        ),
        pytest.param(
            {date(2024, 9, 2)},
            "School days are working days on which schools are open; 1 school "
            "closure day is set.",
            id="one-closure",
        ),
    ],
)
def test_rules_in_school_days_explain_closures(closures, sentence):
    rules = CycleRules(
        first_pep=Interval(20, DayUnit.SCHOOL_DAYS),
        second_pep=Interval(12, DayUnit.WEEKS),
        later_peps=Interval(26, DayUnit.WEEKS),
        finalisation=Interval(14, DayUnit.CALENDAR_DAYS),
        quality_assurance=Interval(14, DayUnit.CALENDAR_DAYS),
        closures=closures,
    )

    described = rules.describe()

    assert described[0] == (
        "The first PEP meeting is due within 20 school days of the child entering care."
    )
    assert described[-1] == sentence
    assert not any("month" in line for line in described)


def test_rules_in_calendar_days_do_not_explain_working_days():
    rules = CycleRules(
        first_pep=Interval(28, DayUnit.CALENDAR_DAYS),
        second_pep=Interval(90, DayUnit.CALENDAR_DAYS),
        later_peps=Interval(180, DayUnit.CALENDAR_DAYS),
        finalisation=Interval(14, DayUnit.CALENDAR_DAYS),
        quality_assurance=Interval(14, DayUnit.CALENDAR_DAYS),
    )

    described = rules.describe()

    assert len(described) == 6
    assert not any("Working days" in line for line in described)


@pytest.mark.parametrize(
    ("care_start", "meetings_held", "reason"),
    [
        pytest.param(
            date(2024, 12, 2),
            [],
            "First PEP: within 20 working days of entering care on 2 December 2024.",
            id="first",
        ),
        pytest.param(
            date(2024, 12, 2),
            [date(2024, 12, 20)],
            "Second PEP: within 3 months of the first PEP meeting on 20 December 2024.",
            id="second",
        ),
        pytest.param(
            date(2024, 12, 2),
            [date(2025, 3, 20), date(2024, 12, 20)],
            "Later PEP: within 6 months of the last PEP meeting on 20 March 2025.",
            id="later",
        ),
        pytest.param(
            date(2025, 3, 3),
            [date(2024, 12, 20), date(2024, 3, 20)],
            "First PEP: within 20 working days of entering care on 3 March 2025.",
            id="back-in-care",
        ),
    ],
)
def test_the_reason_names_the_rule_and_the_date_it_counts_from(
    care_start, meetings_held, reason
):
    assert due_reason(care_start, meetings_held) == reason


def test_the_reason_uses_the_configured_interval():
    rules = CycleRules(first_pep=Interval(1, DayUnit.MONTHS))

    assert due_reason(date(2024, 9, 1), [], rules) == (
        "First PEP: within 1 month of entering care on 1 September 2024."
    )


@pytest.mark.parametrize(
    ("due", "on", "late"),
    [
        pytest.param(date(2025, 1, 2), date(2025, 1, 1), False, id="before"),
        pytest.param(date(2025, 1, 2), date(2025, 1, 2), False, id="on-the-day"),
        pytest.param(date(2025, 1, 2), date(2025, 1, 3), True, id="day-after"),
    ],
)
def test_a_deadline_is_met_on_the_due_date_itself(due, on, late):
    assert is_late(due, on) is late


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        pytest.param(date(2024, 12, 2), date(2025, 1, 2), 20, id="across-christmas"),
        pytest.param(date(2024, 12, 19), date(2025, 1, 7), 10, id="new-year"),
        pytest.param(date(2025, 4, 17), date(2025, 4, 22), 1, id="easter"),
        pytest.param(date(2024, 12, 6), date(2024, 12, 7), 0, id="to-a-saturday"),
        pytest.param(date(2024, 12, 6), date(2024, 12, 9), 1, id="to-monday"),
        pytest.param(date(2024, 12, 2), date(2024, 12, 2), 0, id="same-day"),
        pytest.param(date(2025, 1, 2), date(2024, 12, 2), -20, id="backwards"),
    ],
)
def test_working_days_between_counts_days_after_the_start(start, end, count):
    assert working_days_between(start, end) == count


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(date(2025, 1, 2), True, id="thursday"),
        pytest.param(date(2025, 1, 4), False, id="saturday"),
        pytest.param(date(2025, 1, 1), False, id="new-year"),
        pytest.param(date(2023, 5, 8), False, id="coronation-2023"),
        pytest.param(date(2026, 12, 28), False, id="boxing-day-observed"),
        pytest.param(date(2024, 12, 24), True, id="christmas-eve"),
    ],
)
def test_working_days_skip_weekends_and_english_bank_holidays(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2024, 12, 2), "2 December 2024"),
        (date(2025, 1, 31), "31 January 2025"),
    ],
)
def test_dates_are_written_the_govuk_way(day, words):
    assert format_date(day) == words


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        pytest.param(
            lambda: Interval(-1, DayUnit.WEEKS),
            ValueError,
            "cannot be negative: -1",
            id="negative-amount",
        ),
        pytest.param(
            lambda: Interval(2.5, DayUnit.WEEKS),
            TypeError,
            "whole number, not 2.5",
            id="fractional-amount",
        ),
        pytest.param(
            lambda: Interval(True, DayUnit.WEEKS),
            TypeError,
            "whole number, not True",
            id="boolean-amount",
        ),
        pytest.param(
            lambda: Interval(3, "fortnights"),
            ValueError,
            "Unknown interval unit 'fortnights'; use one of: working_days, "
            "calendar_days, school_days, weeks, months",
            id="unknown-unit",
        ),
        pytest.param(
            lambda: CycleRules(first_pep=20),
            TypeError,
            "The rule first_pep must be an Interval, not 20",
            id="rule-not-an-interval",
        ),
        pytest.param(
            lambda: CycleRules(closures=["2024-10-28"]),
            TypeError,
            "Each school closure must be a date, not '2024-10-28'",
            id="closure-as-text",
        ),
        pytest.param(
            lambda: CycleRules(closures="2024-10-28"),
            TypeError,
            "School closures must be a collection of dates, not '2024-10-28'",
            id="closures-as-one-string",
        ),
        pytest.param(
            lambda: pep_due(datetime(2024, 12, 2, 9, 30), []),
            TypeError,
            "care_start must be a date, not datetime",
            id="care-start-with-a-time",
        ),
        pytest.param(
            lambda: pep_due(date(2024, 12, 2), [date(2024, 12, 20), "2025-03-20"]),
            TypeError,
            r"meetings_held\[1\] must be a date, not '2025-03-20'",
            id="meeting-as-text",
        ),
        pytest.param(
            lambda: finalisation_due(None),
            TypeError,
            "meeting_date must be a date, not None",
            id="missing-meeting-date",
        ),
        pytest.param(
            lambda: preparation_steps("2025-01-14"),
            TypeError,
            "meeting_date must be a date, not '2025-01-14'",
            id="preparation-for-text",
        ),
        pytest.param(
            lambda: is_late(date(2025, 1, 2), None),
            TypeError,
            "on must be a date, not None",
            id="late-on-nothing",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_unit_may_be_given_as_its_stored_value():
    interval = Interval(20, "working_days")

    assert interval == Interval(20, DayUnit.WORKING_DAYS)
    assert interval.unit is DayUnit.WORKING_DAYS


def test_rules_are_frozen_and_the_defaults_match_the_regulations():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_RULES.first_pep = Interval(10, DayUnit.WORKING_DAYS)

    assert DEFAULT_RULES.intervals() == (
        Interval(20, DayUnit.WORKING_DAYS),
        Interval(3, DayUnit.MONTHS),
        Interval(6, DayUnit.MONTHS),
        Interval(10, DayUnit.WORKING_DAYS),
        Interval(10, DayUnit.WORKING_DAYS),
    )
    assert DEFAULT_RULES.closures == frozenset()
